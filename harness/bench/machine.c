/*
 * machine.c - what the benchmark measures about the machine before any kernel: the
 * memory read bandwidth per thread count, the peak vpdpbusd rate, and the cost of the
 * thread pool's barrier.  All of it in the same run as the kernels, so every "percent of
 * bandwidth" compares numbers taken under the same conditions.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "dispatch/dispatch.h"
#include "harness/bench/bench.h"
#include "kernels/probe/probe.h"
#include "kernels/registry.h"

#define HUGE_PAGE (2u << 20)
#define READ_CHUNK 4096u /* threads split a chunk in whole pages */
#define BW_CHUNK (8u << 20) /* bytes read per bandwidth repetition */
#define MIN_DRAM_FOOTPRINT (64ull << 20)

/* ---- the arena */

/* An anonymous mapping of `bytes` (a multiple of 2 MiB), 2 MiB aligned, transparent huge
 * pages requested (fewer TLB misses, for kernels and probe alike), every page written so
 * that no read hits the shared zero page. */
static uint8_t *map_arena(size_t bytes)
{
    size_t len = bytes + HUGE_PAGE;
    uint8_t *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)base + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    if (p > base) munmap(base, (size_t)(p - base));
    size_t tail = (size_t)(base + len - (p + bytes));
    if (tail) munmap(p + bytes, tail);
    madvise(p, bytes, MADV_HUGEPAGE);
    memset(p, 0x5A, bytes);
    return p;
}

/* ---- probes available in this build, best first */

typedef struct read_probe {
    const char *name;
    bn_isa isa;
    bn_probe_read_fn *fn;
} read_probe;

static const read_probe read_probes[] = {
    BN_IF_avx512({"bn_probe_read__avx512", BN_ISA_AVX512, bn_probe_read__avx512}, )
        BN_IF_avx2({"bn_probe_read__avx2", BN_ISA_AVX2, bn_probe_read__avx2}, )
            BN_IF_neon({"bn_probe_read__neon", BN_ISA_NEON, bn_probe_read__neon}, ){
                "bn_probe_read__scalar", BN_ISA_SCALAR, bn_probe_read__scalar},
};

/* The machine's bandwidth does not depend on BN_ISA/BN_DISABLE: probes go by what the
 * CPU has (cpu_detect), so a capped run still compares kernels with the real machine. */
static bool cpu_has(bn_isa isa) { return (bn_isa_features(isa) & ~bn_cpu_detect()) == 0; }

static const read_probe *best_read_probe(void)
{
    for (size_t i = 0; i < sizeof read_probes / sizeof read_probes[0]; i++)
        if (cpu_has(read_probes[i].isa)) return &read_probes[i];
    return &read_probes[sizeof read_probes / sizeof read_probes[0] - 1];
}

/* ---- memory read bandwidth */

typedef struct read_job {
    bn_probe_read_fn *fn;
    const uint8_t *buf;
    size_t chunks;
    _Atomic uint64_t sink;
} read_job;

static void read_part(void *ctx, unsigned t, unsigned threads)
{
    read_job *j = ctx;
    size_t c0, c1;
    bn_pool_split(j->chunks, 1, t, threads, &c0, &c1);
    if (c0 < c1) atomic_fetch_xor(&j->sink, j->fn(j->buf + c0 * READ_CHUNK, (c1 - c0) * READ_CHUNK));
}

/* One repetition reads one chunk; chunks are taken round robin over the whole buffer (so
 * each comes from DRAM, as a rotated weight copy does) and timed one by one, like kernel
 * calls: on a shared host a long read is stretched by every preemption of either thread
 * (measured here: 8 MiB reads at a median 34 GB/s, the same reads in one 2 GiB pass at
 * 17-32 GB/s), so only per-chunk medians compare with per-call kernel medians.  The
 * pass's total rate is kept as `sustained_gbps`. */
bool bench_measure_bandwidth(const bench_options *o, bench_machine *mc, bool after)
{
    const read_probe *probe = best_read_probe();
    size_t chunk = BW_CHUNK;
    if (chunk > mc->dram_footprint / 4) chunk = (size_t)mc->dram_footprint / 4 / READ_CHUNK * READ_CHUNK;
    size_t chunks = (size_t)mc->dram_footprint / chunk, warmup = 4;
    size_t reps = o->quick && chunks > 64 ? 64 : chunks;
    for (unsigned i = 0; i < mc->count_n; i++) {
        bn_bench_bandwidth *bw = &mc->bw[i];
        if (!after) {
            *bw = (bn_bench_bandwidth){
                .threads = mc->counts[i], .bytes = chunk, .buffer_bytes = chunks * chunk};
            bw->t.ns = calloc(2 * reps, sizeof(uint64_t));
            if (!bw->t.ns) return false;
        }
        read_job job = {.fn = probe->fn, .chunks = chunk / READ_CHUNK};
        uint64_t pass_start = 0;
        for (size_t r = 0; r < warmup + reps; r++) {
            if (r == warmup) pass_start = bn_now_ns();
            job.buf = mc->arena + (mc->bw_cursor++ % chunks) * chunk;
            uint64_t t0 = bn_now_ns();
            bn_pool_run(mc->pools[i], read_part, &job);
            if (r >= warmup) bw->t.ns[bw->t.reps++] = bn_now_ns() - t0;
        }
        mc->bw_sustained_gbps[after][i] = (double)(reps * chunk) / (double)(bn_now_ns() - pass_start);
        /* The median of this pass alone, to show drift; then over every pass so far. */
        bn_timing pass = {bw->t.ns + bw->t.reps - reps, reps, 0, 0};
        bn_timing_summarize(&pass);
        mc->bw_pass_gbps[after][i] = (double)chunk / pass.median_ns;
        if (!after) bw->reps_before = bw->t.reps;
        bn_timing_summarize(&bw->t);
        bw->gbps = (double)chunk / bw->t.median_ns;
        bw->sustained_gbps =
            (mc->bw_sustained_gbps[0][i] + (after ? mc->bw_sustained_gbps[1][i] : 0.0)) / (after ? 2.0 : 1.0);
    }
    mc->read_probe = probe->name;
    snprintf(mc->bw_method, sizeof mc->bw_method,
             "a repetition reads one %zu-byte chunk of a %zu-byte buffer (>= 2 x the last-level cache "
             "hwloc reports; chunks taken round robin, so each comes from DRAM) and is timed alone; with "
             "T threads each reads a contiguous 1/T of the chunk (whole 4 KiB pages) and the time is that "
             "of the whole pool run.  %s: the widest loads the CPU has, 8 independent xor accumulators.  "
             "2 MiB-aligned anonymous memory, transparent huge pages requested (madvise), every page "
             "written first.  %zu warm-up chunks, then %zu repetitions before the kernels (reps_before) "
             "and again after them; gbps = chunk bytes / median over both",
             chunk, chunks * chunk, probe->name, warmup, reps);
    return true;
}

/* ---- vpdpbusd peak */

typedef struct vnni_job {
    uint64_t iterations;
    _Atomic uint64_t sink;
} vnni_job;

#if defined(__x86_64__)
static void vnni_part(void *ctx, unsigned t, unsigned threads)
{
    vnni_job *j = ctx;
    (void)threads;
    atomic_fetch_add(&j->sink, bn_probe_vpdpbusd__avx512(j->iterations, 0x9E3779B9u + t));
}

static void measure_peak_with(const bench_options *o, bn_pool *pool, unsigned threads, uint64_t iterations,
                              bn_bench_peak *out)
{
    unsigned reps = o->quick ? 5 : 11;
    vnni_job job = {.iterations = iterations};
    *out = (bn_bench_peak){.threads = threads, .instructions = iterations * BN_PROBE_VNNI_CHAINS * threads};
    out->t.ns = calloc(reps, sizeof(uint64_t));
    bn_pool_run(pool, vnni_part, &job); /* warm-up: clocks up, code in cache */
    for (unsigned r = 0; r < reps; r++) {
        uint64_t t0 = bn_now_ns();
        bn_pool_run(pool, vnni_part, &job);
        out->t.ns[out->t.reps++] = bn_now_ns() - t0;
    }
    bn_timing_summarize(&out->t);
    /* The fastest repetition: a loop on registers is only ever slowed by what else runs
     * (a median under a busy second core put the 2-thread peak at 1.14 x one thread, and
     * let prefill figures exceed "100% of peak"); the peak is what the silicon can do. */
    out->per_s = (double)out->instructions / ((double)out->t.min_ns * 1e-9);
    out->macs_per_s = 64.0 * out->per_s;
}
#endif

static void measure_peak(const bench_options *o, bench_machine *mc)
{
#if defined(__x86_64__)
    if (!cpu_has(BN_ISA_AVX512)) {
        snprintf(mc->peak_reason, sizeof mc->peak_reason, "cpu lacks the avx512 tier (zmm vpdpbusd)");
        return;
    }
    /* Calibrate so one repetition takes ~20 ms (5 ms quick): long against the clock's
     * resolution and the pool's barrier, short against the scheduler's time slices. */
    uint64_t iterations = 1u << 14, target = o->quick ? 5000000u : 20000000u;
    uint64_t t0 = bn_now_ns();
    bn_probe_vpdpbusd__avx512(iterations, 1);
    uint64_t took = bn_now_ns() - t0;
    iterations = iterations * target / (took ? took : 1);
    if (iterations < 1024) iterations = 1024;
    unsigned all = mc->topo.cores;
    measure_peak_with(o, NULL, 1, iterations, &mc->peak_one);
    measure_peak_with(o, bench_pool(mc, all), all, iterations, &mc->peak_all);
    mc->have_peak = true;
    snprintf(mc->peak_method, sizeof mc->peak_method,
             "bn_probe_vpdpbusd__avx512: %llu iterations of %u independent zmm vpdpbusd chains per "
             "thread (64 int8 MACs each), register operands only; the fastest of %zu repetitions "
             "after one warm-up",
             (unsigned long long)iterations, BN_PROBE_VNNI_CHAINS, mc->peak_one.t.reps);
#else
    (void)o;
    snprintf(mc->peak_reason, sizeof mc->peak_reason, "vpdpbusd is an x86 instruction");
#endif
}

/* ---- the pool's barrier */

static void nothing(void *ctx, unsigned t, unsigned threads) { (void)ctx, (void)t, (void)threads; }

static void sleep_us(uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000), (long)(us % 1000000) * 1000};
    nanosleep(&ts, NULL);
}

static void measure_pool(const bench_options *o, bench_machine *mc)
{
    unsigned threads = mc->topo.cores;
    bn_pool *pool = bench_pool(mc, threads);
    bn_bench_pool *p = &mc->pool;
    *p =
        (bn_bench_pool){.threads = threads, .pinned = bn_pool_pinned(pool), .spin_us = bn_pool_spin_us(pool)};
    if (!pool) return;
    unsigned reps = o->quick ? 5 : 11, wakes = o->quick ? 7 : 21, batch = 1000;
    p->run.ns = calloc(reps, sizeof(uint64_t));
    p->wake.ns = calloc(wakes, sizeof(uint64_t));
    for (unsigned r = 0; r <= reps; r++) {
        uint64_t t0 = bn_now_ns();
        for (unsigned i = 0; i < batch; i++) bn_pool_run(pool, nothing, NULL);
        if (r > 0) p->run.ns[p->run.reps++] = (bn_now_ns() - t0 + batch / 2) / batch; /* r = 0 warms up */
    }
    for (unsigned r = 0; r < wakes; r++) {
        sleep_us(p->spin_us + 2000); /* long enough for every worker to fall asleep */
        uint64_t t0 = bn_now_ns();
        bn_pool_run(pool, nothing, NULL);
        p->wake.ns[p->wake.reps++] = bn_now_ns() - t0;
    }
    bn_timing_summarize(&p->run);
    bn_timing_summarize(&p->wake);
}

/* ---- all of it */

bn_pool *bench_pool(const bench_machine *mc, unsigned threads)
{
    for (unsigned i = 0; i < mc->count_n; i++)
        if (mc->counts[i] == threads) return mc->pools[i];
    return NULL;
}

const bn_bench_bandwidth *bench_bandwidth(const bench_machine *mc, unsigned threads)
{
    for (unsigned i = 0; i < mc->count_n; i++)
        if (mc->counts[i] == threads) return &mc->bw[i];
    return NULL;
}

/* Insert a thread count into the sorted unique list of counts to measure. */
static void add_count(bench_machine *mc, unsigned threads)
{
    unsigned i = 0;
    while (i < mc->count_n && mc->counts[i] < threads) i++;
    if (i < mc->count_n && mc->counts[i] == threads) return;
    memmove(&mc->counts[i + 1], &mc->counts[i], (mc->count_n - i) * sizeof mc->counts[0]);
    mc->counts[i] = threads;
    mc->count_n++;
}

bool bench_measure_machine(const bench_options *o, size_t max_copy_bytes, bench_machine *mc)
{
    memset(mc, 0, sizeof *mc);
    if (bn_topology(&mc->topo) != BN_OK) {
        fprintf(stderr, "bench: %s\n", bn_last_error());
        return false;
    }
    if (o->dram_bytes) {
        mc->dram_footprint = o->dram_bytes;
    } else if (mc->topo.llc_total_bytes) {
        mc->dram_footprint = 2 * (uint64_t)mc->topo.llc_total_bytes;
        if (mc->dram_footprint < MIN_DRAM_FOOTPRINT) mc->dram_footprint = MIN_DRAM_FOOTPRINT;
    } else {
        fprintf(stderr, "bench: hwloc reports no cache sizes, so DRAM placement cannot be sized; "
                        "give the footprint with --dram-bytes N (at least twice the last-level cache)\n");
        return false;
    }
    /* Rotating copies of a matrix of s bytes over the footprint F takes ceil(F / s) * s
     * < F + s bytes. */
    mc->arena_bytes = ((size_t)mc->dram_footprint + max_copy_bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    mc->arena = map_arena(mc->arena_bytes);
    if (!mc->arena) {
        fprintf(stderr, "bench: cannot map %zu bytes for weight copies and the bandwidth probe\n",
                mc->arena_bytes);
        return false;
    }
    add_count(mc, 1);
    add_count(mc, mc->topo.cores ? mc->topo.cores : 1);
    for (unsigned i = 0; i < o->thread_counts; i++) add_count(mc, o->threads[i]);
    for (unsigned i = 0; i < mc->count_n; i++) {
        if (mc->counts[i] == 1) continue;
        if (bn_pool_create(mc->counts[i], &mc->pools[i]) != BN_OK) {
            fprintf(stderr, "bench: pool of %u threads: %s\n", mc->counts[i], bn_last_error());
            return false;
        }
    }
    if (!bench_measure_bandwidth(o, mc, false)) return false;
    measure_peak(o, mc);
    measure_pool(o, mc);
    return true;
}

void bench_release_machine(bench_machine *mc)
{
    for (unsigned i = 0; i < mc->count_n; i++) {
        bn_pool_destroy(mc->pools[i]);
        free(mc->bw[i].t.ns);
    }
    free(mc->peak_one.t.ns), free(mc->peak_all.t.ns);
    free(mc->pool.run.ns), free(mc->pool.wake.ns);
    if (mc->arena) munmap(mc->arena, mc->arena_bytes);
}
