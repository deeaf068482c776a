/*
 * pool.h - the thread pool: created once, threads pinned to cores (hwloc), no thread
 * creation per token, and a barrier cheap enough for 60+ matmuls per token.
 *
 * bn_pool_run runs fn(ctx, t, threads) on every thread t of the pool (the caller is
 * thread 0) and returns when all are done.  The parallel matmul helpers split rows into
 * disjoint ranges aligned to the weight layout's row block, so each thread streams its
 * own weight rows, and record one call per logical operation in the kernel counters
 * (bytes of the whole operation, wall time of the whole operation).
 */
#ifndef BN_DISPATCH_POOL_H
#define BN_DISPATCH_POOL_H

#include <stddef.h>

#include "bitnet.h"

typedef struct bn_pool bn_pool;
typedef void bn_pool_fn(void *ctx, unsigned thread, unsigned threads);

/* threads == 0: one per core.  Pins thread t to core t (hwloc) when there are enough. */
bn_status bn_pool_create(unsigned threads, bn_pool **out);
void bn_pool_destroy(bn_pool *pool);
unsigned bn_pool_threads(const bn_pool *pool);
void bn_pool_run(bn_pool *pool, bn_pool_fn *fn, void *ctx);

/* [r0, r1) of thread t when `rows` are split into `threads` ranges of whole blocks. */
void bn_pool_split(size_t rows, size_t block, unsigned t, unsigned threads, size_t *r0, size_t *r1);

/* Parallel versions of bn_gemv / bn_gemm / bn_f16_gemv over all rows of w. */
bn_status bn_pool_gemv(bn_pool *pool, const bn_kernel *k, const bn_weights *w, const bn_act *x, float *y);
bn_status bn_pool_gemm(bn_pool *pool, const bn_kernel *k, const bn_weights *w, size_t n, const bn_act *x,
                       float *y, size_t y_stride);
bn_status bn_pool_f16_gemv(bn_pool *pool, const bn_kernel *k, const bn_weights *w, const float *x, float *y);

#endif /* BN_DISPATCH_POOL_H */
