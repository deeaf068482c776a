/*
 * bench.c - per-kernel microbenchmarks against the machine's own measured limits.
 *
 *   bench [--quick] [--quiet] [--filter SUB[,SUB..]] [--shapes NAME|MxK[,..]] [--reps N]
 *         [--threads N[,N..]] [--tokens N[,N..]] [--budget SECONDS] [--dram-bytes N]
 *         [--receipt FILE] [--list-shapes]
 *
 * Driven by the kernel registry: every kernel this CPU can run whose op is benchmarked
 * (ternary GEMV/GEMM, F16 and Q8 GEMV, A8 quant, TL lut) and whose name contains a --filter
 * substring, on the BitNet b1.58 2B4T shapes and on cache-resident ones.  First the
 * machine: read bandwidth for 1 thread and all cores, peak vpdpbusd, pool barrier.  Then
 * each kernel: conformance on the benchmark shape, warm-up, repetitions; a markdown
 * table on stdout and, with --receipt, a kernel-bench receipt (JSON) built from the
 * dispatch counters.  A run in which any kernel fails its check writes no receipt and
 * exits 1.  docs/performance.md describes the method and the definitions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/bench/bench.h"

/* The 2B4T matmuls (MODEL.md section 1) and two cache-resident ones. */
static const bench_shape known_shapes[] = {
    {"attn_qo", 2560, 2560, false, true}, /* wq, wo */
    {"attn_kv", 640, 2560, false, true}, /* wk, wv */
    {"ffn_up", 6912, 2560, false, true}, /* wgate, wup */
    {"ffn_down", 2560, 6912, false, true}, /* wdown */
    {"head", 128256, 2560, true, true}, /* tied F16 output head (and its Q8 int8 version) */
    {"cache", 256, 2560, false, false}, /* <= 160 KiB ternary: L2-resident */
    {"cache_head", 64, 2560, true, false}, /* 320 KiB F16 / 160 KiB Q8: L2-resident */
};
#define KNOWN_SHAPES (sizeof known_shapes / sizeof known_shapes[0])
static const char *const full_shapes = "attn_qo,attn_kv,ffn_up,ffn_down,head,cache,cache_head";
static const char *const quick_shapes = "attn_qo,cache,cache_head";

#define MAX_SHAPES 32

static void usage(FILE *to)
{
    fprintf(to,
            "usage: bench [--quick] [--quiet] [--filter SUB[,SUB..]] [--shapes NAME|MxK[,..]] [--reps N]\n"
            "             [--threads N[,N..]] [--tokens N[,N..]] [--budget SECONDS] [--dram-bytes N]\n"
            "             [--receipt FILE] [--list-shapes]\n"
            "  --quick       shapes %s, tokens 16, 3..11 reps within 0.05 s each\n"
            "  --quiet       no progress lines on stderr\n"
            "  --filter      only kernels whose name contains one of the substrings\n"
            "  --shapes      shape names (--list-shapes) or MxK (DRAM placement, every matmul kernel)\n"
            "  --reps        exactly N timed calls per result (default: as many as fit the budget,\n"
            "                at least 5 and at most 101, odd)\n"
            "  --budget      seconds of timed calls per result for the default reps (1.0)\n"
            "  --threads     thread counts for the matmuls (default 1 and one per core)\n"
            "  --tokens      GEMM token counts, also used for A8 quant and TL lut (default 16,64,128)\n"
            "  --dram-bytes  footprint of the rotated weight copies (default 2 x last-level cache)\n",
            quick_shapes);
}

/* A positive integer that fits `max`; false with a message naming the option. */
static bool parse_count(const char *opt, const char *text, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || end == text || *end || text[0] == '-' || v == 0 || v > max) {
        fprintf(stderr, "bench: %s %s: expected an integer in 1..%llu\n", opt, text, max);
        return false;
    }
    *out = v;
    return true;
}

/* "a,b,c" of positive integers into list[], at most `cap` of them. */
static bool parse_list(const char *opt, const char *text, unsigned long long max, size_t cap, size_t *list,
                       size_t *count)
{
    char buf[256];
    if (strlen(text) >= sizeof buf) {
        fprintf(stderr, "bench: %s: list too long\n", opt);
        return false;
    }
    strcpy(buf, text);
    *count = 0;
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        unsigned long long v;
        if (*count == cap) {
            fprintf(stderr, "bench: %s %s: at most %zu values\n", opt, text, cap);
            return false;
        }
        if (!parse_count(opt, item, max, &v)) return false;
        list[(*count)++] = (size_t)v;
    }
    if (*count == 0) fprintf(stderr, "bench: %s: empty list\n", opt);
    return *count > 0;
}

static bool parse_options(int argc, char **argv, bench_options *o, bool *list_shapes)
{
    *o = (bench_options){.min_reps = 5, .max_reps = 101, .budget_s = 1.0};
    const char *threads = NULL, *tokens = NULL, *budget = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long n;
        if (strcmp(a, "--quick") == 0)
            o->quick = true;
        else if (strcmp(a, "--quiet") == 0)
            o->quiet = true;
        else if (strcmp(a, "--list-shapes") == 0)
            *list_shapes = true;
        else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        } else if (!v) {
            fprintf(stderr, "bench: unknown or incomplete argument '%s'\n", a);
            usage(stderr);
            return false;
        } else if (strcmp(a, "--filter") == 0)
            o->filter = argv[++i];
        else if (strcmp(a, "--shapes") == 0)
            o->shapes = argv[++i];
        else if (strcmp(a, "--receipt") == 0)
            o->receipt = argv[++i];
        else if (strcmp(a, "--threads") == 0)
            threads = argv[++i];
        else if (strcmp(a, "--tokens") == 0)
            tokens = argv[++i];
        else if (strcmp(a, "--budget") == 0)
            budget = argv[++i];
        else if (strcmp(a, "--reps") == 0) {
            if (!parse_count(a, argv[++i], 1000000, &n)) return false;
            o->reps = (unsigned)n;
        } else if (strcmp(a, "--dram-bytes") == 0) {
            if (!parse_count(a, argv[++i], 1ull << 40, &n)) return false;
            o->dram_bytes = n;
        } else {
            fprintf(stderr, "bench: unknown argument '%s'\n", a);
            usage(stderr);
            return false;
        }
    }
    if (o->quick) o->min_reps = 3, o->max_reps = 11, o->budget_s = 0.05;
    if (budget) {
        char *end;
        o->budget_s = strtod(budget, &end);
        if (*end || !(o->budget_s > 0.0 && o->budget_s <= 3600.0)) {
            fprintf(stderr, "bench: --budget %s: expected seconds in (0, 3600]\n", budget);
            return false;
        }
    }
    size_t list[BENCH_MAX_THREAD_COUNTS], count;
    if (threads) {
        if (!parse_list("--threads", threads, BN_POOL_MAX_THREADS, BENCH_MAX_THREAD_COUNTS, list, &count))
            return false;
        for (size_t i = 0; i < count; i++) o->threads[i] = (unsigned)list[i];
        o->thread_counts = (unsigned)count;
    } else {
        bn_topology_info topo;
        unsigned cores = bn_topology(&topo) == BN_OK && topo.cores ? topo.cores : 1;
        o->threads[o->thread_counts++] = 1;
        if (cores > 1) o->threads[o->thread_counts++] = cores;
    }
    if (tokens) {
        if (!parse_list("--tokens", tokens, 4096, BENCH_MAX_TOKEN_COUNTS, o->tokens, &o->token_counts))
            return false;
    } else if (o->quick) {
        o->tokens[o->token_counts++] = 16;
    } else {
        o->tokens[0] = 16, o->tokens[1] = 64, o->tokens[2] = 128, o->token_counts = 3;
    }
    return true;
}

/* Names and MxK into shapes; an MxK gives a ternary and an F16 entry (every matmul). */
static bool parse_shapes(const char *text, bench_shape *shapes, size_t *count, char names[][32])
{
    char buf[512];
    if (strlen(text) >= sizeof buf) {
        fprintf(stderr, "bench: --shapes: list too long\n");
        return false;
    }
    strcpy(buf, text);
    *count = 0;
    char *save = NULL;
    for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        const bench_shape *known = NULL;
        for (size_t i = 0; i < KNOWN_SHAPES; i++)
            if (strcmp(known_shapes[i].name, item) == 0) known = &known_shapes[i];
        if (*count + 2 > MAX_SHAPES) {
            fprintf(stderr, "bench: --shapes: at most %d shapes\n", MAX_SHAPES);
            return false;
        }
        if (known) {
            shapes[(*count)++] = *known;
            continue;
        }
        unsigned long long m, k;
        char *x = strchr(item, 'x');
        if (!x) {
            fprintf(stderr, "bench: --shapes: '%s' is neither a shape name (--list-shapes) nor MxK\n", item);
            return false;
        }
        *x = '\0';
        if (!parse_count("--shapes M", item, 1u << 24, &m) || !parse_count("--shapes K", x + 1, 1u << 20, &k))
            return false;
        size_t at = *count;
        snprintf(names[at], 32, "%llux%llu", m, k);
        shapes[at] = (bench_shape){names[at], m, k, false, true};
        shapes[at + 1] = (bench_shape){names[at], m, k, true, true};
        *count = at + 2;
    }
    return *count > 0;
}

static json_t *options_json(const bench_options *o, const char *shapes)
{
    json_t *threads = json_array(), *tokens = json_array();
    for (unsigned i = 0; i < o->thread_counts; i++)
        json_array_append_new(threads, json_integer(o->threads[i]));
    for (size_t i = 0; i < o->token_counts; i++)
        json_array_append_new(tokens, json_integer((json_int_t)o->tokens[i]));
    return json_pack("{s:s, s:s?, s:s, s:o, s:i, s:i, s:f, s:o, s:o}", "mode", o->quick ? "quick" : "full",
                     "filter", o->filter, "shapes", shapes, "reps",
                     o->reps ? json_integer(o->reps) : json_null(), "min_reps", (int)o->min_reps, "max_reps",
                     (int)o->max_reps, "budget_s", o->budget_s, "threads", threads, "tokens", tokens);
}

/* Kernels of benchmarked ops that match the filter but cannot run here: say so. */
static void report_skipped(const bench_options *o, bn_receipt_bench *rb)
{
    bn_cpu_features effective = bn_cpu_effective();
    for (size_t i = 0; i < bn_kernel_count(); i++) {
        const bn_kernel *k = bn_kernel_at(i);
        bn_op op = bn_kernel_op(k);
        if (op != BN_OP_GEMV && op != BN_OP_GEMM && op != BN_OP_LUT &&
            !(op == BN_OP_QUANT && bn_kernel_format(k) == BN_FORMAT_A8))
            continue;
        if (bn_kernel_usable(k) || !bench_matches_filter(o, k)) continue;
        char reason[160] = "lacks";
        bn_cpu_features missing = bn_isa_features(bn_kernel_isa(k)) & ~effective;
        for (unsigned b = 0; bn_cpu_feature_name(b); b++)
            if (missing & BN_CPU_BIT(b))
                snprintf(reason + strlen(reason), sizeof reason - strlen(reason), " %s",
                         bn_cpu_feature_name(b));
        printf("SKIP %s: %s\n", bn_kernel_name(k), reason);
        bn_receipt_bench_skip(rb, k, reason);
    }
}

int main(int argc, char **argv)
{
    bench_options o;
    bool list_shapes = false;
    if (!parse_options(argc, argv, &o, &list_shapes)) return 2;
    if (list_shapes) {
        for (size_t i = 0; i < KNOWN_SHAPES; i++)
            printf("%-11s %6zu x %-5zu %s, %s placement\n", known_shapes[i].name, known_shapes[i].m,
                   known_shapes[i].k, known_shapes[i].f16 ? "F16 and Q8 GEMV" : "ternary GEMV/GEMM",
                   known_shapes[i].dram ? "DRAM" : "cache");
        return 0;
    }
    const char *shape_text = o.shapes ? o.shapes : o.quick ? quick_shapes : full_shapes;
    bench_shape shapes[MAX_SHAPES];
    char names[MAX_SHAPES][32];
    size_t shape_count;
    if (!parse_shapes(shape_text, shapes, &shape_count, names)) return 2;

    bn_dispatch(); /* a bad BN_ISA/BN_DISABLE stops here, before any measurement */
    bn_counters_timing(1); /* timings come from the counters, whatever BN_COUNTERS says */
    uint64_t start = bn_now_ns();
    size_t max_copy = 0;
    for (size_t i = 0; i < shape_count; i++) {
        /* Upper bound over every format and layout: F16, or the widest ternary row
         * (QK256 pads K to 256) with up to 255 padding rows of a row-interleaved layout. */
        size_t m = shapes[i].m, k = shapes[i].k;
        size_t bytes = shapes[i].f16 ? m * k * 2 : (m + 255) * ((k + 255) / 256 * 64) + 64;
        if (bytes > max_copy) max_copy = bytes;
    }
    bench_machine mc;
    if (!bench_measure_machine(&o, max_copy + 64, &mc)) {
        bench_release_machine(&mc);
        return 2;
    }
    if (!o.quiet)
        fprintf(stderr, "bench: read bandwidth before the kernels: %.2f GB/s (1 thread)\n",
                mc.bw_pass_gbps[0][0]);

    bench_results results = {0};
    unsigned failures = 0;
    for (size_t i = 0; i < shape_count; i++) {
        bool first_k = true; /* A8 quant and TL lut once per K */
        for (size_t j = 0; j < i; j++) first_k &= shapes[j].k != shapes[i].k;
        failures += bench_shape_run(&o, &mc, &shapes[i], first_k, &results);
    }
    if (!bench_measure_bandwidth(&o, &mc, true)) failures++;
    double wall = (double)(bn_now_ns() - start) * 1e-9;

    bn_receipt_bench rb;
    bn_receipt_bench_init(&rb, options_json(&o, shape_text));
    bn_receipt_bench_topology(&rb, &mc.topo, mc.dram_footprint);
    bn_receipt_bench_bandwidth(&rb, mc.bw_method, mc.read_probe, mc.bw, mc.count_n, bench_bandwidth(&mc, 1),
                               bench_bandwidth(&mc, mc.topo.cores ? mc.topo.cores : 1));
    bn_receipt_bench_peak(&rb, mc.peak_method, mc.have_peak ? &mc.peak_one : NULL,
                          mc.have_peak ? &mc.peak_all : NULL, mc.peak_reason);
    if (mc.pool.run.reps) bn_receipt_bench_pool(&rb, &mc.pool);
    bench_print_machine(&o, &mc);
    report_skipped(&o, &rb);
    bench_print_header();
    for (size_t i = 0; i < results.count; i++) {
        bench_finish_result(&mc, &results.items[i]);
        bench_print_result(&results.items[i]);
        bn_receipt_bench_result(&rb, &results.items[i]);
        free(results.items[i].t.ns);
    }
    free(results.items);
    printf("\n%s: %u failures, %.1f s\n", failures ? "FAILED" : "done", failures, wall);
    int status = failures ? 1 : 0;
    if (o.receipt && failures) {
        printf("no receipt written: a run with a failing kernel writes none\n");
    } else if (o.receipt) {
        if (bn_receipt_bench_write(&rb, o.receipt, wall) != BN_OK) {
            fprintf(stderr, "bench: %s\n", bn_last_error());
            status = 2;
        } else {
            printf("receipt: %s\n", o.receipt);
        }
    }
    bn_receipt_bench_free(&rb);
    bench_release_machine(&mc);
    return status;
}
