/* bn_tl2_gemm_4x64__avx512 - TL2 prefill GEMM by table lookup: 4 tokens x 64 rows per step.
 *
 * Contract: y[t * y_stride + r] for t < n, r in [r0, r1).  Reads the TL2 tiled layout with
 * layout_rows 64 (the GEMV's layout; r0 a multiple of 64), any K % 2 == 0, n tokens'
 * tables at x->lut + t * x->lut_stride and their scales.  Any n (the last pass takes 1..3
 * tokens) and any r1 (only rows < r1 written).  No over-read (loads as in the GEMV).
 *
 * Algorithm: the GEMV's (kernels/tl2/tl2_gemv_1x64__avx512.c, template tl2_x86.h) with the
 * weight work shared by 4 tokens: each index byte column is loaded and split into nibbles
 * once, each triple's sign masks (vptestmw) are computed once, and then used for the
 * vpshufb lookups, masked negations and vpaddw of all 4 tokens' tables.  The int32 sums
 * live in a 1 KiB stack array touched only when widening (every 64 triples).
 *
 * Register budget (zmm): int16 sums 4 x 2 = 8, index and nibbles 3, sign lanes 2, per
 * lookup tables 2 + bytes 2 + entries 2 -> 19 of 32; masks k1..k4.
 */
#include "kernels/common/tl_avx512.h"
#include "kernels/tl2/tl2_x86.h"

bn_gemm_fn bn_tl2_gemm_4x64__avx512;

void bn_tl2_gemm_4x64__avx512(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                              const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    bn_tl2_matmul(w, r0, r1, n, x, y, y_stride, 4);
}
