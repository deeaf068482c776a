/* bn_tl1_dequant__scalar - TL1 layout (any interleave) -> f32 weights * ws.
 *
 * Contract: K % 4 == 0; invalid indices read as (0, 0).
 * Algorithm: a 16-entry table of the pair values of each index, one byte at a time. */
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_dequant_fn bn_tl1_dequant__scalar;

void bn_tl1_dequant__scalar(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    float first[16], second[16];
    for (unsigned i = 0; i < 16; i++) {
        first[i] = (float)bn_tl1_w0(i) * w->scale;
        second[i] = (float)bn_tl1_w1(i) * w->scale;
    }
    const size_t row_bytes = bn_tl1_row_bytes(w->cols);
    const uint8_t *data = w->data;
    for (size_t r = 0; r < w->rows; r++) {
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t b = 0; b < row_bytes; b++) {
            uint8_t byte = data[bn_plane_offset(r, b, row_bytes, w->layout_rows)];
            dst[4 * b] = first[byte >> 4];
            dst[4 * b + 1] = second[byte >> 4];
            dst[4 * b + 2] = first[byte & 15u];
            dst[4 * b + 3] = second[byte & 15u];
        }
    }
}
