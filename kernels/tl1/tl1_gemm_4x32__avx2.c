/* bn_tl1_gemm_4x32__avx2 - TL1 prefill GEMM by table lookup: 4 tokens x 32 rows per step.
 *
 * Contract: y[t * y_stride + r] for t < n, r in [r0, r1).  Reads the TL1 tiled layout with
 * layout_rows 64 (the GEMV's layout; r0 a multiple of 64), any K % 4 == 0, n tokens'
 * tables at x->lut + t * x->lut_stride and their scales.  Any n (the last pass takes 1..3
 * tokens) and any r1 (only rows < r1 written).  No over-read (loads as in the GEMV).
 *
 * Algorithm: the AVX2 GEMV's (kernels/tl1/tl1_gemv_1x32__avx2.c, template tl1_x86.h) with
 * the weight work shared by 4 tokens: each 32-byte half column of indices is loaded and
 * split into nibbles once and drives the vpshufb lookups and vpaddw of all 4 tokens.
 * int32 sums in a 512-byte stack array, touched only when widening (every 64 pairs).
 *
 * Register budget (ymm): int16 sums 4 x 2 = 8, nibbles 2, per lookup tables 2 and bytes
 * 2 -> 14 of 16.
 */
#include "kernels/common/tl_avx2.h"
#include "kernels/tl1/tl1_x86.h"

bn_gemm_fn bn_tl1_gemm_4x32__avx2;

void bn_tl1_gemm_4x32__avx2(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                            const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    bn_tl1_matmul(w, r0, r1, n, x, y, y_stride, 4);
}
