/* bn_qk256_gemv_1x4__scalar - portable QK256 decode GEMV, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; any K (the padding of the last block
 * is never read, nor activations past K); any row count; no over-read.
 * Algorithm: a QK256 row is a run of 128-weight I2_S groups of 32 bytes (two per block),
 * so the I2_S group dot applies; only the last group may be partial. */
#include "kernels/common/scalar_codes.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_gemv_fn bn_qk256_gemv_1x4__scalar;

void bn_qk256_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                               float *restrict y)
{
    BN_KASSERT(w->layout_rows == 1 && r1 <= w->rows);
    const size_t k = w->cols, stride = bn_qk256_row_bytes(k);
    const size_t full = k / BN_I2S_GROUP, rest = k % BN_I2S_GROUP;
    const uint8_t *data = w->data;
    const int8_t *q = x->q;
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        int32_t acc[4] = {0, 0, 0, 0};
        for (size_t g = 0; g < full; g++)
            for (size_t i = 0; i < rows; i++)
                acc[i] += bn_scalar_group_dot(data + (r + i) * stride + g * 32, q + g * BN_I2S_GROUP);
        if (rest)
            for (size_t i = 0; i < rows; i++)
                acc[i] += bn_scalar_group_dot_partial(data + (r + i) * stride + full * 32,
                                                      q + full * BN_I2S_GROUP, rest);
        for (size_t i = 0; i < rows; i++)
            y[r + i] = bn_scalar_epilogue(acc[i] - x->qsum[0], x->scale[0], w->scale);
    }
}
