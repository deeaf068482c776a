/* bn_i2s_gemm_4x4__avx512 - I2_S GEMM with AVX-512 VNNI: four rows x four tokens per step.
 *
 * Contract: y[t][r] (row t at byte offset t * y_stride) for t < n, r in [r0, r1);
 * canonical layout; K % 128 == 0; any n and row count (tails repeat the last valid row or
 * token and drop the copies); unaligned buffers and strides; no over-read.
 * Algorithm (kernels/common/ternary_avx512.h): for a block of four rows, every tile of
 * four tokens runs over K with 16 zmm accumulators.  Per 128-weight group the codes of the
 * four rows are unpacked once into 8 zmm (broadcast load, one 16-bit shift, two masks,
 * no data movement across lanes) and reused by the four tokens: 32 vpdpbusd per 12 loads
 * and 12 mask/shift operations.  The four-row block (K bytes) stays in L1 while all token
 * tiles stream past it, so weights come from memory once per call.
 * Registers: 16 accumulators + 8 codes + 2 activations + 1 mask of 32 zmm. */
#include "kernels/common/ternary_avx512.h"
#include "ref/formats.h"

BN_T512_ATTR bn_gemm_fn bn_i2s_gemm_4x4__avx512;

void bn_i2s_gemm_4x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                             const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t512_gemm_4x4(w, bn_i2s_row_bytes(w->cols), r0, r1, n, x, y, y_stride);
}
