/* bn_tl1_lut__neon - A8 codes -> TL1 tables (one 32-byte table per activation pair) with NEON.
 *
 * Contract: K % 4 == 0; table j of token t at lut + t * lut_stride + 32 * j, j < K/2;
 * bit-identical to ref/tl1.c; reads exactly K codes per token, writes exactly K/2 tables.
 *
 * Algorithm (kernels/common/neon_tl_tables.h): per 16 codes (8 pairs), one load and two
 * sxtl widen the codes to int16 and one addp forms the 8 sums q0 + q1; per pair, mul / mla
 * by the broadcast lanes (the by-element forms, no separate dup) give the 16 entries and
 * uzp1 / uzp2 split them into the stored low and high bytes, two stores.  A tail of fewer
 * than 8 pairs broadcasts its codes from scalar loads.
 * Registers: 3 pattern constants + 3 widened vectors + 2 entry vectors + 2 byte vectors.
 * Exactness: |T| <= 256, exact in int16; the stored bytes are its two's complement halves.
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_tl_tables.h"

bn_lut_fn bn_tl1_lut__neon;

/* Tables of the 4 pairs in the int16 lanes of v (q0 in even lanes, q1 in odd lanes) whose
 * sums q0 + q1 are lanes 0..3 of s.  Lane numbers of intrinsics must be constants, hence
 * written out. */
static inline void bn_tl1_four(uint8_t *tables, int16x8_t v, int16x8_t s)
{
    bn_tl1_table(tables, vdupq_laneq_s16(v, 0), vdupq_laneq_s16(v, 1), vdupq_laneq_s16(s, 0));
    bn_tl1_table(tables + 32, vdupq_laneq_s16(v, 2), vdupq_laneq_s16(v, 3), vdupq_laneq_s16(s, 1));
    bn_tl1_table(tables + 64, vdupq_laneq_s16(v, 4), vdupq_laneq_s16(v, 5), vdupq_laneq_s16(s, 2));
    bn_tl1_table(tables + 96, vdupq_laneq_s16(v, 6), vdupq_laneq_s16(v, 7), vdupq_laneq_s16(s, 3));
}

void bn_tl1_lut__neon(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                      size_t lut_stride)
{
    BN_KASSERT(k % 4 == 0);
    const size_t pairs = k / 2;
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        size_t j = 0;
        for (; j + 8 <= pairs; j += 8) {
            const int8x16_t codes = vld1q_s8(qt + 2 * j);
            const int16x8_t lo = vmovl_s8(vget_low_s8(codes)), hi = vmovl_high_s8(codes);
            const int16x8_t sums = vpaddq_s16(lo, hi); /* addp: lane p = q0 + q1 of pair p */
            bn_tl1_four(tables + BN_LUT_TABLE_BYTES * j, lo, sums);
            bn_tl1_four(tables + BN_LUT_TABLE_BYTES * (j + 4), hi,
                        vextq_s16(sums, sums, 4)); /* lanes 4..7 down */
        }
        for (; j < pairs; j++) bn_tl1_table_at(tables + BN_LUT_TABLE_BYTES * j, qt + 2 * j);
    }
}
