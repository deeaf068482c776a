/* bn_tl2_gemv_1x4__scalar - portable TL2 GEMV by table lookup, four rows per step.
 *
 * Contract: y[r] for r in [r0, r1); any layout interleave; K % 2 == 0; x->lut holds the
 * token's TL2 tables; no over-read.
 * Algorithm: per triple, the row's index nibble selects an entry of the triple's table,
 * the sign bit negates it; the tail pairs add TL1 entries.  int32 accumulation. */
#include "kernels/common/scalar_codes.h"
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_gemv_fn bn_tl2_gemv_1x4__scalar;

void bn_tl2_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                             float *restrict y)
{
    const size_t k = w->cols, lr = w->layout_rows, G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    const uint8_t *index = w->data, *sign = index + bn_tl2_sign_plane(w->rows, k, lr);
    const uint8_t *tail = index + bn_tl2_tail_plane(w->rows, k, lr), *lut = x->lut;
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        int32_t acc[4] = {0, 0, 0, 0};
        for (size_t i = 0; i < rows; i++) {
            for (size_t g = 0; g < G; g++) {
                unsigned idx = bn_tl_nibble_get(index[bn_plane_offset(r + i, g / 2, ib, lr)], g);
                unsigned neg = (sign[bn_plane_offset(r + i, g / 8, sb, lr)] >> (g % 8)) & 1u;
                int32_t v = bn_tl_entry(lut + g * BN_LUT_TABLE_BYTES, idx);
                acc[i] += neg ? -v : v;
            }
            for (size_t j = 0; j < R / 2; j++) {
                unsigned idx = bn_tl_nibble_get(tail[bn_plane_offset(r + i, j / 2, tb, lr)], j);
                acc[i] += bn_tl_entry(lut + (G + j) * BN_LUT_TABLE_BYTES, idx);
            }
        }
        for (size_t i = 0; i < rows; i++) y[r + i] = bn_scalar_epilogue(acc[i], x->scale[0], w->scale);
    }
}
