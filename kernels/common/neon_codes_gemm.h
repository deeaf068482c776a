/*
 * neon_codes_gemm.h - template of the NEON I2_S / QK256 GEMM (static inline only).
 *
 * The includer first includes the multiply step of its ISA, which defines the accumulator
 * type bn_codes_acc, bn_codes_acc_zero(), bn_codes_dot(acc, c, q) adding the 16 products
 * c[j] * q[j] (c codes 0..3) into acc, bn_codes_widen(wide, acc) adding acc into an int32x4
 * and BN_CODES_FLUSH_GROUPS, the number of groups acc may take before it must be widened.
 *
 * Tile: 4 rows x 4 tokens, 16 accumulators.  Per group, slot s and 16-byte half h: the
 * 16 code bytes of each of the four rows are decoded to codes 0..3 once (one ushl by the
 * negative count 2s - 6, one and) and used for all four tokens, whose activation vector is
 * loaded once for the four rows.  So weights are unpacked once per four tokens.  Loop
 * order: row blocks outside, token tiles inside, so the four rows' codes (K bytes) stay in
 * L1 while the tokens stream past.  Row and token tails re-use the last valid row / token
 * in the unused slots of the tile (re-reads inside the buffers) and store only valid
 * results.
 */
#ifndef BN_KERNELS_NEON_CODES_GEMM_H
#define BN_KERNELS_NEON_CODES_GEMM_H

#include "kernels/common/neon_codes.h"

/* acc[i][t] += (half h of the group of row i at byte `offset`) . (token t's activations),
 * slot s: the codes sit 6 - 2 * s bits up in the bytes, `down` shifts them to the bottom;
 * the activations are at 32 * s + 16 * h of the group. */
BN_INLINE void bn_codes_gemm_slot_half(bn_codes_acc acc[4][4], const uint8_t *const rows[4], size_t offset,
                                       const int8_t *const q[4], int s, int h, int8x16_t down)
{
    int8x16_t c[4];
    BN_UNROLL
    for (int i = 0; i < 4; i++) {
        uint8x16_t b = vld1q_u8(rows[i] + offset + 16 * h);
        c[i] = vreinterpretq_s8_u8(vandq_u8(vshlq_u8(b, down), vdupq_n_u8(3))); /* ushl < 0: >> */
    }
    BN_UNROLL
    for (int t = 0; t < 4; t++) {
        const int8x16_t qv = vld1q_s8(q[t] + 32 * s + 16 * h);
        BN_UNROLL
        for (int i = 0; i < 4; i++) acc[i][t] = bn_codes_dot(acc[i][t], c[i], qv);
    }
}

/* acc[i][t] += (group of row i at byte `offset`) . (128 activations of token t at q[t]).
 * The loop over slots stays a loop (unrolled, gcc hoists all loads and spills). */
BN_INLINE void bn_codes_gemm_group(bn_codes_acc acc[4][4], const uint8_t *const rows[4], size_t offset,
                                   const int8_t *const q[4])
{
    for (int s = 0; s < 4; s++) {
        const int8x16_t down = vdupq_n_s8((int8_t)(2 * s - 6));
        bn_codes_gemm_slot_half(acc, rows, offset, q, s, 0, down);
        bn_codes_gemm_slot_half(acc, rows, offset, q, s, 1, down);
    }
}

/* One tile: rows row[0..3] (already clamped) against tokens t0 .. t0 + toks - 1.  The
 * step's accumulators are widened into int32 every BN_CODES_FLUSH_GROUPS groups. */
BN_INLINE void bn_codes_gemm_tile(const bn_codes *m, const uint8_t *const row[4], size_t rows, size_t r,
                                  size_t t0, size_t toks, const bn_act *x, float ws, float *y,
                                  size_t y_stride)
{
    const int8_t *tq[4], *qg[4];
    int8_t pad[4][BN_I2S_GROUP];
    BN_UNROLL
    for (size_t t = 0; t < 4; t++) tq[t] = x->q + (t0 + (t < toks ? t : toks - 1)) * x->q_stride;
    int32x4_t wide[4][4];
    bn_codes_acc acc[4][4];
    BN_UNROLL
    for (int i = 0; i < 4; i++) BN_UNROLL
    for (int t = 0; t < 4; t++) wide[i][t] = vdupq_n_s32(0);
    /* chunks of whole groups, then the partial group (padded activations) as a chunk */
    for (size_t g = 0; g < m->groups + (m->tail ? 1 : 0);) {
        const size_t end = m->groups - g > BN_CODES_FLUSH_GROUPS ? g + BN_CODES_FLUSH_GROUPS : m->groups;
        BN_UNROLL
        for (int i = 0; i < 4; i++) BN_UNROLL
        for (int t = 0; t < 4; t++) acc[i][t] = bn_codes_acc_zero();
        if (g == m->groups) { /* the partial group */
            BN_UNROLL
            for (int t = 0; t < 4; t++) {
                bn_codes_pad_tail(pad[t], tq[t], m);
                qg[t] = pad[t];
            }
            bn_codes_gemm_group(acc, row, 32 * g, qg);
            g++;
        }
        for (; g < end; g++) {
            BN_UNROLL
            for (int t = 0; t < 4; t++) qg[t] = tq[t] + BN_I2S_GROUP * g;
            bn_codes_gemm_group(acc, row, 32 * g, qg);
        }
        BN_UNROLL
        for (int i = 0; i < 4; i++) BN_UNROLL
        for (int t = 0; t < 4; t++) wide[i][t] = bn_codes_widen(wide[i][t], acc[i][t]);
    }
    BN_UNROLL /* a constant t keeps wide[.][t] in registers; tokens past toks are dropped */
        for (size_t t = 0; t < 4; t++)
    {
        if (t >= toks) break;
        int32x4_t isum = bn_neon_hsum4(wide[0][t], wide[1][t], wide[2][t], wide[3][t]);
        isum = vsubq_s32(isum, vdupq_n_s32(x->qsum[t0 + t]));
        float *yt = (float *)((char *)y + (t0 + t) * y_stride);
        bn_neon_store_lanes(yt + r, bn_neon_epilogue(isum, x->scale[t0 + t], ws), rows);
    }
}

BN_INLINE void bn_codes_gemm(const bn_codes *m, size_t r0, size_t r1, size_t n, const bn_act *x, float ws,
                             float *y, size_t y_stride)
{
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint8_t *row[4];
        BN_UNROLL
        for (size_t i = 0; i < 4; i++) row[i] = m->data + (r + (i < rows ? i : rows - 1)) * m->stride;
        for (size_t t0 = 0; t0 < n; t0 += 4)
            bn_codes_gemm_tile(m, row, rows, r, t0, n - t0 < 4 ? n - t0 : 4, x, ws, y, y_stride);
    }
}

#endif /* BN_KERNELS_NEON_CODES_GEMM_H */
