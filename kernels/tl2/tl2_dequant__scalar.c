/* bn_tl2_dequant__scalar - TL2 layout (any interleave) -> f32 weights * ws.
 *
 * Contract: K % 2 == 0; invalid indices read as zero weights.
 * Algorithm: a 32-entry table (sign, index) -> three scaled values, built once per call. */
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_dequant_fn bn_tl2_dequant__scalar;

void bn_tl2_dequant__scalar(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    const size_t k = w->cols, lr = w->layout_rows, G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    const uint8_t *index = w->data, *sign = index + bn_tl2_sign_plane(w->rows, k, lr);
    const uint8_t *tail = index + bn_tl2_tail_plane(w->rows, k, lr);
    float value[32][3];
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < 16; i++) {
            int8_t d[3];
            bn_tl2_digits(i > 13 ? 0 : (s ? -i : i), d);
            for (int j = 0; j < 3; j++) value[16 * s + i][j] = (float)d[j] * w->scale;
        }
    for (size_t r = 0; r < w->rows; r++) {
        float *row = (float *)((char *)out + r * out_stride);
        for (size_t g = 0; g < G; g++) {
            unsigned idx = bn_tl_nibble_get(index[bn_plane_offset(r, g / 2, ib, lr)], g);
            unsigned neg = (sign[bn_plane_offset(r, g / 8, sb, lr)] >> (g % 8)) & 1u;
            row[3 * g] = value[16 * neg + idx][0];
            row[3 * g + 1] = value[16 * neg + idx][1];
            row[3 * g + 2] = value[16 * neg + idx][2];
        }
        for (size_t i = 0; i < R / 2; i++) {
            unsigned idx = bn_tl_nibble_get(tail[bn_plane_offset(r, i / 2, tb, lr)], i);
            row[3 * G + 2 * i] = (float)bn_tl1_w0(idx) * w->scale;
            row[3 * G + 2 * i + 1] = (float)bn_tl1_w1(idx) * w->scale;
        }
    }
}
