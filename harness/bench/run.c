/*
 * run.c - placed weights and timed kernel runs.
 *
 * Placement.  "dram": the weight matrix is copied until the copies fill the DRAM
 * footprint (>= 2 x the last-level cache), and calls read the copies round robin (across
 * kernels and thread counts too), so every call streams weights that more than the whole
 * cache's worth of other data has passed since, as a decode step does with a model far
 * larger than the caches.  "cache": one copy, small enough for L2, read by every call.
 *
 * Timing.  Each call goes through the public wrapper (one thread) or the pool helper
 * (several threads), and its time and bytes are read from the dispatch counters around
 * the call: the numbers are the ones dispatch records for the receipt, not a second
 * clock.  Warm-up calls first, then the repetitions.  A kernel is conformance-checked on
 * the benchmark shape (bn_case_check) before it is timed; with several threads the
 * pool's output is also compared with the single-threaded call on the same data.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/bench/bench.h"
#include "harness/common/harness.h"
#include "ref/ref.h"

#define COPY_ALIGN 64u

/* ---- weights */

typedef struct weight_set {
    bn_format format;
    size_t m, k;
    unsigned lr;
    uint8_t *base; /* in the arena, which outlives every set */
    size_t layout_bytes, stride, copies, map_bytes;
    size_t next; /* the copy the next call reads: least recently used, across subjects */
    float scale;
} weight_set;

static void forget_weights(weight_set *ws) { memset(ws, 0, sizeof *ws); }

/* Copy 0 from seeded random values (packed by the reference twin), then its copies. */
static bool build_weights(weight_set *ws, const bench_machine *mc, bn_format f, size_t m, size_t k,
                          unsigned lr, bool dram)
{
    *ws = (weight_set){.format = f, .m = m, .k = k, .lr = lr, .scale = 0.0173f};
    if (f == BN_FORMAT_F16)
        ws->layout_bytes = m * k * 2;
    else if (bn_weights_bytes(f, m, k, lr, &ws->layout_bytes) != BN_OK) {
        fprintf(stderr, "bench: %s\n", bn_last_error());
        return false;
    }
    ws->stride = bn_round_up(ws->layout_bytes, COPY_ALIGN);
    ws->copies = dram ? (size_t)bn_div_up(mc->dram_footprint, ws->stride) : 1;
    ws->map_bytes = ws->copies * ws->stride;
    if (ws->map_bytes > mc->arena_bytes) {
        fprintf(stderr, "bench: %zu copies of %s %zux%zu need %zu bytes, the arena has %zu\n", ws->copies,
                bn_format_name(f), m, k, ws->map_bytes, mc->arena_bytes);
        return false;
    }
    ws->base = mc->arena;
    bn_rng rng = {m * 1000003u + k};
    if (f == BN_FORMAT_F16) {
        /* Halves in +-[0.5, 1): sign random, exponent 14, mantissa random. */
        uint16_t *h = (uint16_t *)ws->base;
        for (size_t i = 0; i < m * k; i++) h[i] = (uint16_t)((bn_rng_next(&rng) & 0x83FFu) | 0x3800u);
    } else if (f == BN_FORMAT_Q8) {
        /* Codes uniform in [-127, 127] (eight per random draw), row scales ~ 1/127. */
        int8_t *q = (int8_t *)ws->base;
        for (size_t i = 0; i < m * k; i += 8) {
            uint64_t r = bn_rng_next(&rng);
            for (size_t j = 0; j < 8 && i + j < m * k; j++, r >>= 8)
                q[i + j] = (int8_t)((int)(r % 255) - 127);
        }
        float *scale = (float *)(ws->base + bn_q8_scales_offset(m, k));
        for (size_t r = 0; r < m; r++) scale[r] = (1.0f + 0.5f * bn_rng_float(&rng)) / 127.0f;
        ws->scale = 1.0f;
    } else {
        int8_t *t = malloc(m * k);
        if (!t) return false;
        for (size_t i = 0; i < m * k; i++) t[i] = (int8_t)((int)bn_rng_below(&rng, 3) - 1);
        bn_ref_twin(f, BN_OP_PACK).pack(m, k, t, k, ws->scale, lr, ws->base);
        free(t);
    }
    for (size_t c = 1; c < ws->copies; c++) memcpy(ws->base + c * ws->stride, ws->base, ws->layout_bytes);
    if (!dram && mc->topo.l2_bytes && ws->layout_bytes > mc->topo.l2_bytes)
        fprintf(stderr, "bench: note: the cache-placed %s %zux%zu (%zu bytes) exceeds L2 (%zu bytes)\n",
                bn_format_name(f), m, k, ws->layout_bytes, mc->topo.l2_bytes);
    return true;
}

static bn_weights weights_view(const weight_set *ws, size_t copy)
{
    return (bn_weights){ws->base + copy * ws->stride, ws->m, ws->k, ws->scale, ws->lr, ws->format};
}

/* ---- activations: n token rows, A8 codes (+ TL tables) for ternary, f32 for the rest */

typedef struct act_set {
    size_t n, k;
    int8_t *q;
    float *scale, *x;
    int32_t *qsum;
    uint8_t *lut;
    bn_act view;
} act_set;

static void free_acts(act_set *a)
{
    free(a->q), free(a->scale), free(a->x), free(a->qsum), free(a->lut);
    memset(a, 0, sizeof *a);
}

static bool build_acts(act_set *a, bn_format f, size_t n, size_t k)
{
    *a = (act_set){.n = n, .k = k};
    a->q = malloc(n * k);
    a->scale = malloc(n * sizeof(float));
    a->qsum = calloc(n, sizeof(int32_t));
    a->x = malloc(n * k * sizeof(float));
    if (!a->q || !a->scale || !a->qsum || !a->x) return false;
    bn_rng rng = {n * 7919u + k};
    for (size_t i = 0; i < n * k; i++) {
        a->qsum[i / k] += a->q[i] = (int8_t)((int)bn_rng_below(&rng, 256) - 128);
        a->x[i] = bn_rng_float(&rng);
    }
    for (size_t t = 0; t < n; t++) a->scale[t] = 40.0f + (float)t;
    size_t table = 0;
    if (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2) {
        bn_lut_bytes(f, k, &table);
        a->lut = malloc(n * table);
        if (!a->lut) return false;
        bn_ref_twin(f, BN_OP_LUT).lut(n, k, a->q, k, a->lut, table);
    }
    a->view = (bn_act){a->q, k, a->scale, a->qsum, a->lut, table};
    return true;
}

/* ---- one call of the kernel under test */

typedef struct subject {
    const bn_kernel *k;
    weight_set *ws; /* matmuls */
    act_set *acts;
    size_t n;
    unsigned threads;
    bn_pool *pool;
    float *y; /* matmul output, or A8 scales */
    int8_t *q; /* A8 quant output codes */
    int32_t *qsum;
    uint8_t *lut; /* LUT output */
    size_t lut_stride;
} subject;

static bn_status call(const subject *s, size_t copy, float *y)
{
    const bn_kernel *k = s->k;
    bool one = s->threads == 1;
    if (bn_kernel_op(k) == BN_OP_QUANT)
        return bn_a8_quantize(k, s->n, s->acts->k, s->acts->x, s->acts->k * sizeof(float), s->q, s->acts->k,
                              y, s->qsum);
    if (bn_kernel_op(k) == BN_OP_LUT)
        return bn_lut_build(k, s->n, s->acts->k, s->acts->q, s->acts->k, s->lut, s->lut_stride);
    bn_weights w = weights_view(s->ws, copy);
    if (bn_kernel_format(k) == BN_FORMAT_F16)
        return one ? bn_f16_gemv(k, &w, 0, w.rows, s->acts->x, y)
                   : bn_pool_f16_gemv(s->pool, k, &w, s->acts->x, y);
    if (bn_kernel_op(k) == BN_OP_GEMV)
        return one ? bn_gemv(k, &w, 0, w.rows, &s->acts->view, y)
                   : bn_pool_gemv(s->pool, k, &w, &s->acts->view, y);
    size_t y_stride = w.rows * sizeof(float);
    return one ? bn_gemm(k, &w, 0, w.rows, s->n, &s->acts->view, y, y_stride)
               : bn_pool_gemm(s->pool, k, &w, s->n, &s->acts->view, y, y_stride);
}

/* One counted call: its time and bytes from the dispatch counters. */
static bool counted_call(const subject *s, size_t copy, uint64_t *ns, uint64_t *bytes)
{
    bn_counter before = bn_kernel_counter(s->k);
    bn_status st = call(s, copy, s->y);
    bn_counter after = bn_kernel_counter(s->k);
    if (st != BN_OK) {
        fprintf(stderr, "bench: %s: %s\n", bn_kernel_name(s->k), bn_last_error());
        return false;
    }
    if (after.calls != before.calls + 1) {
        fprintf(stderr, "bench: %s: dispatch counted %llu calls for one\n", bn_kernel_name(s->k),
                (unsigned long long)(after.calls - before.calls));
        return false;
    }
    *ns = after.ns - before.ns;
    *bytes = after.bytes - before.bytes;
    return true;
}

/* The copy the next call reads (round robin over all copies, continued across kernels
 * and thread counts, so no copy is read again before all others were). */
static size_t next_copy(const subject *s)
{
    if (!s->ws) return 0;
    size_t copy = s->ws->next;
    s->ws->next = (copy + 1) % s->ws->copies;
    return copy;
}

/* Warm-up (two calls, one in quick mode or when a call alone exceeds the budget), then
 * repetitions: fixed, or as many as the budget allows within [min, max], odd so the
 * median is one measured call. */
static bool time_subject(const bench_options *o, const subject *s, bn_bench_result *r)
{
    uint64_t ns, bytes, fastest = UINT64_MAX, calls0 = bn_kernel_counter(s->k).calls;
    unsigned warmup = o->quick ? 1 : 2;
    for (r->warmup = 0; r->warmup < warmup; r->warmup++) {
        if (!counted_call(s, next_copy(s), &ns, &bytes)) return false;
        if (ns < fastest) fastest = ns;
        if ((double)ns > o->budget_s * 1e9) warmup = 1;
    }
    size_t reps = o->reps;
    if (!reps) {
        double fit = o->budget_s * 1e9 / (double)(fastest ? fastest : 1);
        reps = fit < o->min_reps ? o->min_reps : fit > o->max_reps ? o->max_reps : (size_t)fit;
        reps |= 1;
    }
    r->t.ns = calloc(reps, sizeof(uint64_t));
    if (!r->t.ns) return false;
    for (size_t i = 0; i < reps; i++) {
        if (!counted_call(s, next_copy(s), &r->t.ns[i], &bytes)) return false;
        if (i > 0 && bytes != r->weight_bytes) {
            fprintf(stderr, "bench: %s: calls read %llu and %llu bytes\n", bn_kernel_name(s->k),
                    (unsigned long long)r->weight_bytes, (unsigned long long)bytes);
            return false;
        }
        r->weight_bytes = bytes;
        r->t.reps++;
    }
    r->dispatch_calls = bn_kernel_counter(s->k).calls - calls0;
    bn_timing_summarize(&r->t);
    return true;
}

/* Several threads: the pool's output on copy 0 equals the single-threaded call's, bit for
 * bit, including rows a faulty split would leave unwritten (both start as NaN). */
static bool parallel_matches(const subject *s)
{
    size_t floats = s->n * s->ws->m;
    float *solo = malloc(floats * sizeof(float));
    if (!solo) return false;
    memset(solo, 0xFF, floats * sizeof(float));
    memset(s->y, 0xFF, floats * sizeof(float));
    subject single = *s;
    single.threads = 1;
    bool same = call(&single, 0, solo) == BN_OK && call(s, 0, s->y) == BN_OK &&
                memcmp(solo, s->y, floats * sizeof(float)) == 0;
    free(solo);
    return same;
}

/* ---- derived figures, exactly as docs/receipts-kernel-bench.md defines them */

void bench_finish_result(const bench_machine *mc, bn_bench_result *r)
{
    const bn_bench_bandwidth *bw = bench_bandwidth(mc, r->threads);
    bn_op op = bn_kernel_op(r->kernel);
    r->gbps = (double)r->weight_bytes / r->t.median_ns;
    r->pct_of_bandwidth = 100.0 * r->gbps / bw->gbps;
    r->best_gbps = (double)r->weight_bytes / (double)r->t.min_ns;
    r->gops = op == BN_OP_GEMM ? (double)r->m * (double)r->k * (double)r->n / r->t.median_ns : NAN;
    r->tokens_per_s = op == BN_OP_GEMV || op == BN_OP_GEMM ? (double)r->n * 1e9 / r->t.median_ns : NAN;
}

/* ---- selection */

bool bench_matches_filter(const bench_options *o, const bn_kernel *k)
{
    if (!o->filter) return true;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", o->filter);
    char *save = NULL;
    for (char *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save))
        if (strstr(bn_kernel_name(k), part)) return true;
    return false;
}

static bool k_fits(const bn_kernel *k, size_t cols)
{
    bn_format f = bn_kernel_format(k);
    size_t align = f == BN_FORMAT_I2S ? 128 : f == BN_FORMAT_TL1 ? 4 : f == BN_FORMAT_TL2 ? 2 : 1;
    return cols % align == 0 && cols % (bn_kernel_k_align(k) ? bn_kernel_k_align(k) : 1) == 0;
}

/* The layout a kernel is benchmarked on: its own, or for layout-generic kernels the one
 * dispatch packs weights in for the format (what the model would hand it). */
static unsigned bench_layout(const bn_kernel *k)
{
    unsigned lr = bn_kernel_layout_rows(k);
    return lr ? lr : bn_dispatch_layout_rows(bn_kernel_format(k));
}

/* ---- one kernel on one (shape, n): check, then every thread count */

static bool keep_result(bench_results *out, const bn_bench_result *r)
{
    if (out->count == out->cap) {
        size_t cap = out->cap ? 2 * out->cap : 64;
        bn_bench_result *items = realloc(out->items, cap * sizeof *items);
        if (!items) return false;
        out->items = items, out->cap = cap;
    }
    out->items[out->count++] = *r;
    return true;
}

static unsigned run_subject(const bench_options *o, const bench_machine *mc, subject *s,
                            const char *shape_name, size_t m, bool dram, bench_results *out)
{
    const bn_kernel *k = s->k;
    bool matmul = bn_kernel_op(k) == BN_OP_GEMV || bn_kernel_op(k) == BN_OP_GEMM;
    bn_case c = {.kernel = k,
                 .m = m,
                 .k = s->acts->k,
                 .n = s->n,
                 .r0 = 0,
                 .r1 = m,
                 .layout_rows = matmul ? s->ws->lr : 1,
                 .wpat = BN_PAT_RANDOM,
                 .xpat = BN_PAT_RANDOM,
                 .seed = 1 + bn_kernel_id(k) * 1000003ull + m * 31 + s->acts->k * 7 + s->n};
    char case_str[256], why[512];
    bn_case_format(&c, case_str, sizeof case_str);
    if (!bn_case_check(&c, why, sizeof why)) {
        printf("\nFAIL conformance %s\n     %s\n", case_str, why);
        return 1;
    }
    unsigned failures = 0, one = 1;
    /* Per-token ops (A8 quant, TL tables) run on one thread only. */
    const unsigned *counts = matmul ? o->threads : &one;
    for (unsigned i = 0; i < (matmul ? o->thread_counts : 1); i++) {
        s->threads = counts[i];
        s->pool = bench_pool(mc, s->threads);
        bn_bench_result r = {.kernel = k,
                             .m = m,
                             .k = s->acts->k,
                             .n = s->n,
                             .threads = s->threads,
                             .dram = dram,
                             .copies = matmul ? s->ws->copies : 1,
                             .footprint_bytes = matmul ? s->ws->map_bytes : 0,
                             .passed = true};
        snprintf(r.case_str, sizeof r.case_str, "%s", case_str);
        snprintf(r.shape_name, sizeof r.shape_name, "%s", shape_name);
        r.bytes_kind = matmul                           ? "weights"
                       : bn_kernel_op(k) == BN_OP_QUANT ? "f32 activations"
                                                        : "int8 activations";
        if (!time_subject(o, s, &r)) {
            free(r.t.ns);
            return failures + 1;
        }
        if (s->threads > 1) {
            r.parallel_checked = true;
            r.passed = parallel_matches(s);
            if (!r.passed) {
                printf("\nFAIL %s: %u threads differ from one thread on %s\n", bn_kernel_name(k), s->threads,
                       case_str);
                failures++;
            }
        }
        if (!o->quiet)
            fprintf(stderr, "  %-30s %-10s n=%-4zu threads=%u: median %.1f us, min %.1f us\n",
                    bn_kernel_name(k), shape_name, s->n, s->threads, r.t.median_ns / 1000.0,
                    (double)r.t.min_ns / 1000.0);
        if (!r.passed) {
            free(r.t.ns);
        } else if (!keep_result(out, &r)) {
            fprintf(stderr, "bench: out of memory keeping results\n");
            free(r.t.ns);
            failures++;
        }
    }
    return failures;
}

/* ---- per shape */

static unsigned run_matmuls(const bench_options *o, const bench_machine *mc, const bench_shape *shape,
                            bn_format f, bench_results *out)
{
    unsigned failures = 0;
    size_t max_n = 1; /* token rows of activations and outputs: GEMM batches */
    for (size_t i = 0; f != BN_FORMAT_F16 && f != BN_FORMAT_Q8 && i < o->token_counts; i++)
        if (o->tokens[i] > max_n) max_n = o->tokens[i];
    weight_set ws = {0};
    act_set acts = {0};
    float *y = NULL;
    for (size_t i = 0; i < bn_kernel_count(); i++) {
        const bn_kernel *k = bn_kernel_at(i);
        bn_op op = bn_kernel_op(k);
        if (bn_kernel_format(k) != f || (op != BN_OP_GEMV && op != BN_OP_GEMM)) continue;
        if (!bn_kernel_usable(k) || !bench_matches_filter(o, k)) continue;
        if (!k_fits(k, shape->k)) {
            fprintf(stderr, "bench: note: %s skipped on %s: K = %zu breaks its K alignment\n",
                    bn_kernel_name(k), shape->name, shape->k);
            continue;
        }
        unsigned lr = f == BN_FORMAT_F16 ? 1 : bench_layout(k);
        if (!ws.base || ws.lr != lr) {
            forget_weights(&ws), free_acts(&acts), free(y);
            y = malloc(max_n * shape->m * sizeof(float));
            if (!y || !build_weights(&ws, mc, f, shape->m, shape->k, lr, shape->dram) ||
                !build_acts(&acts, f, max_n, shape->k)) {
                failures++;
                break;
            }
        }
        subject s = {.k = k, .ws = &ws, .acts = &acts, .y = y};
        size_t ns[BENCH_MAX_TOKEN_COUNTS + 1] = {1}, count = 1;
        if (op == BN_OP_GEMM)
            for (count = 0; count < o->token_counts; count++) ns[count] = o->tokens[count];
        for (size_t j = 0; j < count; j++) {
            s.n = ns[j];
            failures += run_subject(o, mc, &s, shape->name, shape->m, shape->dram, out);
        }
    }
    forget_weights(&ws), free_acts(&acts), free(y);
    return failures;
}

/* A8 quantisation and TL tables for token counts 1 and --tokens at K = shape->k. */
static unsigned run_activation_ops(const bench_options *o, const bench_machine *mc, size_t k_cols,
                                   bench_results *out)
{
    unsigned failures = 0;
    char name[32];
    snprintf(name, sizeof name, "k%zu", k_cols);
    for (size_t i = 0; i < bn_kernel_count(); i++) {
        const bn_kernel *k = bn_kernel_at(i);
        bn_op op = bn_kernel_op(k);
        bn_format f = bn_kernel_format(k);
        if (!(op == BN_OP_QUANT && f == BN_FORMAT_A8) && op != BN_OP_LUT) continue;
        if (!bn_kernel_usable(k) || !bench_matches_filter(o, k) || !k_fits(k, k_cols)) continue;
        size_t ns[BENCH_MAX_TOKEN_COUNTS + 1] = {1}, count = 1;
        for (size_t j = 0; j < o->token_counts; j++) ns[count++] = o->tokens[j];
        for (size_t j = 0; j < count; j++) {
            act_set acts;
            subject s = {.k = k, .acts = &acts, .n = ns[j]};
            size_t table = 0;
            if (op == BN_OP_LUT) bn_lut_bytes(f, k_cols, &table);
            s.lut_stride = table;
            s.y = malloc(ns[j] * sizeof(float));
            s.q = malloc(ns[j] * k_cols);
            s.qsum = malloc(ns[j] * sizeof(int32_t));
            s.lut = malloc(ns[j] * table + 1);
            if (build_acts(&acts, f, ns[j], k_cols) && s.y && s.q && s.qsum && s.lut)
                failures += run_subject(o, mc, &s, name, 0, false, out);
            else
                failures++;
            free(s.y), free(s.q), free(s.qsum), free(s.lut);
            free_acts(&acts);
        }
    }
    return failures;
}

unsigned bench_shape_run(const bench_options *o, const bench_machine *mc, const bench_shape *shape,
                         bool with_activation_ops, bench_results *out)
{
    unsigned failures = 0;
    if (shape->f16) { /* the output head: as stored (F16) and as the int8 head (Q8) */
        failures += run_matmuls(o, mc, shape, BN_FORMAT_F16, out);
        failures += run_matmuls(o, mc, shape, BN_FORMAT_Q8, out);
    } else {
        static const bn_format ternary[] = {BN_FORMAT_I2S, BN_FORMAT_QK256, BN_FORMAT_TL1, BN_FORMAT_TL2};
        for (size_t i = 0; i < 4; i++) failures += run_matmuls(o, mc, shape, ternary[i], out);
    }
    if (with_activation_ops) failures += run_activation_ops(o, mc, shape->k, out);
    return failures;
}
