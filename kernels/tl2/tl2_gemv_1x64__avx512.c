/* bn_tl2_gemv_1x64__avx512 - TL2 decode GEMV by table lookup (vpshufb), 64 rows per step.
 *
 * Contract: y[r] = ((float)isum_r / s) * ws for r in [r0, r1), one token.  Reads the TL2
 * tiled layout with layout_rows 64 (w->layout_rows must be 64, r0 a multiple of 64), any
 * K % 2 == 0 (G = 2*floor(K/6) triples, tail pairs R/2 in {0, 1, 2}), the token's tables
 * x->lut (op LUT), x->scale[0].  Any r1 <= rows: the last block is computed whole (its
 * padding rows are in the buffer) and only rows < r1 are written.  No over-read: every
 * load is a 64-byte byte column of a block, 16 bytes of a table, or a 64-byte sum array.
 *
 * Algorithm (template kernels/tl2/tl2_x86.h, primitives kernels/common/tl_avx512.h):
 * for each block of 64 rows, for each index byte column (64 bytes = triples 2c, 2c+1 of
 * 64 rows): high and low nibbles (vpsrlw + vpand); per triple the table's low and high
 * bytes are broadcast to the four lanes and looked up with two vpshufb; vpunpckl/hbw
 * interleave them back to int16 entries of rows A (16L+0..7) and B (16L+8..15); the sign
 * bit of each row (vptestmw on the sign bytes unpacked to 16-bit lanes, once per 8
 * triples) drives a masked 0 - entry; vpaddw into one int16 sum per A/B.  Every 64 triples
 * (|sum| <= 64 * 384 < 32767) the sums are widened with vpmaddwd (1,0)/(0,1) into int32.
 * Epilogue: vcvtdq2ps, vdivps by s, vmulps by ws, then rows un-permuted into y.
 *
 * Register budget (zmm): index 1, nibbles 2, sign lanes 2, int16 sums 2, broadcast tables
 * 2, looked-up bytes 2, entries 2 -> 13 of 32; masks k1..k4.  Per 8 triples x 64 rows:
 * 4 + 1 loads of weights, 16 table broadcasts, 94 vector ops (docs/kernels-tl.md).
 */
#include "kernels/common/tl_avx512.h"
#include "kernels/tl2/tl2_x86.h"

bn_gemv_fn bn_tl2_gemv_1x64__avx512;

void bn_tl2_gemv_1x64__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                              float *restrict y)
{
    bn_tl2_matmul(w, r0, r1, 1, x, y, 0, 1);
}
