/*
 * neon_tl.h - the table lookup shared by the NEON TL1 and TL2 kernels (static inline only).
 *
 * Layout: rows interleaved by 16 (layout_rows 16, ref/formats.h): byte column c of a block
 * of 16 rows is 16 consecutive bytes, row i of the block in byte i.  So one 16-byte load
 * gives one index nibble pair of 16 rows, and `tbl` looks up 16 rows in one table at once.
 *
 * Tables: 16 int16 entries T stored as 16 low bytes, then 16 high bytes (ref/tl1.c).  The
 * two halves are looked up separately with the same indices.  Writing T = 256 * h + l with
 * h the signed high byte and l the unsigned low byte, the kernels sum l in uint16 lanes
 * (uaddw, uaddw2) and h in int8 lanes, per row, over a chunk of at most 64 tables, then
 * fold the chunk into int32 as sum_l + 256 * sum_h (bn_tl_flush).  Bounds per chunk of
 * <= 64 tables whose entries lie in [-384, 383] (TL1: |T| <= 256; TL2: |T| <= 384, or
 * -T - 1 for a sign-flipped entry, see the TL2 kernels):
 *   sum_l <= 64 * 255 = 16320 fits uint16 and is < 2^15;
 *   h is in [-2, 1], so sum_h is in [-128, 64] and fits int8;
 *   sum_l + 256 * sum_h = the chunk's exact sum, in [-24576, 24512], fits int16, so the
 *   int16 arithmetic of the fold (which wraps) yields it exactly.
 * The int32 sums hold at most K/2 entries of |.| <= 384 (< 2^24).
 */
#ifndef BN_KERNELS_NEON_TL_H
#define BN_KERNELS_NEON_TL_H

#include <arm_neon.h>

#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

/* The layout's row interleave, the chunk length of the narrow sums, and the GEMM's tokens
 * per tile (the GEMV runs the same code with one). */
#define BN_TL_ROWS 16
#define BN_TL_CHUNK_TABLES 64
#define BN_TL_TOKENS 4

/* Narrow per-chunk sums of 16 rows for one token: low bytes (rows 0..7, 8..15), high bytes. */
typedef struct bn_tl_acc {
    uint16x8_t lo0, lo1;
    int8x16_t hi;
} bn_tl_acc;

BN_INLINE void bn_tl_acc_zero(bn_tl_acc *a)
{
    a->lo0 = a->lo1 = vdupq_n_u16(0);
    a->hi = vdupq_n_s8(0);
}

/* Add the looked-up halves (l, h) of 16 rows. */
BN_INLINE void bn_tl_acc_add(bn_tl_acc *a, uint8x16_t l, uint8x16_t h)
{
    a->lo0 = vaddw_u8(a->lo0, vget_low_u8(l)); /* uaddw: widen rows 0..7 and add */
    a->lo1 = vaddw_high_u8(a->lo1, l); /* uaddw2: rows 8..15 */
    a->hi = vaddq_s8(a->hi, vreinterpretq_s8_u8(h));
}

/* One table (32 bytes at tab) looked up by the 16 rows' indices. */
BN_INLINE void bn_tl_lookup(bn_tl_acc *a, const uint8_t *tab, uint8x16_t idx)
{
    /* tbl: byte i of the result is tab[idx[i]]; indices are nibbles, never out of range */
    bn_tl_acc_add(a, vqtbl1q_u8(vld1q_u8(tab), idx), vqtbl1q_u8(vld1q_u8(tab + 16), idx));
}

/* wide[j] (rows 4j .. 4j+3) += the chunk's exact sums; see the bounds above. */
BN_INLINE void bn_tl_flush(int32x4_t wide[4], const bn_tl_acc *a)
{
    /* shll #8 widens the high-byte sums to int16 and multiplies them by 256 at once */
    int16x8_t s0 = vaddq_s16(vreinterpretq_s16_u16(a->lo0), vshll_n_s8(vget_low_s8(a->hi), 8));
    int16x8_t s1 = vaddq_s16(vreinterpretq_s16_u16(a->lo1), vshll_high_n_s8(a->hi, 8));
    wide[0] = vaddw_s16(wide[0], vget_low_s16(s0));
    wide[1] = vaddw_high_s16(wide[1], s0);
    wide[2] = vaddw_s16(wide[2], vget_low_s16(s1));
    wide[3] = vaddw_high_s16(wide[3], s1);
}

/* y[r .. r + rows) = ((float)isum / s) * ws for the 16 rows of one block and one token. */
BN_INLINE void bn_tl_store_block(float *y, size_t rows, const int32x4_t isum[4], float s, float ws)
{
    for (size_t j = 0; j < 4 && 4 * j < rows; j++) {
        size_t left = rows - 4 * j;
        bn_neon_store_lanes(y + 4 * j, bn_neon_epilogue(isum[j], s, ws), left < 4 ? left : 4);
    }
}

#endif /* BN_KERNELS_NEON_TL_H */
