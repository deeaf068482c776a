/*
 * neon_tl_tables.h - building TL1 and TL2 activation tables with NEON (static inline only).
 *
 * A table is 16 int16 entries stored as 16 low bytes then 16 high bytes (ref/tl1.c).  Each
 * entry is a dot product of the activations with a fixed ternary pattern, so a table is
 *     T[0..7]  = P0 * q0 + P1 * q1 (+ P2 * q2)     (int16 lanes, mul / mla by the
 *     T[8..15] = Q0 * q0 + Q1 * q1 (+ Q2 * q2)      broadcast activations)
 * with constant pattern vectors whose lanes past the last valid index are 0, so invalid
 * indices get the entry 0 as the format requires.  uzp1 / uzp2 then pick the even bytes
 * (the low bytes, little-endian) and the odd bytes (the high bytes) of the 16 entries:
 * exactly the stored order.  |T| <= 384, exact in int16.
 */
#ifndef BN_KERNELS_NEON_TL_TABLES_H
#define BN_KERNELS_NEON_TL_TABLES_H

#include <arm_neon.h>

#include "kernels/common/neon_common.h"

#include "kernels/kernel.h"
#include "ref/formats.h"

/* Store entries lo8 (0..7) and hi8 (8..15) as 16 low bytes then 16 high bytes. */
BN_INLINE void bn_tl_table_store(uint8_t *table, int16x8_t lo8, int16x8_t hi8)
{
    uint8x16_t a = vreinterpretq_u8_s16(lo8), b = vreinterpretq_u8_s16(hi8);
    vst1q_u8(table, vuzp1q_u8(a, b)); /* bytes 0, 2, .., 30: the low byte of every entry */
    vst1q_u8(table + 16, vuzp2q_u8(a, b)); /* bytes 1, 3, .., 31: the high bytes */
}

/* TL1 table of the pair (q0, q1), each broadcast to all lanes; s = q0 + q1 broadcast.
 * Index 3a + b stands for the pair (a - 1, b - 1); only index 8 = (+1, +1) is past lane 7. */
BN_INLINE void bn_tl1_table(uint8_t *table, int16x8_t q0, int16x8_t q1, int16x8_t s)
{
    const int16x8_t p0 = {-1, -1, -1, 0, 0, 0, 1, 1}, p1 = {-1, 0, 1, -1, 0, 1, -1, 0};
    const int16x8_t first = {1, 0, 0, 0, 0, 0, 0, 0};
    bn_tl_table_store(table, vmlaq_s16(vmulq_s16(p0, q0), p1, q1), vmulq_s16(first, s));
}

/* TL2 table of the triple (q0, q1, q2), each broadcast: entry i (0..13) is the dot product
 * with the balanced-ternary digits (d0, d1, d2) of i = 9 d0 + 3 d1 + d2; 14 and 15 are 0. */
BN_INLINE void bn_tl2_table(uint8_t *table, int16x8_t q0, int16x8_t q1, int16x8_t q2)
{
    const int16x8_t d0lo = {0, 0, 0, 0, 0, 1, 1, 1}, d0hi = {1, 1, 1, 1, 1, 1, 0, 0};
    const int16x8_t d1lo = {0, 0, 1, 1, 1, -1, -1, -1}, d1hi = {0, 0, 0, 1, 1, 1, 0, 0};
    const int16x8_t d2lo = {0, 1, -1, 0, 1, -1, 0, 1}, d2hi = {-1, 0, 1, -1, 0, 1, 0, 0};
    int16x8_t lo8 = vmlaq_s16(vmlaq_s16(vmulq_s16(d0lo, q0), d1lo, q1), d2lo, q2);
    int16x8_t hi8 = vmlaq_s16(vmlaq_s16(vmulq_s16(d0hi, q0), d1hi, q1), d2hi, q2);
    bn_tl_table_store(table, lo8, hi8);
}

/* The TL1 table of one pair read from memory (tails: fewer than 8 pairs left). */
BN_INLINE void bn_tl1_table_at(uint8_t *table, const int8_t *q)
{
    bn_tl1_table(table, vdupq_n_s16(q[0]), vdupq_n_s16(q[1]), vdupq_n_s16((int16_t)(q[0] + q[1])));
}

#endif /* BN_KERNELS_NEON_TL_TABLES_H */
