/* bn_f16_gemv_1x4__scalar - portable F16 output-head GEMV, four rows per step.
 *
 * Contract: y[r] = sum_k f32(w[r][k]) * x[k] for r in [r0, r1); rows of K halves, no
 * tail; any K and row count; error bound 1 (ref/f16.c): each row is one f32 recursive
 * sum of products rounded to f32.
 * Algorithm: exact half -> float conversion by bit manipulation (subnormals through one
 * exact multiply), four rows share each x[k] load. */
#include "kernels/common/half.h"
#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__scalar;

void bn_f16_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                             float *restrict y)
{
    const size_t k = w->cols;
    const uint16_t *data = w->data;
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
        for (size_t c = 0; c < k; c++)
            for (size_t i = 0; i < rows; i++) acc[i] += bn_half_to_float(data[(r + i) * k + c]) * x[c];
        for (size_t i = 0; i < rows; i++) y[r + i] = acc[i];
    }
}
