/*
 * bench.c - `bitnet bench -m MODEL [-p 512] [-n 128] [-r 5] [-t N] [--receipt FILE]`:
 * prompt processing (pp) and text generation (tg) speed, defined as llama-bench defines
 * them, next to the machine's limits measured in the same run.
 *
 *   ppN: empty cache, one batch of N tokens (BOS, then random ids), logits of the last;
 *   tgN: empty cache, N single-token decodes starting from BOS, then random ids, logits
 *        of every token (no sampling, as llama-bench).
 * Each test: one warm-up run, then -r timed repetitions; tokens/s = tokens / seconds of a
 * repetition, reported as mean and sample standard deviation over the repetitions.
 *
 * Limits, measured first (harness/bench/machine.c): the memory read bandwidth with the
 * thread count used, giving the decode roofline (bandwidth / bytes of weights read per
 * token), and the peak vpdpbusd rate, giving the prefill compute peak (int8 MACs/s
 * against the ternary MACs per token).  The `inference` receipt (receipts/schema.json) is
 * built from the dispatch counters of the timed repetitions.
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/bench/bench.h"
#include "harness/common/receipt.h"
#include "harness/common/sha256.h"
#include "model/context.h"
#include "model/tokenizer.h"
#include "tools/cli/cli.h"
#include "tools/cli/session.h"

#define MAX_TESTS 16

typedef struct test {
    char name[16];
    bool decode;
    size_t tokens;
    double *seconds; /* [reps] */
    double mean, stddev;
    double profiled_seconds; /* the timed repetitions, whose phase clocks were on */
    double phase_seconds[BN_PHASE_COUNT];
} test;

typedef struct limits {
    double read_gbps; /* with the thread count used */
    double int8_macs_per_s; /* 0 when the CPU has no vpdpbusd probe */
    uint64_t peak_rss_bytes; /* of the tests: read before the probes after them */
} limits;

static bool parse_sizes(const char *text, const char *def, bool decode, test *tests, size_t *n)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text ? text : def);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *end;
        long v = strtol(tok, &end, 10);
        if (*end || v < 0 || v > 1 << 20 || *n == MAX_TESTS) {
            fprintf(stderr, "bitnet bench: %s expects a list of token counts, got '%s'\n",
                    decode ? "-n" : "-p", tok);
            return false;
        }
        if (v == 0) continue; /* -n 0: no tg test */
        test *t = &tests[(*n)++];
        *t = (test){.decode = decode, .tokens = (size_t)v};
        snprintf(t->name, sizeof t->name, "%s%ld", decode ? "tg" : "pp", v);
    }
    return true;
}

/* Bandwidth with `threads` threads and the vpdpbusd peak, in a quick run of the
 * benchmark's machine probes (256 MiB rotation footprint: far beyond the caches). */
static bool measure_limits(unsigned threads, limits *out)
{
    bench_options o = {.quick = true, .quiet = true, .min_reps = 3, .max_reps = 11, .budget_s = 0.05};
    o.threads[0] = threads, o.thread_counts = 1, o.dram_bytes = 256ull << 20;
    bench_machine mc;
    if (!bench_measure_machine(&o, 0, &mc) || !bench_measure_bandwidth(&o, &mc, false)) return false;
    const bn_bench_bandwidth *bw = bench_bandwidth(&mc, threads);
    out->read_gbps = bw ? bw->gbps : 0.0;
    out->int8_macs_per_s = 0.0;
    if (mc.have_peak) out->int8_macs_per_s = threads > 1 ? mc.peak_all.macs_per_s : mc.peak_one.macs_per_s;
    bench_release_machine(&mc);
    return out->read_gbps > 0.0;
}

/* Weight bytes one decoded token reads (every ternary matrix, the head, one embedding
 * row) and the ternary multiply-accumulates one token needs. */
static void model_costs(const bn_model *m, double *bytes_per_token, double *macs_per_token)
{
    double bytes = 0, macs = 0;
    for (uint32_t l = 0; l < m->hp.n_layers; l++) {
        const bn_layer_weights *L = &m->layers[l];
        const bn_weights *ws[] = {&L->wq, &L->wk, &L->wv, &L->wo, &L->wgate, &L->wup, &L->wdown};
        for (size_t i = 0; i < 7; i++) {
            size_t b = 0;
            bn_weights_bytes(ws[i]->format, ws[i]->rows, ws[i]->cols, ws[i]->layout_rows, &b);
            bytes += (double)(b - 32); /* the 32-byte scale tail is not streamed */
            macs += (double)ws[i]->rows * (double)ws[i]->cols;
        }
    }
    const double elem = m->output_type == BN_GGML_F16 ? 2.0 : 4.0;
    const double rows = (double)m->output.rows, cols = (double)m->output.cols;
    /* the head the forward pass reads: as stored, or Q8 (int8 codes and one f32 scale per
     * row); the embedding row is read from the stored tensor either way */
    bytes += (m->head_format == BN_FORMAT_Q8 ? rows * (cols + 4.0) : rows * cols * elem) +
             (double)m->hp.dim * elem;
    *bytes_per_token = bytes;
    *macs_per_token = macs;
}

static uint32_t next_random(uint64_t *state, uint32_t vocab)
{
    *state = *state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((*state >> 33) % vocab);
}

/* One repetition of a test; returns seconds, or < 0 on failure. */
static double run_once(bn_context *c, const bn_model *m, const test *t, int32_t *tokens, float *logits,
                       uint64_t *rng)
{
    const int32_t bos = bn_model_bos(m) >= 0 ? bn_model_bos(m) : 0;
    const uint32_t vocab = bn_model_vocab_size(m);
    bn_context_reset(c);
    tokens[0] = bos;
    for (size_t i = 1; i < t->tokens; i++) tokens[i] = (int32_t)next_random(rng, vocab);
    double t0 = bn_session_now();
    bn_status st = BN_OK;
    if (!t->decode)
        st = bn_eval(c, tokens, t->tokens, logits);
    else
        for (size_t i = 0; i < t->tokens && st == BN_OK; i++) st = bn_eval(c, &tokens[i], 1, logits);
    double dt = bn_session_now() - t0;
    if (st != BN_OK) {
        bn_session_fail("bench", st);
        return -1.0;
    }
    return dt;
}

/* "| tg128 | 36.1 ms | matmul 15.8 (44%) | ..." per token, the steps in bn_phase order. */
static void print_breakdown(const test *tests, size_t n_tests, int reps)
{
    printf("\n\nWhere the time goes (all timed repetitions; ms per token, share of the wall time):\n\n"
           "| test | wall |");
    for (int p = 0; p < BN_PHASE_COUNT; p++) printf(" %s |", bn_phase_name((bn_phase)p));
    printf(" other |\n|---|--:|");
    for (int p = 0; p <= BN_PHASE_COUNT; p++) printf("--:|");
    for (size_t i = 0; i < n_tests; i++) {
        const test *t = &tests[i];
        const double per_token = 1e3 / ((double)t->tokens * reps);
        double rest = t->profiled_seconds;
        printf("\n| %s | %.2f |", t->name, t->profiled_seconds * per_token);
        for (int p = 0; p < BN_PHASE_COUNT; p++) {
            printf(" %.2f (%.0f%%) |", t->phase_seconds[p] * per_token,
                   100.0 * t->phase_seconds[p] / t->profiled_seconds);
            rest -= t->phase_seconds[p];
        }
        printf(" %.2f (%.0f%%) |", rest * per_token, 100.0 * rest / t->profiled_seconds);
    }
    printf("\n");
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median of n >= 1 values, left in their order (they are the receipt's raw timings). */
static double median(const double *v, int n)
{
    double *sorted = malloc((size_t)n * sizeof *sorted);
    if (!sorted) return 0.0;
    memcpy(sorted, v, (size_t)n * sizeof *v);
    qsort(sorted, (size_t)n, sizeof *sorted, cmp_double);
    const double m = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    free(sorted);
    return m;
}

static void stats(test *t, int reps)
{
    double sum = 0, squares = 0;
    for (int i = 0; i < reps; i++) sum += (double)t->tokens / t->seconds[i];
    t->mean = sum / reps;
    for (int i = 0; i < reps; i++) {
        double d = (double)t->tokens / t->seconds[i] - t->mean;
        squares += d * d;
    }
    t->stddev = reps > 1 ? sqrt(squares / (reps - 1)) : 0.0;
}

/* Peak resident set since the last reset (VmHWM), in bytes; 0 if unknown. */
static uint64_t peak_rss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    uint64_t kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lu kB", &kb) == 1) break;
    if (f) fclose(f);
    return kb * 1024;
}

/* Forget the machine probes' memory in the peak-RSS figure (Linux: "5" resets VmHWM). */
static void reset_peak_rss(void)
{
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) fputs("5", f), fclose(f);
}

/* Every kernel the counters saw called, as the receipt lists them. */
static json_t *kernel_calls(void)
{
    json_t *kernels = json_array();
    for (size_t i = 0; i < bn_kernel_count(); i++) {
        const bn_kernel *k = bn_kernel_at(i);
        bn_counter ct = bn_kernel_counter(k);
        if (ct.calls)
            json_array_append_new(kernels, json_pack("{s:s, s:s, s:s, s:I, s:b}", "format",
                                                     bn_format_name(bn_kernel_format(k)), "op",
                                                     bn_op_name(bn_kernel_op(k)), "kernel", bn_kernel_name(k),
                                                     "calls", (json_int_t)ct.calls, "fallback", 0));
    }
    return kernels;
}

static bn_status write_receipt(const char *path, const bn_cli_options *o, const bn_session *s,
                               json_t *kernels, test *tests, size_t n_tests, const limits *lim,
                               double bytes_per_token, double macs_per_token, unsigned threads)
{
    uint8_t digest[BN_SHA256_BYTES];
    char hex[BN_SHA256_HEX];
    uint64_t file_bytes = 0;
    bn_status st = bn_sha256_file(o->model, digest, &file_bytes);
    if (st != BN_OK) {
        json_decref(kernels);
        return st;
    }
    bn_sha256_hex(digest, hex);
    bn_model_info info;
    bn_model_describe(s->model, &info);
    json_t *phases = json_array();
    bool any_decode = false, any_prefill = false;
    for (size_t i = 0; i < n_tests; i++) {
        json_t *sec = json_array();
        for (int r = 0; r < o->reps; r++) json_array_append_new(sec, json_real(tests[i].seconds[r]));
        json_t *steps = json_object();
        for (int p = 0; p < BN_PHASE_COUNT; p++)
            json_object_set_new(steps, bn_phase_name((bn_phase)p), json_real(tests[i].phase_seconds[p]));
        json_array_append_new(
            phases, json_pack("{s:s, s:s, s:I, s:i, s:o, s:{s:f, s:f}, s:{s:f, s:o}}", "name", tests[i].name,
                              "kind", tests[i].decode ? "decode" : "prefill", "tokens",
                              (json_int_t)tests[i].tokens, "reps", o->reps, "seconds", sec,
                              "tokens_per_second", "mean", tests[i].mean, "stddev", tests[i].stddev,
                              "breakdown", "profiled_seconds", tests[i].profiled_seconds, "steps", steps));
        any_decode |= tests[i].decode;
        any_prefill |= !tests[i].decode;
    }
    json_t *inf = json_pack(
        "{s:{s:s, s:I, s:s, s:s, s:s}, s:s, s:s, s:i, s:s, s:o, s:o, s:I, s:f}", "model", "path", o->model,
        "bytes", (json_int_t)file_bytes, "sha256", hex, "architecture", info.architecture, "name", info.name,
        "kernel_format", bn_format_name(info.format), "output_head", bn_format_name(info.head_format),
        "threads", (int)threads, "tokenizer_split", info.tokenizer_split, "kernels", kernels, "phases",
        phases, "peak_rss_bytes", (json_int_t)lim->peak_rss_bytes, "load_seconds", s->load_seconds);
    if (any_decode)
        json_object_set_new(inf, "roofline",
                            json_pack("{s:f, s:f, s:f}", "read_gbps", lim->read_gbps, "bytes_per_token",
                                      bytes_per_token, "tokens_per_second",
                                      lim->read_gbps * 1e9 / bytes_per_token));
    if (any_prefill && lim->int8_macs_per_s > 0)
        json_object_set_new(inf, "compute_peak",
                            json_pack("{s:f, s:f}", "int8_macs_per_s", lim->int8_macs_per_s, "macs_per_token",
                                      macs_per_token));
    json_t *receipt = bn_receipt_new("inference", "bitnet bench");
    json_object_set_new(receipt, "inference", inf);
    st = bn_receipt_save(receipt, path);
    json_decref(receipt);
    return st;
}

int bn_cli_bench(int argc, char **argv)
{
    bn_cli_options o;
    const unsigned groups = BN_CLI_MODEL | BN_CLI_PROMPT | BN_CLI_SAMPLING | BN_CLI_CONTEXT | BN_CLI_BENCH;
    if (!bn_cli_parse(argc, argv, groups, "bench", &o)) return 2;
    test tests[MAX_TESTS];
    size_t n_tests = 0;
    if (!parse_sizes(o.bench_prompts, "512", false, tests, &n_tests) ||
        !parse_sizes(o.bench_gens, "128", true, tests, &n_tests))
        return 2;
    if (n_tests == 0) {
        fprintf(stderr, "bitnet bench: nothing to measure (-p 0 and -n 0)\n");
        return 2;
    }
    size_t longest = 0;
    for (size_t i = 0; i < n_tests; i++) longest = tests[i].tokens > longest ? tests[i].tokens : longest;
    const unsigned threads = o.threads ? o.threads : bn_topology_cores();
    limits lim;
    if (!measure_limits(threads, &lim)) {
        fprintf(stderr, "bitnet bench: could not measure the memory bandwidth\n");
        return 1;
    }
    reset_peak_rss();
    if (!o.n_ctx) o.n_ctx = (unsigned)longest;
    if (!o.n_batch) o.n_batch = 512;
    o.threads = threads;
    bn_session s;
    if (!bn_session_open("bench", &o, false, &s)) return 1;
    if (bn_context_size(s.ctx) < longest) {
        fprintf(stderr, "bitnet bench: a test needs %zu tokens but the context holds %u\n", longest,
                bn_context_size(s.ctx));
        bn_session_close(&s);
        return 1;
    }
    double bytes_per_token, macs_per_token;
    model_costs(s.model, &bytes_per_token, &macs_per_token);
    int32_t *tokens = malloc(longest * sizeof *tokens);
    float *logits = malloc(bn_model_vocab_size(s.model) * sizeof *logits);
    uint64_t rng = 1234;
    int status = 0;
    json_t *kernels = NULL;
    bn_counters_timing(0); /* per-call clocks are not needed: the repetitions are timed whole */
    for (size_t i = 0; i < n_tests && status == 0; i++) {
        tests[i].seconds = calloc((size_t)o.reps, sizeof(double));
        if (run_once(s.ctx, s.model, &tests[i], tokens, logits, &rng) < 0) status = 1; /* warm-up */
    }
    bn_counters_reset(); /* the receipt's kernel calls are those of the timed repetitions */
    /* The timed repetitions, with the context's phase clocks on (model/context.h): a few
     * hundred clock reads per token, ~0.05% of a decode step, give where the time goes. */
    s.ctx->profile = true;
    for (size_t i = 0; i < n_tests && status == 0; i++) {
        test *t = &tests[i];
        memset(s.ctx->phase_ns, 0, sizeof s.ctx->phase_ns);
        t->profiled_seconds = 0;
        for (int r = 0; r < o.reps && status == 0; r++) {
            t->seconds[r] = run_once(s.ctx, s.model, t, tokens, logits, &rng);
            if (t->seconds[r] <= 0) status = 1;
            t->profiled_seconds += t->seconds[r];
        }
        for (int p = 0; p < BN_PHASE_COUNT; p++) t->phase_seconds[p] = 1e-9 * (double)s.ctx->phase_ns[p];
        if (status == 0) stats(t, o.reps);
    }
    s.ctx->profile = false;
    kernels = kernel_calls(); /* the receipt's: the timed repetitions only */
    /* The limits again, after the tests, and the higher of each pair kept: on a shared
     * machine one probe can land on a busy moment (one run's 2-thread bandwidth came out
     * at 23 GB/s against 58-73 in the others, putting a decode at "121% of roofline").
     * Interference only ever lowers a probe, so the higher figure is the honest limit. */
    lim.peak_rss_bytes = peak_rss();
    limits after;
    if (status == 0 && measure_limits(threads, &after)) {
        if (after.read_gbps > lim.read_gbps) lim.read_gbps = after.read_gbps;
        if (after.int8_macs_per_s > lim.int8_macs_per_s) lim.int8_macs_per_s = after.int8_macs_per_s;
    }
    if (status == 0) {
        bn_model_info info;
        bn_model_describe(s.model, &info);
        printf("machine: %s, %u threads; read bandwidth %.1f GB/s; int8 peak %.3g MAC/s\n", bn_cpu_model(),
               threads, lim.read_gbps, lim.int8_macs_per_s);
        printf("model: %s (%s), %.2f GiB (%.0f%% mapped with 2 MiB pages); ternary weights %s; %.3g ternary "
               "MACs and %.3g weight bytes per token\n\n",
               o.model, info.architecture, (double)info.file_bytes / (1 << 30),
               100.0 * (double)info.huge_mapped_bytes / (double)info.file_bytes, bn_format_name(info.format),
               macs_per_token, bytes_per_token);
        printf(
            "| model | format | threads | test | t/s | limit | of limit |\n|---|---|--:|---|--:|--:|--:|\n");
        for (size_t i = 0; i < n_tests; i++) {
            const test *t = &tests[i];
            double limit = t->decode ? lim.read_gbps * 1e9 / bytes_per_token
                                     : (lim.int8_macs_per_s > 0 ? lim.int8_macs_per_s / macs_per_token : 0.0);
            printf("| %s | %s | %u | %s | %.2f ± %.2f | %.1f t/s (%s) | %.0f%% |\n", info.architecture,
                   bn_format_name(info.format), threads, t->name, t->mean, t->stddev, limit,
                   t->decode ? "roofline" : "vpdpbusd peak", limit > 0 ? 100.0 * t->mean / limit : 0.0);
        }
        for (size_t i = 0; i < n_tests; i++)
            if (!tests[i].decode)
                printf("\n%s: %.1f GOP/s (one op = one ternary MAC); time to first token of a %zu-token "
                       "prompt: %.1f ms (median)",
                       tests[i].name, tests[i].mean * macs_per_token * 1e-9, tests[i].tokens,
                       1e3 * median(tests[i].seconds, o.reps));
        print_breakdown(tests, n_tests, o.reps);
        printf("\nload %.3f s; peak RSS %.2f GiB\n", s.load_seconds, (double)lim.peak_rss_bytes / (1 << 30));
        if (o.receipt) {
            bn_status st = write_receipt(o.receipt, &o, &s, json_incref(kernels), tests, n_tests, &lim,
                                         bytes_per_token, macs_per_token, threads);
            if (st != BN_OK)
                status = bn_session_fail("bench", st);
            else
                printf("receipt: %s\n", o.receipt);
        }
    }
    for (size_t i = 0; i < n_tests; i++) free(tests[i].seconds);
    free(tokens);
    free(logits);
    json_decref(kernels);
    bn_session_close(&s);
    return status;
}
