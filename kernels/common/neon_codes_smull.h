/*
 * neon_codes_smull.h - the multiply step of the I2_S / QK256 templates on baseline NEON
 * (static inline only).
 *
 * Without sdot: smull multiplies the low eight int8 lanes into int16, smlal2 adds the
 * products of the high eight, and sadalp adds adjacent int16 pairs into the int32
 * accumulator.  The int16 stage is widened after every 16-byte vector pair, before it can
 * overflow (|q| <= 128):
 *   acc[0] chain: slots 0 and 3, c <= 3, 4 products per int16 lane: <= 4 * 3 * 128 = 1536;
 *   acc[1] chain: slot 1, 16*c <= 48, 2 products per lane:          <= 2 * 48 * 128 = 12288;
 *   acc[2] chain: slot 2, 4*c <= 12, 2 products per lane:           <= 2 * 12 * 128 = 3072;
 * all below 2^15 (the GEMM's longer int16 chains: below).  The int32 sums are bounded as in
 * neon_codes_sdot.h (the same products).
 */
#ifndef BN_KERNELS_NEON_CODES_SMULL_H
#define BN_KERNELS_NEON_CODES_SMULL_H

#include <arm_neon.h>

#include "kernels/common/neon_common.h"

/* p += c * q over all 16 lanes, as eight int16 lanes of two products each. */
BN_INLINE int16x8_t bn_codes_mul16(int8x16_t c, int8x16_t q)
{
    int16x8_t p = vmull_s8(vget_low_s8(c), vget_low_s8(q));
    return vmlal_high_s8(p, c, q);
}

BN_INLINE void bn_codes_mac(int32x4_t acc[3], const int8x16_t c[4], const int8x16_t q[4])
{
    int16x8_t ones = bn_codes_mul16(c[0], q[0]);
    ones = vmlal_s8(ones, vget_low_s8(c[3]), vget_low_s8(q[3]));
    ones = vmlal_high_s8(ones, c[3], q[3]);
    acc[0] = vpadalq_s16(acc[0], ones);
    acc[1] = vpadalq_s16(acc[1], bn_codes_mul16(c[1], q[1]));
    acc[2] = vpadalq_s16(acc[2], bn_codes_mul16(c[2], q[2]));
}

/* GEMM: int16 accumulators take smlal/smlal2 directly (2 instructions per 16 products
 * instead of 3) and are widened into int32 by sadalp every 5 groups: a group adds 8 vectors
 * of 16 products, two per int16 lane, so 5 groups put at most 5 * 16 * 384 = 30720 < 2^15
 * into a lane. */
typedef int16x8_t bn_codes_acc;
#define BN_CODES_FLUSH_GROUPS ((size_t)5)
BN_INLINE bn_codes_acc bn_codes_acc_zero(void) { return vdupq_n_s16(0); }
BN_INLINE bn_codes_acc bn_codes_dot(bn_codes_acc acc, int8x16_t c, int8x16_t q)
{
    acc = vmlal_s8(acc, vget_low_s8(c), vget_low_s8(q));
    return vmlal_high_s8(acc, c, q);
}
BN_INLINE int32x4_t bn_codes_widen(int32x4_t wide, bn_codes_acc acc) { return vpadalq_s16(wide, acc); }

#endif /* BN_KERNELS_NEON_CODES_SMULL_H */
