/* bn_tl1_gemv_1x32__avx2 - TL1 decode GEMV by table lookup (vpshufb), 32 rows per step.
 *
 * Contract: y[r] = ((float)isum_r / s) * ws for r in [r0, r1), one token.  Reads the TL1
 * tiled layout with layout_rows 64 (the same bytes as the AVX-512 kernel; w->layout_rows
 * must be 64, r0 a multiple of 64), any K % 4 == 0, the token's tables x->lut and
 * x->scale[0].  Any r1: partial groups are computed whole (padding rows are in the buffer)
 * and only rows < r1 are written.  No over-read: loads are 32 bytes inside a 64-byte byte
 * column, 16 bytes of a table, or a 32-byte sum array.
 *
 * Algorithm (template kernels/tl1/tl1_x86.h, primitives kernels/common/tl_avx2.h): a
 * 64-row block is two groups of 32 rows (offsets 0 and 32 of each byte column).  Per byte
 * column: nibbles (vpsrlw + vpand); per pair two vpshufb on the broadcast low and high
 * table bytes, vpunpckl/hbw back to int16 (A and B rows), vpaddw; widened to int32 with
 * vpmaddwd (1,0)/(0,1) every 64 pairs (|sum| <= 64 * 256).  Indices 9..15 read entries 0.
 * Epilogue vcvtdq2ps, vdivps, vmulps; rows un-permuted into y.
 *
 * Register budget (ymm): index 1, nibbles 2, int16 sums 2, tables 2, looked-up bytes 2,
 * entries 2 -> 11 of 16.
 */
#include "kernels/common/tl_avx2.h"
#include "kernels/tl1/tl1_x86.h"

bn_gemv_fn bn_tl1_gemv_1x32__avx2;

void bn_tl1_gemv_1x32__avx2(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                            float *restrict y)
{
    bn_tl1_matmul(w, r0, r1, 1, x, y, 0, 1);
}
