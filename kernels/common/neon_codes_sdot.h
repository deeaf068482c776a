/*
 * neon_codes_sdot.h - the multiply step of the I2_S / QK256 templates with the ARMv8.2
 * dot product (neondot files only; static inline only).
 *
 * sdot adds to each int32 lane the dot product of four adjacent int8 pairs, so one
 * instruction does 16 multiply-adds straight into int32: no int16 stage, nothing to widen.
 * Bounds for K <= 65536 (per lane, the worst case |q| = 128):
 *   GEMV acc[1] (16*c <= 48):  K/4 weights of slot 1 spread over 4 lanes -> K/16 products
 *                              per lane, |.| <= 48 * 128 * 4096 = 25,165,824;
 *   GEMV acc[0] (c <= 3):       slots 0 and 3, K/2 weights -> K/8 products per lane,
 *                              |.| <= 3 * 128 * 8192 = 3,145,728;
 *   GEMM (c <= 3):              all K weights -> K/4 products per lane,
 *                              |.| <= 3 * 128 * 16384 = 6,291,456;
 * all far below 2^31.
 */
#ifndef BN_KERNELS_NEON_CODES_SDOT_H
#define BN_KERNELS_NEON_CODES_SDOT_H

#include <arm_neon.h>

#include "kernels/common/neon_common.h"

BN_INLINE void bn_codes_mac(int32x4_t acc[3], const int8x16_t c[4], const int8x16_t q[4])
{
    acc[0] = vdotq_s32(acc[0], c[0], q[0]);
    acc[0] = vdotq_s32(acc[0], c[3], q[3]);
    acc[1] = vdotq_s32(acc[1], c[1], q[1]);
    acc[2] = vdotq_s32(acc[2], c[2], q[2]);
}

/* GEMM: sdot accumulates straight into int32, so one chunk spans the whole row and the
 * widening is a plain add. */
typedef int32x4_t bn_codes_acc;
#define BN_CODES_FLUSH_GROUPS ((size_t)-1)
BN_INLINE bn_codes_acc bn_codes_acc_zero(void) { return vdupq_n_s32(0); }
BN_INLINE bn_codes_acc bn_codes_dot(bn_codes_acc acc, int8x16_t c, int8x16_t q)
{
    return vdotq_s32(acc, c, q);
}
BN_INLINE int32x4_t bn_codes_widen(int32x4_t wide, bn_codes_acc acc) { return vaddq_s32(wide, acc); }

#endif /* BN_KERNELS_NEON_CODES_SDOT_H */
