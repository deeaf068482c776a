/* bn_tl1_gemv_1x64__avx512 - TL1 decode GEMV by table lookup (vpshufb), 64 rows per step.
 *
 * Contract: y[r] = ((float)isum_r / s) * ws for r in [r0, r1), one token.  Reads the TL1
 * tiled layout with layout_rows 64 (w->layout_rows must be 64, r0 a multiple of 64), any
 * K % 4 == 0, the token's tables x->lut (op LUT), x->scale[0].  Any r1 <= rows: the last
 * block is computed whole (its padding rows are in the buffer), only rows < r1 written.
 * No over-read: every load is a 64-byte byte column, 16 bytes of a table or a sum array.
 *
 * Algorithm (template kernels/tl1/tl1_x86.h, primitives kernels/common/tl_avx512.h): for
 * each block of 64 rows and index byte column c (64 bytes: pairs 2c and 2c+1 of 64 rows),
 * high and low nibbles (vpsrlw + vpand); per pair the table's low and high bytes are
 * broadcast to the four 128-bit lanes and looked up with two vpshufb, interleaved back to
 * int16 by vpunpckl/hbw (rows A = 16L+0..7 and B = 16L+8..15) and added with vpaddw.
 * Indices 9..15 hit table entries 0, so invalid data stays inert.  Every 64 pairs
 * (|sum| <= 64 * 256) the int16 sums are widened to int32 with vpmaddwd (1,0)/(0,1).
 * Epilogue: vcvtdq2ps, vdivps by s, vmulps by ws; rows un-permuted into y.
 *
 * Register budget (zmm): index 1, nibbles 2, int16 sums 2, broadcast tables 2, looked-up
 * bytes 2, entries 2 -> 11 of 32.  Per byte column (64 rows x 4 weights): 1 weight load,
 * 4 table broadcasts, 15 vector ops (docs/kernels-tl.md).
 */
#include "kernels/common/tl_avx512.h"
#include "kernels/tl1/tl1_x86.h"

bn_gemv_fn bn_tl1_gemv_1x64__avx512;

void bn_tl1_gemv_1x64__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                              float *restrict y)
{
    bn_tl1_matmul(w, r0, r1, 1, x, y, 0, 1);
}
