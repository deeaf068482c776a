/*
 * neon_tl1.h - template of the NEON TL1 GEMV and GEMM (static inline only): blocks of 16
 * rows (layout_rows 16) against tiles of up to BN_TL_TOKENS tokens.
 *
 * A byte column c of a block holds pair 2c (high nibble) and pair 2c + 1 (low nibble) of
 * its 16 rows; the token's tables 2c and 2c + 1 are the 64 bytes at lut + 64 * c.  Per
 * column: one load, one shift and one mask give the 16 rows' two index vectors, decoded
 * once for all the tokens of the tile; per token and pair, two tbl look up the low and high
 * bytes and three adds collect them (neon_tl.h).  Every 32 columns (64 tables) the narrow
 * sums are folded into int32.  Invalid indices 9..15 read table entries that are 0.
 */
#ifndef BN_KERNELS_NEON_TL1_H
#define BN_KERNELS_NEON_TL1_H

#include "kernels/common/neon_tl.h"

/* acc[t] += tables of byte columns [c0, c1) of the block, for tokens t < nt. */
BN_INLINE void bn_tl1_chunk(bn_tl_acc acc[BN_TL_TOKENS], const uint8_t *block, size_t c0, size_t c1,
                            const uint8_t *const lut[BN_TL_TOKENS], size_t nt)
{
    for (size_t c = c0; c < c1; c++) {
        const uint8x16_t w = vld1q_u8(block + BN_TL_ROWS * c);
        const uint8x16_t even = vshrq_n_u8(w, 4), odd = vandq_u8(w, vdupq_n_u8(15));
        BN_UNROLL
        for (size_t t = 0; t < nt; t++) {
            bn_tl_lookup(&acc[t], lut[t] + 2 * BN_LUT_TABLE_BYTES * c, even);
            bn_tl_lookup(&acc[t], lut[t] + 2 * BN_LUT_TABLE_BYTES * c + BN_LUT_TABLE_BYTES, odd);
        }
    }
}

/* y for rows [r0, r1) and n tokens, nt tokens per tile (a constant after inlining). */
BN_INLINE void bn_tl1_rows(const bn_weights *w, size_t r0, size_t r1, size_t n, const bn_act *x, float *y,
                           size_t y_stride, size_t nt)
{
    const size_t cols = bn_tl1_row_bytes(w->cols), chunk = BN_TL_CHUNK_TABLES / 2;
    const uint8_t *data = w->data;
    for (size_t r = r0; r < r1; r += BN_TL_ROWS) {
        const uint8_t *block = data + r * cols; /* r is a multiple of 16: the block's start */
        const size_t rows = r1 - r < BN_TL_ROWS ? r1 - r : BN_TL_ROWS;
        for (size_t t0 = 0; t0 < n; t0 += nt) {
            const size_t toks = n - t0 < nt ? n - t0 : nt;
            const uint8_t *lut[BN_TL_TOKENS];
            int32x4_t wide[BN_TL_TOKENS][4];
            BN_UNROLL
            for (size_t t = 0; t < nt; t++) { /* unused slots re-read the last valid token */
                lut[t] = x->lut + (t0 + (t < toks ? t : toks - 1)) * x->lut_stride;
                wide[t][0] = wide[t][1] = wide[t][2] = wide[t][3] = vdupq_n_s32(0);
            }
            for (size_t c0 = 0; c0 < cols; c0 += chunk) {
                bn_tl_acc acc[BN_TL_TOKENS];
                BN_UNROLL
                for (size_t t = 0; t < nt; t++) bn_tl_acc_zero(&acc[t]);
                bn_tl1_chunk(acc, block, c0, cols - c0 < chunk ? cols : c0 + chunk, lut, nt);
                BN_UNROLL
                for (size_t t = 0; t < nt; t++) bn_tl_flush(wide[t], &acc[t]);
            }
            for (size_t t = 0; t < toks; t++) {
                float *yt = (float *)((char *)y + (t0 + t) * y_stride);
                bn_tl_store_block(yt + r, rows, wide[t], x->scale[t0 + t], w->scale);
            }
        }
    }
}

#endif /* BN_KERNELS_NEON_TL1_H */
