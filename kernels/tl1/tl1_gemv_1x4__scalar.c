/* bn_tl1_gemv_1x4__scalar - portable TL1 GEMV by table lookup, four rows per step.
 *
 * Contract: y[r] for r in [r0, r1); any layout interleave (layout_rows 0 in the registry);
 * K % 4 == 0; x->lut holds the token's TL1 tables; no over-read.
 * Algorithm: for each byte column (two pairs), look up both pairs' entries for four rows;
 * the int16 entries are summed in int32, so no overflow for any K. */
#include "kernels/common/scalar_codes.h"
#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_gemv_fn bn_tl1_gemv_1x4__scalar;

void bn_tl1_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                             float *restrict y)
{
    const size_t row_bytes = bn_tl1_row_bytes(w->cols), lr = w->layout_rows;
    const uint8_t *data = w->data, *lut = x->lut;
    for (size_t r = r0; r < r1; r += 4) {
        size_t rows = r1 - r < 4 ? r1 - r : 4;
        int32_t acc[4] = {0, 0, 0, 0};
        for (size_t b = 0; b < row_bytes; b++) {
            const uint8_t *t0 = lut + 2 * b * BN_LUT_TABLE_BYTES, *t1 = t0 + BN_LUT_TABLE_BYTES;
            for (size_t i = 0; i < rows; i++) {
                uint8_t byte = data[bn_plane_offset(r + i, b, row_bytes, lr)];
                acc[i] += bn_tl_entry(t0, byte >> 4) + bn_tl_entry(t1, byte & 15u);
            }
        }
        for (size_t i = 0; i < rows; i++) y[r + i] = bn_scalar_epilogue(acc[i], x->scale[0], w->scale);
    }
}
