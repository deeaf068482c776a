/* bn_i2s_gemm_4x4__scalar - portable I2_S GEMM: four rows x four tokens per step.
 *
 * Contract: y[t][r] for t < n, r in [r0, r1); canonical layout; K % 128 == 0; any n and
 * row count; no over-read.
 * Algorithm: decode one 128-weight group of four rows into int8 codes once (512 bytes on
 * the stack), then reuse it for up to four tokens: the decode cost is paid once per
 * group instead of once per token. */
#include "kernels/common/scalar_codes.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_gemm_fn bn_i2s_gemm_4x4__scalar;

void bn_i2s_gemm_4x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                             const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r1 <= w->rows);
    const size_t k = w->cols, row_bytes = bn_i2s_row_bytes(k), groups = k / BN_I2S_GROUP;
    const uint8_t *data = w->data;
    int8_t codes[4][BN_I2S_GROUP];
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        for (size_t t0 = 0; t0 < n; t0 += 4) {
            size_t toks = n - t0 < 4 ? n - t0 : 4;
            int32_t acc[4][4] = {{0}};
            for (size_t g = 0; g < groups; g++) {
                for (size_t i = 0; i < rows; i++)
                    bn_scalar_group_decode(data + (r + i) * row_bytes + g * 32, codes[i]);
                for (size_t t = 0; t < toks; t++) {
                    const int8_t *q = x->q + (t0 + t) * x->q_stride + g * BN_I2S_GROUP;
                    for (size_t i = 0; i < rows; i++) {
                        int32_t s = 0;
                        for (size_t c = 0; c < BN_I2S_GROUP; c++) s += codes[i][c] * q[c];
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
