/* bn_tl1_pack__scalar - canonical ternary int8 -> TL1 layout (any interleave) with tail.
 *
 * Contract: K % 4 == 0, layout_rows >= 1, values ternary; padding rows hold (0, 0) pairs.
 * Algorithm: one output byte per two pairs, placed by bn_plane_offset (formats.h). */
#include <string.h>

#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_pack_fn bn_tl1_pack__scalar;

void bn_tl1_pack__scalar(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                         unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(k % 4 == 0 && layout_rows >= 1);
    const size_t row_bytes = bn_tl1_row_bytes(k), data = bn_tl1_data_bytes(m, k, layout_rows);
    if (bn_layout_rows_stored(m, layout_rows) > m) memset(out, BN_TL1_BYTE_ZEROS, data);
    for (size_t r = 0; r < m; r++) {
        const int8_t *row = t + r * t_stride;
        for (size_t b = 0; b < row_bytes; b++) {
            unsigned hi = bn_tl1_index(row[4 * b], row[4 * b + 1]);
            unsigned lo = bn_tl1_index(row[4 * b + 2], row[4 * b + 3]);
            out[bn_plane_offset(r, b, row_bytes, layout_rows)] = (uint8_t)(hi << 4 | lo);
        }
    }
    bn_tail_store(out + data, ws);
}
