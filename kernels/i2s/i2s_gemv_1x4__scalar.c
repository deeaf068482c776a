/* bn_i2s_gemv_1x4__scalar - portable I2_S decode GEMV, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; canonical layout; K % 128 == 0; any
 * row count (a tail of 1..3 rows runs through the same loop with fewer rows); no over-read.
 * Algorithm: per 128-weight group, sum code*q for four rows while the group's 128
 * activations stay in L1; isum = that sum - qsum (see kernels/common/scalar_codes.h). */
#include "kernels/common/scalar_codes.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_gemv_fn bn_i2s_gemv_1x4__scalar;

void bn_i2s_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                             float *restrict y)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r1 <= w->rows);
    const size_t k = w->cols, row_bytes = bn_i2s_row_bytes(k), groups = k / BN_I2S_GROUP;
    const uint8_t *data = w->data;
    const int8_t *q = x->q;
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        int32_t acc[4] = {0, 0, 0, 0};
        for (size_t g = 0; g < groups; g++)
            for (size_t i = 0; i < rows; i++)
                acc[i] += bn_scalar_group_dot(data + (r + i) * row_bytes + g * 32, q + g * BN_I2S_GROUP);
        for (size_t i = 0; i < rows; i++)
            y[r + i] = bn_scalar_epilogue(acc[i] - x->qsum[0], x->scale[0], w->scale);
    }
}
