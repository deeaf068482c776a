/*
 * tl1_x86.h - the width-generic TL1 GEMV/GEMM template of the AVX2 and AVX-512 kernels
 * (kernels/tl1/tl1_{gemv,gemm}_*__{avx2,avx512}.c; docs/kernels-tl.md).  Include
 * tl_avx2.h or tl_avx512.h first.  static inline only.
 *
 * Layout read: TL1 tiled with layout_rows 64 (ref/tl1.c): byte column c of the 64 rows of a
 * block is 64 consecutive bytes; its high nibbles index pair 2c, its low nibbles pair 2c+1.
 * Per row group, byte column and token:
 *     int16 sum += vpshufb(table 2c, high nibbles) + vpshufb(table 2c+1, low nibbles)
 * (each as low and high table bytes, interleaved back to int16), widened to int32 every
 * BN_TL_CHUNK pairs.
 */
#ifndef BN_KERNELS_TL1_X86_H
#define BN_KERNELS_TL1_X86_H

#include "kernels/common/tl_x86.h"
#include "kernels/kernel.h"

/* int32 sums of one row group (index: its first byte in byte column 0) for nt tokens. */
BN_TL_INLINE void bn_tl1_group_sums(const uint8_t *index, size_t columns, const uint8_t *const *luts,
                                    size_t nt, int32_t (*isum)[BN_TLV_ROWS])
{
    const size_t chunk_columns = BN_TL_CHUNK / 2; /* two pairs per byte column */
    bn_tlv a16[BN_TL_MAX_TOKENS], b16[BN_TL_MAX_TOKENS];
    for (size_t t = 0; t < nt; t++) memset(isum[t], 0, sizeof isum[t]);
    for (size_t c0 = 0; c0 < columns; c0 += chunk_columns) {
        size_t c1 = columns - c0 < chunk_columns ? columns : c0 + chunk_columns;
        for (size_t t = 0; t < nt; t++) a16[t] = b16[t] = bn_tlv_zero();
#pragma GCC unroll 2
        for (size_t c = c0; c < c1; c++) {
            bn_tlv idx = bn_tlv_load(index + c * BN_TL_LR);
            bn_tl_add_entries(luts, nt, 2 * c, bn_tlv_hi_nibbles(idx), a16, b16);
            bn_tl_add_entries(luts, nt, 2 * c + 1, bn_tlv_lo_nibbles(idx), a16, b16);
        }
        for (size_t t = 0; t < nt; t++) bn_tl_widen(a16[t], b16[t], isum[t]);
    }
}

/* y[t][r] for tokens t < n and rows [r0, r1), nr tokens per pass (1 for a GEMV). */
BN_TL_INLINE void bn_tl1_matmul(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                                const bn_act *restrict x, float *restrict y, size_t y_stride, size_t nr)
{
    BN_KASSERT(w->layout_rows == BN_TL_LR && r0 % BN_TL_LR == 0 && w->cols % 4 == 0);
    BN_KASSERT(nr >= 1 && nr <= BN_TL_MAX_TOKENS);
    const size_t columns = bn_tl1_row_bytes(w->cols);
    const uint8_t *index = w->data;
    int32_t isum[BN_TL_MAX_TOKENS][BN_TLV_ROWS];
    for (size_t r = r0; r < r1; r += BN_TLV_ROWS) {
        size_t block = r / BN_TL_LR * BN_TL_LR, within = r - block;
        size_t rows = r1 - r < BN_TLV_ROWS ? r1 - r : BN_TLV_ROWS;
        const uint8_t *g = index + block * columns + within;
        for (size_t t0 = 0; t0 < n; t0 += nr) {
            size_t nt = n - t0 < nr ? n - t0 : nr;
            const uint8_t *luts[BN_TL_MAX_TOKENS];
            for (size_t t = 0; t < nt; t++) luts[t] = x->lut + (t0 + t) * x->lut_stride;
            switch (nt) { /* constant token counts: the sums stay in registers */
            case 4: bn_tl1_group_sums(g, columns, luts, 4, isum); break;
            case 3: bn_tl1_group_sums(g, columns, luts, 3, isum); break;
            case 2: bn_tl1_group_sums(g, columns, luts, 2, isum); break;
            default: bn_tl1_group_sums(g, columns, luts, 1, isum); break;
            }
            for (size_t t = 0; t < nt; t++)
                bn_tl_store(isum[t], x->scale[t0 + t], w->scale, rows, bn_tl_y_row(y, y_stride, t0 + t) + r);
        }
    }
}

#endif /* BN_KERNELS_TL1_X86_H */
