/* bn_tl2_lut__neon - A8 codes -> TL2 tables (G triple tables, then R/2 pair tables) with NEON.
 *
 * Contract: K % 2 == 0; tables of token t at lut + t * lut_stride, 32 bytes each;
 * bit-identical to ref/tl2.c; reads exactly K codes per token (the triples use the first
 * 3G, the tail pairs the last R), writes exactly G + R/2 tables.
 *
 * Algorithm (kernels/common/neon_tl_tables.h): per 8 triples, one ld3 de-interleaves the
 * 24 codes into the q0, q1 and q2 of the 8 triples and three sxtl widen them; per triple,
 * mul / mla / mla by the broadcast lanes against the balanced-ternary digit patterns give
 * entries 0..7 and again 8..15 (14 and 15 are 0), and uzp1 / uzp2 split them into the
 * stored low and high bytes.  Fewer than 8 triples left, and the tail pairs, broadcast
 * their codes from scalar loads.
 * Registers: 6 pattern constants + 3 widened vectors + 2 entry vectors + 2 byte vectors.
 * Exactness: |T| <= 384, exact in int16; the stored bytes are its two's complement halves.
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_tl_tables.h"

bn_lut_fn bn_tl2_lut__neon;

/* Tables of the 4 triples in lanes 0..3 of (a, b, c) (codes 0, 1, 2); lane numbers of
 * intrinsics must be constants, hence written out. */
static inline void bn_tl2_four(uint8_t *tables, int16x8_t a, int16x8_t b, int16x8_t c)
{
    bn_tl2_table(tables, vdupq_laneq_s16(a, 0), vdupq_laneq_s16(b, 0), vdupq_laneq_s16(c, 0));
    bn_tl2_table(tables + 32, vdupq_laneq_s16(a, 1), vdupq_laneq_s16(b, 1), vdupq_laneq_s16(c, 1));
    bn_tl2_table(tables + 64, vdupq_laneq_s16(a, 2), vdupq_laneq_s16(b, 2), vdupq_laneq_s16(c, 2));
    bn_tl2_table(tables + 96, vdupq_laneq_s16(a, 3), vdupq_laneq_s16(b, 3), vdupq_laneq_s16(c, 3));
}

void bn_tl2_lut__neon(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                      size_t lut_stride)
{
    BN_KASSERT(k % 2 == 0);
    const size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        size_t g = 0;
        for (; g + 8 <= G; g += 8) {
            const int8x8x3_t v = vld3_s8(qt + 3 * g); /* ld3: val[i] = code i of each triple */
            const int16x8_t a = vmovl_s8(v.val[0]), b = vmovl_s8(v.val[1]), c = vmovl_s8(v.val[2]);
            bn_tl2_four(tables + BN_LUT_TABLE_BYTES * g, a, b, c);
            bn_tl2_four(tables + BN_LUT_TABLE_BYTES * (g + 4), vextq_s16(a, a, 4), vextq_s16(b, b, 4),
                        vextq_s16(c, c, 4)); /* ext: lanes 4..7 down to 0..3 */
        }
        for (; g < G; g++)
            bn_tl2_table(tables + BN_LUT_TABLE_BYTES * g, vdupq_n_s16(qt[3 * g]), vdupq_n_s16(qt[3 * g + 1]),
                         vdupq_n_s16(qt[3 * g + 2]));
        for (size_t i = 0; i < R / 2; i++)
            bn_tl1_table_at(tables + BN_LUT_TABLE_BYTES * (G + i), qt + 3 * G + 2 * i);
    }
}
