/*
 * receipt.h - writing receipts (receipts/schema.json): JSON records of real runs, built
 * from the harness's own counters and the dispatch counters, never from labels.
 */
#ifndef BN_HARNESS_RECEIPT_H
#define BN_HARNESS_RECEIPT_H

#include <jansson.h>
#include <stdbool.h>

#include "bitnet.h"
#include "dispatch/pool.h"

/* The fields every receipt starts with: schema_version, kind, created_at, tool (name,
 * library version, git commit, compiler, flags), machine (arch, CPU model, logical CPUs,
 * detected and effective features) and overrides (BN_ISA, BN_DISABLE). */
json_t *bn_receipt_new(const char *kind, const char *tool_name);
/* Write atomically (temp file + rename), pretty-printed. */
bn_status bn_receipt_save(json_t *receipt, const char *path);

/* The conformance receipt, filled while the runner goes. */
typedef struct bn_receipt_conformance {
    json_t *kernels, *skipped;
    unsigned cross_run, cross_passed;
} bn_receipt_conformance;

void bn_receipt_conformance_init(bn_receipt_conformance *rc, size_t kernel_count);
void bn_receipt_conformance_kernel(bn_receipt_conformance *rc, const bn_kernel *k, unsigned run,
                                   unsigned passed, uint64_t dispatch_calls);
void bn_receipt_conformance_skip(bn_receipt_conformance *rc, const bn_kernel *k, const char *reason);
void bn_receipt_conformance_cross(bn_receipt_conformance *rc, unsigned run, unsigned passed);
bn_status bn_receipt_conformance_write(bn_receipt_conformance *rc, const char *path, bool quick,
                                       double wall_seconds);
void bn_receipt_conformance_free(bn_receipt_conformance *rc);

/* ---- the kernel-bench receipt (harness/bench; structure and rules in
 *      docs/receipts-kernel-bench.md) */

/* Raw per-repetition times and their summary. */
typedef struct bn_timing {
    uint64_t *ns; /* reps values (owned by whoever filled it) */
    size_t reps;
    double median_ns; /* the middle value; the mean of the two middle ones for even reps */
    uint64_t min_ns;
} bn_timing;
/* Fill median_ns and min_ns from ns[0..reps). */
void bn_timing_summarize(bn_timing *t);

/* Memory read bandwidth with `threads` threads. */
typedef struct bn_bench_bandwidth {
    unsigned threads;
    uint64_t bytes; /* read per repetition (one chunk) */
    uint64_t buffer_bytes; /* the buffer the chunks rotate through */
    bn_timing t;
    size_t reps_before; /* t.ns[0..reps_before) were measured before the kernels */
    double gbps; /* bytes / median_ns (1 GB = 1e9 bytes) */
    double sustained_gbps; /* bytes of whole passes / their wall time, stalls included */
} bn_bench_bandwidth;

/* Peak vpdpbusd rate with `threads` threads. */
typedef struct bn_bench_peak {
    unsigned threads;
    uint64_t instructions; /* per repetition, all threads together */
    bn_timing t;
    double per_s; /* instructions / median seconds */
    double macs_per_s; /* 64 int8 multiply-accumulates per instruction */
} bn_bench_peak;

/* Cost of the pool's barrier. */
typedef struct bn_bench_pool {
    unsigned threads, pinned;
    uint64_t spin_us;
    bn_timing run; /* one empty bn_pool_run while the workers spin (batch mean per rep) */
    bn_timing wake; /* one empty bn_pool_run after the workers fell asleep */
} bn_bench_pool;

/* One timed (kernel, shape, threads). */
typedef struct bn_bench_result {
    const bn_kernel *kernel;
    char shape_name[32]; /* a copy: results outlive the loops that name their shapes */
    size_t m, k, n; /* m = 0 for ops without a weight matrix (a8 quant, tl lut) */
    unsigned threads;
    bool dram; /* placement: weights streamed from DRAM (rotation) or cache-resident */
    size_t copies; /* weight copies rotated through (1 for cache placement) */
    uint64_t footprint_bytes; /* bytes of all copies */
    unsigned warmup;
    bn_timing t;
    uint64_t dispatch_calls; /* counted by dispatch for warm-up + reps */
    uint64_t weight_bytes; /* per call, from the dispatch counters */
    const char *bytes_kind; /* "weights", or for a8/lut the input they read */
    double gbps, pct_of_bandwidth;
    double best_gbps; /* weight_bytes / min_ns: the fastest call, for noisy machines */
    double gops; /* GEMM: ternary MACs (m*k*n) per ns; NAN otherwise */
    double tokens_per_s; /* GEMV/GEMM: n tokens per median call; NAN otherwise */
    bool passed; /* conformance on this shape in this run (and parallel == single) */
    char case_str[256];
    bool parallel_checked; /* threads > 1: output compared with the single-threaded call */
} bn_bench_result;

typedef struct bn_receipt_bench {
    json_t *body; /* the "kernel_bench" object being built */
    json_t *results, *skipped;
} bn_receipt_bench;

void bn_receipt_bench_init(bn_receipt_bench *rb, json_t *options);
void bn_receipt_bench_topology(bn_receipt_bench *rb, const bn_topology_info *topo, uint64_t dram_footprint);
/* `all` is the entry measured with every core (threads_all); `m` lists every count. */
void bn_receipt_bench_bandwidth(bn_receipt_bench *rb, const char *method, const char *probe,
                                const bn_bench_bandwidth *m, size_t count, const bn_bench_bandwidth *one,
                                const bn_bench_bandwidth *all);
/* NULL one/all: not measured on this CPU, for `reason`. */
void bn_receipt_bench_peak(bn_receipt_bench *rb, const char *method, const bn_bench_peak *one,
                           const bn_bench_peak *all, const char *reason);
void bn_receipt_bench_pool(bn_receipt_bench *rb, const bn_bench_pool *pool);
void bn_receipt_bench_result(bn_receipt_bench *rb, const bn_bench_result *r);
/* A kernel the run could not time on this CPU, and why. */
void bn_receipt_bench_skip(bn_receipt_bench *rb, const bn_kernel *k, const char *reason);
bn_status bn_receipt_bench_write(bn_receipt_bench *rb, const char *path, double wall_seconds);
void bn_receipt_bench_free(bn_receipt_bench *rb);

#endif /* BN_HARNESS_RECEIPT_H */
