/* bn_tl2_pack__scalar - canonical ternary int8 -> TL2 layout (any interleave) with tail.
 *
 * Contract: K % 2 == 0, layout_rows >= 1, values ternary.  Writes the index, sign and
 * tail planes (formats.h) and the scale tail; padding rows hold zero weights.
 * Algorithm: per row, build each index byte (two triples), each sign byte (eight
 * triples) and each tail byte (two pairs) in a register and store it once. */
#include <string.h>

#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_pack_fn bn_tl2_pack__scalar;

void bn_tl2_pack__scalar(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                         unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(k % 2 == 0 && layout_rows >= 1);
    const size_t lr = layout_rows, G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    uint8_t *index = out, *sign = out + bn_tl2_sign_plane(m, k, lr),
            *tail = out + bn_tl2_tail_plane(m, k, lr);
    if (bn_layout_rows_stored(m, lr) > m) { /* padding rows: zero weights */
        memset(out, 0, bn_tl2_tail_plane(m, k, lr));
        memset(tail, BN_TL1_BYTE_ZEROS, bn_tl2_data_bytes(m, k, lr) - bn_tl2_tail_plane(m, k, lr));
    }
    for (size_t r = 0; r < m; r++) {
        const int8_t *row = t + r * t_stride;
        for (size_t b = 0; b < ib; b++) {
            int v0 = bn_tl2_value(row[6 * b], row[6 * b + 1], row[6 * b + 2]);
            int v1 = bn_tl2_value(row[6 * b + 3], row[6 * b + 4], row[6 * b + 5]);
            index[bn_plane_offset(r, b, ib, lr)] = (uint8_t)((v0 < 0 ? -v0 : v0) << 4 | (v1 < 0 ? -v1 : v1));
        }
        for (size_t b = 0; b < sb; b++) {
            unsigned bits = 0;
            for (size_t g = 8 * b; g < 8 * b + 8 && g < G; g++)
                if (bn_tl2_value(row[3 * g], row[3 * g + 1], row[3 * g + 2]) < 0) bits |= 1u << (g % 8);
            sign[bn_plane_offset(r, b, sb, lr)] = (uint8_t)bits;
        }
        for (size_t b = 0; b < tb; b++) {
            const int8_t *p = row + 3 * G + 4 * b;
            unsigned hi = bn_tl1_index(p[0], p[1]);
            unsigned lo = (4 * b + 2 < R) ? bn_tl1_index(p[2], p[3]) : BN_TL1_IDX_ZERO;
            tail[bn_plane_offset(r, b, tb, lr)] = (uint8_t)(hi << 4 | lo);
        }
    }
    bn_tail_store(out + bn_tl2_data_bytes(m, k, lr), ws);
}
