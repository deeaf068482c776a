/* bn_qk256_pack__scalar - canonical ternary int8 -> QK256 layout with tail.
 *
 * Contract: any K, layout_rows 1; padding of the last block is written as code 1.
 * Algorithm: code = w + 1, gathered four to a byte as in I2_S groups. */
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_pack_fn bn_qk256_pack__scalar;

static inline unsigned code_at(const int8_t *row, size_t c, size_t k)
{
    return c < k ? (unsigned)(row[c] + 1) : BN_CODE_ZERO;
}

void bn_qk256_pack__scalar(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                           unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(layout_rows == 1);
    (void)layout_rows;
    const size_t stride = bn_qk256_row_bytes(k);
    for (size_t r = 0; r < m; r++) {
        const int8_t *row = t + r * t_stride;
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
