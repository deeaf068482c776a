/* bn_tl2_gemm_4x4__scalar - portable TL2 GEMM by table lookup: four rows x four tokens.
 *
 * Contract: y[t][r] for t < n, r in [r0, r1); any layout interleave; K % 2 == 0; x->lut
 * holds n tokens' TL2 tables at lut_stride; no over-read.
 * Algorithm: each (index, sign) of a row is decoded once and looked up in up to four
 * tokens' tables. */
#include "kernels/common/scalar_codes.h"
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_gemm_fn bn_tl2_gemm_4x4__scalar;

void bn_tl2_gemm_4x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                             const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    const size_t k = w->cols, lr = w->layout_rows, G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    const uint8_t *index = w->data, *sign = index + bn_tl2_sign_plane(w->rows, k, lr);
    const uint8_t *tail = index + bn_tl2_tail_plane(w->rows, k, lr);
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        for (size_t t0 = 0; t0 < n; t0 += 4) {
            size_t toks = n - t0 < 4 ? n - t0 : 4;
            int32_t acc[4][4] = {{0}};
            for (size_t i = 0; i < rows; i++) {
                for (size_t g = 0; g < G; g++) {
                    unsigned idx = bn_tl_nibble_get(index[bn_plane_offset(r + i, g / 2, ib, lr)], g);
                    unsigned neg = (sign[bn_plane_offset(r + i, g / 8, sb, lr)] >> (g % 8)) & 1u;
                    for (size_t t = 0; t < toks; t++) {
                        const uint8_t *tab = x->lut + (t0 + t) * x->lut_stride + g * BN_LUT_TABLE_BYTES;
                        int32_t v = bn_tl_entry(tab, idx);
                        acc[t][i] += neg ? -v : v;
                    }
                }
                for (size_t j = 0; j < R / 2; j++) {
                    unsigned idx = bn_tl_nibble_get(tail[bn_plane_offset(r + i, j / 2, tb, lr)], j);
                    for (size_t t = 0; t < toks; t++)
                        acc[t][i] += bn_tl_entry(
                            x->lut + (t0 + t) * x->lut_stride + (G + j) * BN_LUT_TABLE_BYTES, idx);
                }
            }
            for (size_t t = 0; t < toks; t++) {
                float *yt = (float *)((char *)y + (t0 + t) * y_stride);
                for (size_t i = 0; i < rows; i++)
                    yt[r + i] = bn_scalar_epilogue(acc[t][i], x->scale[t0 + t], w->scale);
            }
        }
    }
}
