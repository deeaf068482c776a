/*
 * neon_common.h - helpers shared by all NEON kernels (static inline only): loop unrolling,
 * the four-row horizontal sum, the ternary float epilogue and partial stores.
 */
#ifndef BN_KERNELS_NEON_COMMON_H
#define BN_KERNELS_NEON_COMMON_H

#include <arm_neon.h>
#include <string.h>

/* Fixed-count loops over rows, tokens and slots must be unrolled completely, or the
 * accumulators (arrays in the source) end up in memory instead of registers.  gcc and
 * clang both honour this pragma. */
#define BN_UNROLL _Pragma("GCC unroll 16")

/* Every template function is inlined, whatever the compiler's size heuristics say: the
 * accumulator arrays passed between them only become registers after inlining, and the
 * token counts and column counts passed as arguments must be constants there. */
#define BN_INLINE static inline __attribute__((always_inline))

/* Lane i of the result: the sum of the four lanes of v[i] (two pairwise-add levels). */
BN_INLINE int32x4_t bn_neon_hsum4(int32x4_t v0, int32x4_t v1, int32x4_t v2, int32x4_t v3)
{
    return vpaddq_s32(vpaddq_s32(v0, v1), vpaddq_s32(v2, v3));
}

/* The epilogue of docs/formats.md section 2 for four rows: y = ((float)isum / s) * ws.
 * Each lane is one IEEE conversion (exact: |isum| <= 128 * 65536 < 2^24), one correctly
 * rounded division and one correctly rounded multiplication: bit-identical to the scalar
 * reference.  Explicit intrinsics, so nothing can be fused into an FMA. */
BN_INLINE float32x4_t bn_neon_epilogue(int32x4_t isum, float s, float ws)
{
    float32x4_t f = vcvtq_f32_s32(isum);
    f = vdivq_f32(f, vdupq_n_f32(s));
    return vmulq_f32(f, vdupq_n_f32(ws));
}

/* Store the first n (1..4) lanes of v to y: no write outside [r0, r1). */
BN_INLINE void bn_neon_store_lanes(float *y, float32x4_t v, size_t n)
{
    if (n == 4) {
        vst1q_f32(y, v);
        return;
    }
    float lanes[4];
    vst1q_f32(lanes, v);
    memcpy(y, lanes, n * sizeof(float));
}

#endif /* BN_KERNELS_NEON_COMMON_H */
