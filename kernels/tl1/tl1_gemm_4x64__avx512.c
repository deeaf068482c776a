/* bn_tl1_gemm_4x64__avx512 - TL1 prefill GEMM by table lookup: 4 tokens x 64 rows per step.
 *
 * Contract: y[t * y_stride + r] for t < n, r in [r0, r1).  Reads the TL1 tiled layout with
 * layout_rows 64 (the GEMV's layout; r0 a multiple of 64), any K % 4 == 0, n tokens'
 * tables at x->lut + t * x->lut_stride and their scales.  Any n (the last pass takes 1..3
 * tokens) and any r1 (only rows < r1 written).  No over-read (loads as in the GEMV).
 *
 * Algorithm: the GEMV's (kernels/tl1/tl1_gemv_1x64__avx512.c, template tl1_x86.h) with the
 * weight work shared by 4 tokens: each index byte column is loaded and split into nibbles
 * once and drives the vpshufb lookups and vpaddw of all 4 tokens' tables.  int32 sums in
 * a 1 KiB stack array, touched only when widening (every 64 pairs).
 *
 * Register budget (zmm): int16 sums 4 x 2 = 8, index and nibbles 3, per lookup tables 2,
 * bytes 2, entries 2 -> 17 of 32.
 */
#include "kernels/common/tl_avx512.h"
#include "kernels/tl1/tl1_x86.h"

bn_gemm_fn bn_tl1_gemm_4x64__avx512;

void bn_tl1_gemm_4x64__avx512(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                              const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    bn_tl1_matmul(w, r0, r1, n, x, y, y_stride, 4);
}
