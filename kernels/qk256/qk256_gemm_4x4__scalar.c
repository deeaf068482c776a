/* bn_qk256_gemm_4x4__scalar - portable QK256 GEMM: four rows x four tokens per step.
 *
 * Contract: y[t][r] for t < n, r in [r0, r1); any K (padding never read, nor activations
 * past K); any n and row count; no over-read.
 * Algorithm: as bn_i2s_gemm_4x4__scalar over the row's 128-weight groups (two per block);
 * the last group may hold fewer than 128 weights, and only those are multiplied. */
#include "kernels/common/scalar_codes.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_gemm_fn bn_qk256_gemm_4x4__scalar;

void bn_qk256_gemm_4x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                               const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->layout_rows == 1 && r1 <= w->rows);
    const size_t k = w->cols, stride = bn_qk256_row_bytes(k);
    const size_t groups = bn_div_up(k, BN_I2S_GROUP);
    const uint8_t *data = w->data;
    int8_t codes[4][BN_I2S_GROUP];
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        for (size_t t0 = 0; t0 < n; t0 += 4) {
            size_t toks = n - t0 < 4 ? n - t0 : 4;
            int32_t acc[4][4] = {{0}};
            for (size_t g = 0; g < groups; g++) {
                size_t len = g + 1 < groups ? BN_I2S_GROUP : k - g * BN_I2S_GROUP;
                for (size_t i = 0; i < rows; i++)
                    bn_scalar_group_decode(data + (r + i) * stride + g * 32, codes[i]);
                for (size_t t = 0; t < toks; t++) {
                    const int8_t *q = x->q + (t0 + t) * x->q_stride + g * BN_I2S_GROUP;
                    for (size_t i = 0; i < rows; i++) {
                        int32_t s = 0;
                        for (size_t c = 0; c < len; c++) s += codes[i][c] * q[c];
                        acc[t][i] += s;
                    }
                }
            }
            for (size_t t = 0; t < toks; t++) {
                float *yt = (float *)((char *)y + (t0 + t) * y_stride);
                for (size_t i = 0; i < rows; i++)
                    yt[r + i] = bn_scalar_epilogue(acc[t][i] - x->qsum[t0 + t], x->scale[t0 + t], w->scale);
            }
        }
    }
}
