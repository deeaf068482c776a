/* bn_tl1_gemm_4x4__scalar - portable TL1 GEMM by table lookup: four rows x four tokens.
 *
 * Contract: y[t][r] for t < n, r in [r0, r1); any layout interleave; K % 4 == 0; x->lut
 * holds n tokens' tables at lut_stride; no over-read.
 * Algorithm: each weight byte (two indices) is read once per four tokens and used to look
 * up all four tokens' tables. */
#include "kernels/common/scalar_codes.h"
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_gemm_fn bn_tl1_gemm_4x4__scalar;

void bn_tl1_gemm_4x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                             const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    const size_t row_bytes = bn_tl1_row_bytes(w->cols), lr = w->layout_rows;
    const uint8_t *data = w->data;
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        for (size_t t0 = 0; t0 < n; t0 += 4) {
            size_t toks = n - t0 < 4 ? n - t0 : 4;
            int32_t acc[4][4] = {{0}};
            for (size_t b = 0; b < row_bytes; b++)
                for (size_t i = 0; i < rows; i++) {
                    uint8_t byte = data[bn_plane_offset(r + i, b, row_bytes, lr)];
                    for (size_t t = 0; t < toks; t++) {
                        const uint8_t *tab = x->lut + (t0 + t) * x->lut_stride + 2 * b * BN_LUT_TABLE_BYTES;
                        acc[t][i] +=
                            bn_tl_entry(tab, byte >> 4) + bn_tl_entry(tab + BN_LUT_TABLE_BYTES, byte & 15u);
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
