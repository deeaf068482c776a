/* bn_i2s_gemv_1x4__avx2 - I2_S decode GEMV with AVX2, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; canonical layout (K/4 bytes per row);
 * K % 128 == 0; any row count (a tail of 1..3 rows recomputes the last valid row and drops
 * the copies); unaligned buffers; no over-read: every load lies inside a row or inside the
 * K activations.
 * Algorithm (kernels/common/ternary_avx2.h): per 128-weight group and row, one 32-byte
 * load, three 16-bit shifts and four masks give the codes of four 32-weight slots;
 * vpmaddubsw against the group's activations gives int16 pair sums (<= 3072 per group, no
 * saturation), added in int16 over 8 groups and widened by vpmaddwd into int32; then
 * isum - qsum and the epilogue ((float)isum / s) * ws on four rows at once.
 * Registers: 4 int16 + 4 int32 accumulators, 1 mask, codes and products of one row. */
#include "kernels/common/ternary_avx2.h"
#include "ref/formats.h"

bn_gemv_fn bn_i2s_gemv_1x4__avx2;

void bn_i2s_gemv_1x4__avx2(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                           float *restrict y)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t256_gemv_1x4(w, bn_i2s_row_bytes(w->cols), r0, r1, x, y);
}
