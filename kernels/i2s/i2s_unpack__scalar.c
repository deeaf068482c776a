/* bn_i2s_unpack__scalar - I2_S layout -> canonical ternary int8 (w = code - 1).
 *
 * Contract: K % 128 == 0, layout_rows 1; code 3 gives +2 as in the reference.
 * Algorithm: decode a group's 32 bytes into 128 codes, subtract 1. */
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_unpack_fn bn_i2s_unpack__scalar;

void bn_i2s_unpack__scalar(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1);
    const size_t k = w->cols;
    const uint8_t *src = w->data;
    for (size_t r = 0; r < w->rows; r++) {
        int8_t *dst = t + r * t_stride;
        for (size_t g = 0; g < k / BN_I2S_GROUP; g++, src += 32, dst += BN_I2S_GROUP)
            for (size_t p = 0; p < 32; p++) {
                unsigned b = src[p];
                dst[p] = (int8_t)((int)(b >> 6) - 1);
                dst[32 + p] = (int8_t)((int)((b >> 4) & 3u) - 1);
                dst[64 + p] = (int8_t)((int)((b >> 2) & 3u) - 1);
                dst[96 + p] = (int8_t)((int)(b & 3u) - 1);
            }
    }
}
