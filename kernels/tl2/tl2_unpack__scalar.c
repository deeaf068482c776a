/* bn_tl2_unpack__scalar - TL2 layout (any interleave) -> canonical ternary int8.
 *
 * Contract: K % 2 == 0; indices 14, 15 read as (0, 0, 0), TL1 tail indices > 8 as (0, 0).
 * Algorithm: a 32-entry table (sign, index) -> triple, built once per call. */
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_unpack_fn bn_tl2_unpack__scalar;

void bn_tl2_unpack__scalar(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    const size_t k = w->cols, lr = w->layout_rows, G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    const uint8_t *index = w->data, *sign = index + bn_tl2_sign_plane(w->rows, k, lr);
    const uint8_t *tail = index + bn_tl2_tail_plane(w->rows, k, lr);
    int8_t triple[32][3]; /* [sign * 16 + idx] */
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < 16; i++) bn_tl2_digits(i > 13 ? 0 : (s ? -i : i), triple[16 * s + i]);
    for (size_t r = 0; r < w->rows; r++) {
        int8_t *row = t + r * t_stride;
        for (size_t g = 0; g < G; g++) {
            unsigned idx = bn_tl_nibble_get(index[bn_plane_offset(r, g / 2, ib, lr)], g);
            unsigned neg = (sign[bn_plane_offset(r, g / 8, sb, lr)] >> (g % 8)) & 1u;
            const int8_t *v = triple[16 * neg + idx];
            row[3 * g] = v[0];
            row[3 * g + 1] = v[1];
            row[3 * g + 2] = v[2];
        }
        for (size_t i = 0; i < R / 2; i++) {
            unsigned idx = bn_tl_nibble_get(tail[bn_plane_offset(r, i / 2, tb, lr)], i);
            row[3 * G + 2 * i] = (int8_t)bn_tl1_w0(idx);
            row[3 * G + 2 * i + 1] = (int8_t)bn_tl1_w1(idx);
        }
    }
}
