/*
 * bench.h - the parts of the benchmark program (harness/bench.c): machine measurements
 * (machine.c), placed weights and timed kernel runs (run.c), the markdown table
 * (table.c).  docs/performance.md explains the method; docs/receipts-kernel-bench.md the
 * receipt.
 */
#ifndef BN_HARNESS_BENCH_H
#define BN_HARNESS_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "dispatch/pool.h"
#include "harness/common/receipt.h"

#define BENCH_MAX_THREAD_COUNTS 8
#define BENCH_MAX_TOKEN_COUNTS 8

typedef struct bench_options {
    bool quick;
    bool quiet; /* no progress lines on stderr */
    const char *filter; /* kernel-name substring, NULL = all */
    const char *shapes; /* comma list of shape names or MxK, NULL = the default set */
    const char *receipt;
    unsigned reps; /* 0 = adaptive: as many as fit the time budget, within [min, max] */
    unsigned min_reps, max_reps;
    double budget_s; /* timed seconds per result (adaptive reps) */
    unsigned threads[BENCH_MAX_THREAD_COUNTS], thread_counts;
    size_t tokens[BENCH_MAX_TOKEN_COUNTS], token_counts; /* GEMM batch sizes */
    uint64_t dram_bytes; /* 0 = from hwloc: footprint of rotated weight copies */
} bench_options;

/* Everything measured about the machine, and the pools.  Thread counts measured: 1, all
 * cores, and every count of --threads (sorted, unique). */
typedef struct bench_machine {
    bn_topology_info topo;
    uint64_t dram_footprint; /* weight copies rotated through for DRAM placement */
    uint8_t *arena; /* one mapping for the bandwidth probe and all weight copies: fresh */
    size_t arena_bytes; /* memory costs seconds of page faults per GiB in a VM, so once */
    unsigned counts[BENCH_MAX_THREAD_COUNTS + 2], count_n;
    bn_pool *pools[BENCH_MAX_THREAD_COUNTS + 2]; /* pools[i] has counts[i] threads (NULL for 1) */
    bn_bench_bandwidth bw[BENCH_MAX_THREAD_COUNTS + 2]; /* bw[i] with counts[i] threads */
    double bw_pass_gbps[2][BENCH_MAX_THREAD_COUNTS + 2]; /* before / after the kernels alone */
    double bw_sustained_gbps[2][BENCH_MAX_THREAD_COUNTS + 2]; /* whole passes, stalls included */
    size_t bw_cursor; /* next chunk of the arena the bandwidth probe reads */
    const char *read_probe;
    char bw_method[1024];
    bool have_peak;
    bn_bench_peak peak_one, peak_all;
    char peak_method[256], peak_reason[128];
    bn_bench_pool pool;
} bench_machine;

/* Results kept until the bandwidth is measured a second time, after the kernels. */
typedef struct bench_results {
    bn_bench_result *items; /* each owns its t.ns */
    size_t count, cap;
} bench_results;

/* ---- machine.c */
/* Topology, DRAM footprint, the arena (footprint + max_copy_bytes: room for the copies of
 * the largest matrix), pools, bandwidth per thread count, vpdpbusd peak and pool barrier
 * cost.  false (with a message on stderr) if something cannot be measured. */
bool bench_measure_machine(const bench_options *o, size_t max_copy_bytes, bench_machine *mc);
void bench_release_machine(bench_machine *mc);
/* One pass of bandwidth repetitions: before the kernels (starts the lists), or after them
 * (appends; the figures become the median over both passes: a shared host's bandwidth
 * drifts over minutes, and both ends of the run bracket the kernels). */
bool bench_measure_bandwidth(const bench_options *o, bench_machine *mc, bool after);
/* The bandwidth entry and the pool of a measured thread count (NULL if not measured;
 * the pool is NULL for one thread). */
const bn_bench_bandwidth *bench_bandwidth(const bench_machine *mc, unsigned threads);
bn_pool *bench_pool(const bench_machine *mc, unsigned threads);

/* ---- run.c */
typedef struct bench_shape {
    const char *name;
    size_t m, k;
    bool f16; /* the output-head shapes (F16 GEMV); ternary otherwise */
    bool dram; /* DRAM placement (rotation) or one cache-resident copy */
} bench_shape;

/* Does the kernel's name contain one of the --filter substrings (or is there none)? */
bool bench_matches_filter(const bench_options *o, const bn_kernel *k);

/* Benchmark every usable kernel matching the options on `shape` (matmuls), or on the
 * K of the shape (A8 quant, TL lut), appending results.  Returns the number of
 * conformance failures (a failing kernel is reported and not timed). */
unsigned bench_shape_run(const bench_options *o, const bench_machine *mc, const bench_shape *shape,
                         bool with_activation_ops, bench_results *out);
/* gbps, best_gbps, pct_of_bandwidth, gops, tokens_per_s from the timings, the bytes and
 * the final bandwidth (docs/receipts-kernel-bench.md gives the formulas). */
void bench_finish_result(const bench_machine *mc, bn_bench_result *r);

/* ---- table.c */
void bench_print_machine(const bench_options *o, const bench_machine *mc);
void bench_print_header(void);
void bench_print_result(const bn_bench_result *r);

#endif /* BN_HARNESS_BENCH_H */
