/* bn_qk256_dequant__scalar - QK256 layout -> f32 (w = (code - 1) * ws).
 *
 * Contract: any K, layout_rows 1; padding is not read.
 * Algorithm: a 4-entry table of code values, weight by weight. */
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_dequant_fn bn_qk256_dequant__scalar;

void bn_qk256_dequant__scalar(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    BN_KASSERT(w->layout_rows == 1);
    const float value[4] = {-w->scale, 0.0f * w->scale, w->scale, 2.0f * w->scale};
    const size_t k = w->cols, stride = bn_qk256_row_bytes(k);
    for (size_t r = 0; r < w->rows; r++) {
        const uint8_t *src = (const uint8_t *)w->data + r * stride;
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t c = 0; c < k; c++) {
            unsigned shift = 6 - 2 * (unsigned)((c % BN_I2S_GROUP) / 32);
            dst[c] = value[(src[(c / BN_I2S_GROUP) * 32 + c % 32] >> shift) & 3u];
        }
    }
}
