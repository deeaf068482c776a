/* bn_i2s_gemv_1x4__avx512 - I2_S decode GEMV with AVX-512 VNNI, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; canonical layout (K/4 bytes per row);
 * K % 128 == 0; any row count (a tail of 1..3 rows recomputes the last valid row and drops
 * the copies); unaligned buffers; no over-read: every load lies inside a row or inside the
 * K activations.
 * Algorithm (kernels/common/ternary_avx512.h): per 128-weight group, one 32-byte broadcast
 * load per row, two in-place masks and two vpdpbusd against two contiguous 64-byte
 * activation loads shared by the four rows; exact int32 sums, shifts undo the in-place
 * scaling, then isum - qsum and the epilogue ((float)isum / s) * ws on four rows at once.
 * Registers: 8 accumulators + 2 activations + 2 masks + 2 temporaries of 32 zmm. */
#include "kernels/common/ternary_avx512.h"
#include "ref/formats.h"

BN_T512_ATTR bn_gemv_fn bn_i2s_gemv_1x4__avx512;

void bn_i2s_gemv_1x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                             float *restrict y)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t512_gemv_1x4(w, bn_i2s_row_bytes(w->cols), r0, r1, x, y);
}
