/* bn_i2s_quant__scalar - f32 ternary*scale matrix -> I2_S canonical layout.
 *
 * Contract: K % 128 == 0; writes m*K/4 data bytes and the 32-byte tail (ws = max|w|).
 * Algorithm: one pass for the scale, then one output byte at a time: byte p of a group
 * gathers weights p, p+32, p+64, p+96 (MSB first), so each byte is built in a register
 * and stored once. */
#include <math.h>

#include "kernels/kernel.h"
#include "ref/formats.h"

bn_quant_fn bn_i2s_quant__scalar;

static inline unsigned code_of(float v) { return fabsf(v) < 1e-6f ? 1u : (v > 0.0f ? 2u : 0u); }

void bn_i2s_quant__scalar(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    BN_KASSERT(k % BN_I2S_GROUP == 0);
    float ws = 0.0f;
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) ws = fmaxf(ws, fabsf(row[c]));
    }
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        uint8_t *dst = out + r * bn_i2s_row_bytes(k);
        for (size_t g = 0; g < k / BN_I2S_GROUP; g++, row += BN_I2S_GROUP, dst += 32)
            for (size_t p = 0; p < 32; p++)
                dst[p] = (uint8_t)(code_of(row[p]) << 6 | code_of(row[32 + p]) << 4 |
                                   code_of(row[64 + p]) << 2 | code_of(row[96 + p]));
    }
    bn_tail_store(out + bn_i2s_data_bytes(m, k), ws);
}
