/* bn_qk256_quant__scalar - f32 ternary*scale matrix -> QK256 layout with tail.
 *
 * Contract: any K; writes m * ceil(K/256)*64 data bytes (padding = code 1) and the tail.
 * Algorithm: per 128-weight group, byte p gathers weights p, p+32, p+64, p+96 (MSB
 * first); weights past K are code 1. */
#include <math.h>
#include <string.h>

#include "kernels/kernel.h"
#include "ref/formats.h"

bn_quant_fn bn_qk256_quant__scalar;

static inline unsigned code_at(const float *row, size_t c, size_t k)
{
    if (c >= k) return BN_CODE_ZERO;
    float v = row[c];
    return fabsf(v) < 1e-6f ? 1u : (v > 0.0f ? 2u : 0u);
}

void bn_qk256_quant__scalar(size_t m, size_t k, const float *restrict w, size_t w_stride,
                            uint8_t *restrict out)
{
    const size_t stride = bn_qk256_row_bytes(k);
    float ws = 0.0f;
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) ws = fmaxf(ws, fabsf(row[c]));
    }
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        uint8_t *dst = out + r * stride;
        for (size_t g = 0; g < stride / 32; g++)
            for (size_t p = 0; p < 32; p++) {
                size_t c = g * BN_I2S_GROUP + p;
                dst[g * 32 + p] = (uint8_t)(code_at(row, c, k) << 6 | code_at(row, c + 32, k) << 4 |
                                            code_at(row, c + 64, k) << 2 | code_at(row, c + 96, k));
            }
    }
    bn_tail_store(out + bn_qk256_data_bytes(m, k), ws);
}
