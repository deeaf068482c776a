/* bn_tl1_unpack__scalar - TL1 layout (any interleave) -> canonical ternary int8.
 *
 * Contract: K % 4 == 0; invalid indices 9..15 give the pair (0, 0), as in the reference.
 * Algorithm: one byte (two pairs) at a time through the index -> pair rules. */
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_unpack_fn bn_tl1_unpack__scalar;

void bn_tl1_unpack__scalar(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    const size_t row_bytes = bn_tl1_row_bytes(w->cols);
    const uint8_t *data = w->data;
    for (size_t r = 0; r < w->rows; r++) {
        int8_t *row = t + r * t_stride;
        for (size_t b = 0; b < row_bytes; b++) {
            uint8_t byte = data[bn_plane_offset(r, b, row_bytes, w->layout_rows)];
            unsigned hi = byte >> 4, lo = byte & 15u;
            row[4 * b] = (int8_t)bn_tl1_w0(hi);
            row[4 * b + 1] = (int8_t)bn_tl1_w1(hi);
            row[4 * b + 2] = (int8_t)bn_tl1_w0(lo);
            row[4 * b + 3] = (int8_t)bn_tl1_w1(lo);
        }
    }
}
