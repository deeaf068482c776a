/* bn_tl2_gemv_1x32__avx2 - TL2 decode GEMV by table lookup (vpshufb), 32 rows per step.
 *
 * Contract: y[r] = ((float)isum_r / s) * ws for r in [r0, r1), one token.  Reads the TL2
 * tiled layout with layout_rows 64 (the same bytes as the AVX-512 kernel; w->layout_rows
 * must be 64, r0 a multiple of 64), any K % 2 == 0 (tail pairs R/2 in {0, 1, 2}), the
 * token's tables x->lut, x->scale[0].  Any r1: partial groups are computed whole (padding
 * rows are in the buffer) and only rows < r1 are written.  No over-read: every load is
 * 32 bytes inside a 64-byte byte column, 16 bytes of a table, or a 32-byte sum array.
 *
 * Algorithm (template kernels/tl2/tl2_x86.h, primitives kernels/common/tl_avx2.h): a
 * 64-row block is two groups of 32 rows (byte offsets 0 and 32 of each byte column).  Per
 * index byte column: nibbles (vpsrlw + vpand); per triple two vpshufb on the broadcast low
 * and high table bytes, vpunpckl/hbw back to int16 (A and B rows); the sign is applied by
 * vpsignw with the row's sign byte unpacked to (s << 8 | 1) lanes and shifted so the
 * triple's bit lands on bit 15 (the low 1 keeps the lane non-zero, so vpsignw never
 * zeroes); vpaddw into int16 sums, widened with vpmaddwd (1,0)/(0,1) every 64 triples
 * (|sum| <= 64 * 384 < 32767).  Epilogue vcvtdq2ps, vdivps, vmulps, rows un-permuted.
 *
 * Register budget (ymm): index 1, nibbles 2, sign lanes 2, shifted signs 2, int16 sums 2,
 * tables 2, looked-up bytes 2, entries 2 -> 15 of 16.
 */
#include "kernels/common/tl_avx2.h"
#include "kernels/tl2/tl2_x86.h"

bn_gemv_fn bn_tl2_gemv_1x32__avx2;

void bn_tl2_gemv_1x32__avx2(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                            float *restrict y)
{
    bn_tl2_matmul(w, r0, r1, 1, x, y, 0, 1);
}
