/*
 * pool.h - the thread pool: created once, threads pinned to cores (hwloc), no thread
 * creation per token, and a barrier cheap enough for 60+ matmuls per token.
 *
 * bn_pool_run runs fn(ctx, t, threads) on every thread t of the pool (the caller is
 * thread 0) and returns when all are done.  The parallel matmul helpers cut rows into
 * disjoint chunks aligned to the weight layout's row block, which the threads claim, so
 * each thread streams its own weight rows, and record one call per logical operation in the kernel counters
 * (bytes of the whole operation, wall time of the whole operation).
 *
 * Details (dispatch/pool.c has the why):
 *  - pinning: when threads <= cores, worker t is bound to core t and the creating thread
 *    to core 0 (its previous binding is restored by bn_pool_destroy when called from the
 *    same thread).  With more threads than cores, or BN_POOL_PIN=0, nothing is pinned.
 *  - idle workers spin on a generation counter for BN_POOL_SPIN_US microseconds (default
 *    200, read at creation, 0..1000000) after each job, then sleep on a futex: a pool
 *    between jobs costs no CPU.
 *  - a NULL pool behaves as a pool of one thread (fn runs once on the caller), so callers
 *    need no special case for single-threaded use.
 *  - fn must not wait for other threads of the same run.  A run started while the pool is
 *    busy (from inside fn, or from another thread) runs all its parts on its caller.
 */
#ifndef BN_DISPATCH_POOL_H
#define BN_DISPATCH_POOL_H

#include <stddef.h>

#include "bitnet.h"

typedef struct bn_pool bn_pool;
typedef void bn_pool_fn(void *ctx, unsigned thread, unsigned threads);

/* threads == 0: one per core.  Pins thread t to core t (hwloc) when there are enough.
 * At most BN_POOL_MAX_THREADS threads. */
#define BN_POOL_MAX_THREADS 256
bn_status bn_pool_create(unsigned threads, bn_pool **out);
void bn_pool_destroy(bn_pool *pool);
unsigned bn_pool_threads(const bn_pool *pool);
/* Threads of the pool bound to a core (0 when unpinned: more threads than cores, or hwloc
 * could not bind). */
unsigned bn_pool_pinned(const bn_pool *pool);
/* Microseconds its idle threads spin before they sleep (BN_POOL_SPIN_US at creation). */
unsigned bn_pool_spin_us(const bn_pool *pool);
void bn_pool_run(bn_pool *pool, bn_pool_fn *fn, void *ctx);

/* [r0, r1) of thread t when `rows` are split into `threads` ranges of whole blocks. */
void bn_pool_split(size_t rows, size_t block, unsigned t, unsigned threads, size_t *r0, size_t *r1);

/* Parallel versions of bn_gemv / bn_gemm / bn_f16_gemv over all rows of w: the same
 * argument checks (errors name bn_pool_gemv etc.), then the kernel on each thread's rows
 * (blocks of lcm(layout rows, kernel mr, 16) rows: 16 floats keep the threads' parts of y
 * on separate cache lines), then ONE counted call with the bytes of all rows. */
bn_status bn_pool_gemv(bn_pool *pool, const bn_kernel *k, const bn_weights *w, const bn_act *x, float *y);
bn_status bn_pool_gemm(bn_pool *pool, const bn_kernel *k, const bn_weights *w, size_t n, const bn_act *x,
                       float *y, size_t y_stride);
bn_status bn_pool_f16_gemv(bn_pool *pool, const bn_kernel *k, const bn_weights *w, const float *x, float *y);

/* Several matmuls over the same activations in one run of the pool (q, k and v; gate and
 * up): 1..4 of them, each checked like the calls above, each counted as one call.  The
 * rows of all of them are cut into chunks of whole blocks that the threads claim in turn
 * (pool.c says why); y_stride is used by the GEMM only. */
typedef struct bn_pool_matmul {
    const bn_weights *w;
    float *y;
    size_t y_stride;
} bn_pool_matmul;
bn_status bn_pool_gemv_many(bn_pool *pool, const bn_kernel *k, const bn_act *x, size_t count,
                            const bn_pool_matmul *mms);
bn_status bn_pool_gemm_many(bn_pool *pool, const bn_kernel *k, size_t n, const bn_act *x, size_t count,
                            const bn_pool_matmul *mms);

/* What hwloc says about this machine (dispatch/topology.c; loaded once per process). */
typedef struct bn_topology_info {
    unsigned cores; /* cores this process may run on */
    size_t l1d_bytes, l2_bytes; /* the L1 data and L2 cache of core 0 (0 if unknown) */
    unsigned llc_level; /* level of the last-level cache (0 if hwloc reports none) */
    unsigned llc_count; /* how many caches of that level the machine has */
    size_t llc_bytes; /* the largest of them */
    size_t llc_total_bytes; /* all of them together */
} bn_topology_info;
bn_status bn_topology(bn_topology_info *out);

#endif /* BN_DISPATCH_POOL_H */
