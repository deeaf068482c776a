/* bn_qk256_gemm_4x4__avx512 - QK256 GEMM with AVX-512 VNNI: four rows x four tokens per step.
 *
 * Contract: y[t][r] (row t at byte offset t * y_stride) for t < n, r in [r0, r1);
 * canonical layout; any K >= 1 (the last, partial 128-weight group loads its activations
 * with a byte mask, so padding codes never count and nothing past K is read); any n and
 * row count (tails repeat the last valid row or token and drop the copies); unaligned
 * buffers and strides; no over-read.
 * Algorithm: the I2_S core with the QK256 row stride (kernels/common/ternary_avx512.h):
 * codes of four rows unpacked once per group into 8 zmm and reused by four tokens,
 * 16 zmm accumulators, exact int32, epilogue on four rows at once.
 * Registers: 16 accumulators + 8 codes + 2 activations + 1 mask of 32 zmm. */
#include "kernels/common/ternary_avx512.h"
#include "ref/formats.h"

BN_T512_ATTR bn_gemm_fn bn_qk256_gemm_4x4__avx512;

void bn_qk256_gemm_4x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                               const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols >= 1 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t512_gemm_4x4(w, bn_qk256_row_bytes(w->cols), r0, r1, n, x, y, y_stride);
}
