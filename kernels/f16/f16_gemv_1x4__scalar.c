/* bn_f16_gemv_1x4__scalar - portable F16 output-head GEMV, four rows per step.
 *
 * Contract: y[r] for r in [r0, r1) in the canonical order of ref/f16.c (sixteen partial
 * sums, k % 16, f32 multiply then add, fixed tree): bit-identical to every other F16
 * kernel; rows of K halves, no tail; any K and row count; no over-read.
 * Algorithm: exact half -> float conversion by bit manipulation; four rows share each
 * x[k]; sixteen accumulators per row in an array the compiler keeps in registers. */
#include "kernels/common/half.h"
#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__scalar;

static inline float tree16(const float *acc)
{
    float t[8], u[4];
    for (int j = 0; j < 8; j++) t[j] = acc[j] + acc[j + 8];
    for (int j = 0; j < 4; j++) u[j] = t[j] + t[j + 4];
    return (u[0] + u[2]) + (u[1] + u[3]);
}

void bn_f16_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                             float *restrict y)
{
    const size_t k = w->cols;
    const uint16_t *data = w->data;
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        float acc[4][16] = {{0}};
        for (size_t c = 0; c < k; c++)
            for (size_t i = 0; i < rows; i++) {
                float p = bn_half_to_float(data[(r + i) * k + c]) * x[c];
                acc[i][c % 16] = acc[i][c % 16] + p;
            }
        for (size_t i = 0; i < rows; i++) y[r + i] = tree16(acc[i]);
    }
}
