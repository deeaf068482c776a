/*
 * neon_tl2.h - template of the NEON TL2 GEMV and GEMM (static inline only): blocks of 16
 * rows (layout_rows 16) against tiles of up to BN_TL_TOKENS tokens.
 *
 * Planes of a block (ref/tl2.c, each interleaved by 16): index column c holds triples 2c
 * (high nibble) and 2c + 1 (low nibble) of the 16 rows; sign column sc holds the signs of
 * triples 8 sc .. 8 sc + 7 (bit g % 8); the tail column the R/2 <= 2 TL1 pairs.
 *
 * The sign: for a negative triple the entry is -T.  In two's complement -T = (T ^ -1) + 1,
 * and T ^ -1 is the byte-wise complement of both stored halves.  So the kernel XORs both
 * looked-up halves with the row's sign mask (tst: 0xFF where the sign bit is set) and adds
 * the missing +1s once: per row, the number of sign bits set among its G triples, counted
 * by cnt on the sign bytes (bits past G in the last sign byte are masked off first: the
 * format leaves them meaningless).  A flipped entry is -T - 1 in [-382, 383], whose halves
 * keep the bounds of neon_tl.h.  Invalid indices 14, 15 read entry 0: -0 = (0 ^ -1) + 1.
 */
#ifndef BN_KERNELS_NEON_TL2_H
#define BN_KERNELS_NEON_TL2_H

#include "kernels/common/neon_tl.h"

/* One table looked up by the 16 rows' indices, both halves complemented where m is 0xFF. */
BN_INLINE void bn_tl2_lookup(bn_tl_acc *a, const uint8_t *tab, uint8x16_t idx, uint8x16_t m)
{
    uint8x16_t l = veorq_u8(vqtbl1q_u8(vld1q_u8(tab), idx), m);
    uint8x16_t h = veorq_u8(vqtbl1q_u8(vld1q_u8(tab + 16), idx), m);
    bn_tl_acc_add(a, l, h);
}

/* Sign column sc with its first `cols` (1..4) index columns, for tokens t < nt; adds the
 * per-row count of set sign bits to *neg. */
BN_INLINE void bn_tl2_sign_column(bn_tl_acc acc[BN_TL_TOKENS], uint8x16_t *neg, const uint8_t *index,
                                  const uint8_t *sign, size_t sc, size_t cols,
                                  const uint8_t *const lut[BN_TL_TOKENS], size_t nt)
{
    uint8x16_t s = vld1q_u8(sign + BN_TL_ROWS * sc);
    if (cols < 4) s = vandq_u8(s, vdupq_n_u8((uint8_t)((1u << (2 * cols)) - 1))); /* only G's bits */
    *neg = vaddq_u8(*neg, vcntq_u8(s)); /* cnt: set bits per byte, i.e. per row */
    BN_UNROLL
    for (size_t c = 0; c < cols; c++) {
        const size_t g = 8 * sc + 2 * c; /* the column's first triple */
        const uint8x16_t w = vld1q_u8(index + BN_TL_ROWS * (4 * sc + c));
        const uint8x16_t ia = vshrq_n_u8(w, 4), ib = vandq_u8(w, vdupq_n_u8(15));
        /* tst: 0xFF in the rows whose sign bit of triple g (resp. g + 1) is set */
        const uint8x16_t ma = vtstq_u8(s, vdupq_n_u8((uint8_t)(1u << (2 * c))));
        const uint8x16_t mb = vtstq_u8(s, vdupq_n_u8((uint8_t)(2u << (2 * c))));
        BN_UNROLL
        for (size_t t = 0; t < nt; t++) {
            bn_tl2_lookup(&acc[t], lut[t] + BN_LUT_TABLE_BYTES * g, ia, ma);
            bn_tl2_lookup(&acc[t], lut[t] + BN_LUT_TABLE_BYTES * (g + 1), ib, mb);
        }
    }
}

/* wide[t] += the block's sums for tokens t < nt (sign counts included). */
BN_INLINE void bn_tl2_block(int32x4_t wide[BN_TL_TOKENS][4], const uint8_t *index, const uint8_t *sign,
                            const uint8_t *tail, size_t k, const uint8_t *const lut[BN_TL_TOKENS], size_t nt)
{
    const size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t full = G / 8, signs = bn_div_up(G, 8), chunk = BN_TL_CHUNK_TABLES / 8;
    uint16x8_t neg0 = vdupq_n_u16(0), neg1 = neg0;
    bn_tl_acc acc[BN_TL_TOKENS];
    for (size_t sc = 0; sc < signs;) { /* chunks of 8 sign columns: 64 tables */
        const size_t end = signs - sc < chunk ? signs : sc + chunk;
        uint8x16_t neg = vdupq_n_u8(0); /* <= 64 per row in a chunk */
        BN_UNROLL
        for (size_t t = 0; t < nt; t++) bn_tl_acc_zero(&acc[t]);
        for (; sc < end && sc < full; sc++) bn_tl2_sign_column(acc, &neg, index, sign, sc, 4, lut, nt);
        if (sc < end) { /* the last sign column covers G % 8 triples */
            bn_tl2_sign_column(acc, &neg, index, sign, sc, (G % 8) / 2, lut, nt);
            sc++;
        }
        BN_UNROLL
        for (size_t t = 0; t < nt; t++) bn_tl_flush(wide[t], &acc[t]);
        neg0 = vaddw_u8(neg0, vget_low_u8(neg));
        neg1 = vaddw_high_u8(neg1, neg);
    }
    if (R) { /* the tail pairs: unsigned TL1 lookups */
        const uint8x16_t w = vld1q_u8(tail);
        BN_UNROLL
        for (size_t t = 0; t < nt; t++) {
            bn_tl_acc_zero(&acc[t]);
            bn_tl_lookup(&acc[t], lut[t] + BN_LUT_TABLE_BYTES * G, vshrq_n_u8(w, 4));
            if (R == 4)
                bn_tl_lookup(&acc[t], lut[t] + BN_LUT_TABLE_BYTES * (G + 1), vandq_u8(w, vdupq_n_u8(15)));
            bn_tl_flush(wide[t], &acc[t]);
        }
    }
    /* the +1 of every flipped entry (<= G <= 21845 per row: exact in uint16) */
    const int32x4_t n0 = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(neg0)));
    const int32x4_t n1 = vreinterpretq_s32_u32(vmovl_high_u16(neg0));
    const int32x4_t n2 = vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(neg1)));
    const int32x4_t n3 = vreinterpretq_s32_u32(vmovl_high_u16(neg1));
    BN_UNROLL
    for (size_t t = 0; t < nt; t++) {
        wide[t][0] = vaddq_s32(wide[t][0], n0);
        wide[t][1] = vaddq_s32(wide[t][1], n1);
        wide[t][2] = vaddq_s32(wide[t][2], n2);
        wide[t][3] = vaddq_s32(wide[t][3], n3);
    }
}

/* y for rows [r0, r1) and n tokens, nt tokens per tile (a constant after inlining). */
BN_INLINE void bn_tl2_rows(const bn_weights *w, size_t r0, size_t r1, size_t n, const bn_act *x, float *y,
                           size_t y_stride, size_t nt)
{
    const size_t k = w->cols, lr = BN_TL_ROWS;
    const uint8_t *data = w->data;
    const uint8_t *index = data, *sign = data + bn_tl2_sign_plane(w->rows, k, lr);
    const uint8_t *tail = data + bn_tl2_tail_plane(w->rows, k, lr);
    for (size_t r = r0; r < r1; r += BN_TL_ROWS) { /* r is a multiple of 16: a block's first row */
        const uint8_t *bi = index + r * bn_tl2_index_row_bytes(k), *bs = sign + r * bn_tl2_sign_row_bytes(k);
        const uint8_t *bt = tail + r * bn_tl2_tail_row_bytes(k);
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
            bn_tl2_block(wide, bi, bs, bt, k, lut, nt);
            for (size_t t = 0; t < toks; t++) {
                float *yt = (float *)((char *)y + (t0 + t) * y_stride);
                bn_tl_store_block(yt + r, rows, wide[t], x->scale[t0 + t], w->scale);
            }
        }
    }
}

#endif /* BN_KERNELS_NEON_TL2_H */
