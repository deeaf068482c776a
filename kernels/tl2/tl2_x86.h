/*
 * tl2_x86.h - the width-generic TL2 GEMV/GEMM template of the AVX2 and AVX-512 kernels
 * (kernels/tl2/tl2_{gemv,gemm}_*__{avx2,avx512}.c; docs/kernels-tl.md).  Include
 * tl_avx2.h or tl_avx512.h first.  static inline only.
 *
 * Layout read: TL2 tiled with layout_rows 64 (ref/tl2.c): in each plane, byte column c of
 * the 64 rows of a block is 64 consecutive bytes.  Per row group and byte column c of the
 * index plane (triples 2c and 2c+1, high and low nibble) and per token:
 *     entries = vpshufb(table 2c, high nibbles), vpshufb(table 2c+1, low nibbles)
 *     int16 sum += sign ? -entry : entry      (sign column c/4, bits 2c%8 and 2c%8 + 1)
 * widened to int32 every BN_TL_CHUNK triples; the 0..2 tail pairs add TL1 entries.
 */
#ifndef BN_KERNELS_TL2_X86_H
#define BN_KERNELS_TL2_X86_H

#include "kernels/common/tl_x86.h"
#include "kernels/kernel.h"

/* A row group: its first byte in byte column 0 of each plane. */
typedef struct bn_tl2_group {
    const uint8_t *index, *sign, *tail;
} bn_tl2_group;

/* Triples s .. s+n-1 (n even, at most 8): they share the sign byte column s/8.  Called
 * with n = 8 as a constant, the sign bits become immediates. */
BN_TL_INLINE void bn_tl2_sign_column(const bn_tl2_group *g, const uint8_t *const *luts, size_t nt, size_t s,
                                     size_t n, bn_tlv *a16, bn_tlv *b16)
{
    bn_tlv la, lb;
    bn_tlv_sign_lanes(bn_tlv_load(g->sign + s / 8 * BN_TL_LR), &la, &lb);
#pragma GCC unroll 4
    for (size_t j = 0; j < n; j += 2) {
        bn_tlv idx = bn_tlv_load(g->index + (s + j) / 2 * BN_TL_LR);
        unsigned bit = (unsigned)j;
        bn_tl_add_signed_entries(luts, nt, s + j, bn_tlv_hi_nibbles(idx), bn_tlv_sign_sel(la, bit),
                                 bn_tlv_sign_sel(lb, bit), a16, b16);
        bn_tl_add_signed_entries(luts, nt, s + j + 1, bn_tlv_lo_nibbles(idx), bn_tlv_sign_sel(la, bit + 1),
                                 bn_tlv_sign_sel(lb, bit + 1), a16, b16);
    }
}

/* int32 sums of one row group for nt tokens (tables luts[t]). */
BN_TL_INLINE void bn_tl2_group_sums(const bn_tl2_group *g, size_t G, size_t R, const uint8_t *const *luts,
                                    size_t nt, int32_t (*isum)[BN_TLV_ROWS])
{
    bn_tlv a16[BN_TL_MAX_TOKENS], b16[BN_TL_MAX_TOKENS];
    for (size_t t = 0; t < nt; t++) memset(isum[t], 0, sizeof isum[t]);
    for (size_t c0 = 0; c0 < G; c0 += BN_TL_CHUNK) {
        size_t c1 = G - c0 < BN_TL_CHUNK ? G : c0 + BN_TL_CHUNK;
        for (size_t t = 0; t < nt; t++) a16[t] = b16[t] = bn_tlv_zero();
        for (size_t s = c0; s < c1; s += 8) {
            if (c1 - s >= 8)
                bn_tl2_sign_column(g, luts, nt, s, 8, a16, b16);
            else
                bn_tl2_sign_column(g, luts, nt, s, c1 - s, a16, b16);
        }
        for (size_t t = 0; t < nt; t++) bn_tl_widen(a16[t], b16[t], isum[t]);
    }
    if (R == 0) return;
    /* Tail pairs: TL1 tables G (high nibble) and, when R == 4, G + 1 (low nibble; with
     * R == 2 that nibble means nothing and its table does not exist). */
    bn_tlv idx = bn_tlv_load(g->tail);
    for (size_t t = 0; t < nt; t++) a16[t] = b16[t] = bn_tlv_zero();
    bn_tl_add_entries(luts, nt, G, bn_tlv_hi_nibbles(idx), a16, b16);
    if (R == 4) bn_tl_add_entries(luts, nt, G + 1, bn_tlv_lo_nibbles(idx), a16, b16);
    for (size_t t = 0; t < nt; t++) bn_tl_widen(a16[t], b16[t], isum[t]);
}

/* y[t][r] for tokens t < n and rows [r0, r1), nr tokens per pass (1 for a GEMV). */
BN_TL_INLINE void bn_tl2_matmul(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                                const bn_act *restrict x, float *restrict y, size_t y_stride, size_t nr)
{
    BN_KASSERT(w->layout_rows == BN_TL_LR && r0 % BN_TL_LR == 0 && w->cols % 2 == 0);
    BN_KASSERT(nr >= 1 && nr <= BN_TL_MAX_TOKENS);
    const size_t k = w->cols, G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    const uint8_t *index = w->data, *sign = index + bn_tl2_sign_plane(w->rows, k, BN_TL_LR);
    const uint8_t *tail = index + bn_tl2_tail_plane(w->rows, k, BN_TL_LR);
    int32_t isum[BN_TL_MAX_TOKENS][BN_TLV_ROWS];
    for (size_t r = r0; r < r1; r += BN_TLV_ROWS) {
        size_t block = r / BN_TL_LR * BN_TL_LR, within = r - block;
        size_t rows = r1 - r < BN_TLV_ROWS ? r1 - r : BN_TLV_ROWS;
        bn_tl2_group g = {index + block * ib + within, sign + block * sb + within,
                          tail + block * tb + within};
        for (size_t t0 = 0; t0 < n; t0 += nr) {
            size_t nt = n - t0 < nr ? n - t0 : nr;
            const uint8_t *luts[BN_TL_MAX_TOKENS];
            for (size_t t = 0; t < nt; t++) luts[t] = x->lut + (t0 + t) * x->lut_stride;
            switch (nt) { /* constant token counts: the sums stay in registers */
            case 4: bn_tl2_group_sums(&g, G, R, luts, 4, isum); break;
            case 3: bn_tl2_group_sums(&g, G, R, luts, 3, isum); break;
            case 2: bn_tl2_group_sums(&g, G, R, luts, 2, isum); break;
            default: bn_tl2_group_sums(&g, G, R, luts, 1, isum); break;
            }
            for (size_t t = 0; t < nt; t++)
                bn_tl_store(isum[t], x->scale[t0 + t], w->scale, rows, bn_tl_y_row(y, y_stride, t0 + t) + r);
        }
    }
}

#endif /* BN_KERNELS_TL2_X86_H */
