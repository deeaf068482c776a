/* bn_i2s_dequant__scalar - I2_S canonical layout -> f32 (w = (code - 1) * ws).
 *
 * Contract: K % 128 == 0, layout_rows 1; writes rows x K floats at out_stride.
 * Algorithm: a 4-entry table of the values of the codes, one byte (four weights) at a
 * time. */
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_dequant_fn bn_i2s_dequant__scalar;

void bn_i2s_dequant__scalar(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1);
    const float value[4] = {-w->scale, 0.0f * w->scale, w->scale, 2.0f * w->scale};
    const size_t k = w->cols;
    const uint8_t *src = w->data;
    for (size_t r = 0; r < w->rows; r++) {
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t g = 0; g < k / BN_I2S_GROUP; g++, src += 32, dst += BN_I2S_GROUP)
            for (size_t p = 0; p < 32; p++) {
                unsigned b = src[p];
                dst[p] = value[b >> 6];
                dst[32 + p] = value[(b >> 4) & 3u];
                dst[64 + p] = value[(b >> 2) & 3u];
                dst[96 + p] = value[b & 3u];
            }
    }
}
