/* bn_qk256_unpack__scalar - QK256 layout -> canonical ternary int8 (w = code - 1).
 *
 * Contract: any K, layout_rows 1; padding is not read; code 3 gives +2.
 * Algorithm: walk the row's 128-weight groups, the last one possibly partial. */
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_unpack_fn bn_qk256_unpack__scalar;

void bn_qk256_unpack__scalar(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    BN_KASSERT(w->layout_rows == 1);
    const size_t k = w->cols, stride = bn_qk256_row_bytes(k);
    for (size_t r = 0; r < w->rows; r++) {
        const uint8_t *src = (const uint8_t *)w->data + r * stride;
        int8_t *dst = t + r * t_stride;
        for (size_t c = 0; c < k; c++) {
            unsigned shift = 6 - 2 * (unsigned)((c % BN_I2S_GROUP) / 32);
            dst[c] = (int8_t)((int)((src[(c / BN_I2S_GROUP) * 32 + c % 32] >> shift) & 3u) - 1);
        }
    }
}
