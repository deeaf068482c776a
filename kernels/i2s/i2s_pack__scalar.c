/* bn_i2s_pack__scalar - canonical ternary int8 (-1, 0, +1) -> I2_S layout with tail.
 *
 * Contract: K % 128 == 0, layout_rows 1 (I2_S has one layout); values must be ternary.
 * Algorithm: code = w + 1; byte p of a group gathers weights p, p+32, p+64, p+96. */
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_pack_fn bn_i2s_pack__scalar;

void bn_i2s_pack__scalar(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                         unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(k % BN_I2S_GROUP == 0 && layout_rows == 1);
    (void)layout_rows;
    for (size_t r = 0; r < m; r++) {
        const int8_t *row = t + r * t_stride;
        uint8_t *dst = out + r * bn_i2s_row_bytes(k);
        for (size_t g = 0; g < k / BN_I2S_GROUP; g++, row += BN_I2S_GROUP, dst += 32)
            for (size_t p = 0; p < 32; p++)
                dst[p] = (uint8_t)((unsigned)(row[p] + 1) << 6 | (unsigned)(row[32 + p] + 1) << 4 |
                                   (unsigned)(row[64 + p] + 1) << 2 | (unsigned)(row[96 + p] + 1));
    }
    bn_tail_store(out + bn_i2s_data_bytes(m, k), ws);
}
