/* bn_f32_gemm_4x32__avx512 - f32 GEMM in the canonical order with AVX-512, 4 x 32 tile.
 *
 * Contract: c[i][j] = (sum over p in order of a[i][p] * b[p][j]) * scale for i < m,
 * j < n, exactly as ref/f32.c: the sum starts at +0, vmulps then vaddps (no FMA: the
 * canonical order rounds the product), bit-identical to every F32 GEMM kernel.  Any m, n,
 * k; byte strides; no over-read and no stray write: the last n % 32 columns use masked
 * loads and stores, which touch nothing past n.  A tail of 1..3 rows recomputes the last
 * valid row and drops the copies.
 * Algorithm: the outputs are independent, so the order vectorises along j: per p, one
 * broadcast of a[i][p] per row and two loads of b's row p (32 columns) feed 8 zmm
 * accumulators (4 rows x 2 vectors).  Column blocks are the outer loop so a k x 32 panel
 * of B stays in cache while every row block of A passes over it.
 * Registers: 8 accumulators + 2 B vectors + 1 broadcast. */
#include <immintrin.h>

#include "kernels/kernel.h"

bn_f32_gemm_fn bn_f32_gemm_4x32__avx512;

#define MR 4

static inline __mmask16 lanes(size_t count)
{
    return count >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << count) - 1);
}

/* acc + x * b, multiply and add rounded separately */
static inline __m512 muladd(__m512 acc, __m512 x, __m512 b)
{
    return _mm512_add_ps(acc, _mm512_mul_ps(x, b));
}

void bn_f32_gemm_4x32__avx512(size_t m, size_t n, size_t k, const float *restrict a, size_t a_stride,
                              const float *restrict b, size_t b_stride, float scale, float *restrict c,
                              size_t c_stride)
{
    BN_KASSERT(a && b && c);
    const __m512 sv = _mm512_set1_ps(scale);
    for (size_t j0 = 0; j0 < n; j0 += 32) {
        const size_t cols = n - j0 < 32 ? n - j0 : 32;
        const __mmask16 k0 = lanes(cols), k1 = lanes(cols > 16 ? cols - 16 : 0);
        for (size_t i0 = 0; i0 < m; i0 += MR) {
            const size_t rows = m - i0 < MR ? m - i0 : MR;
            const float *ar[MR];
            for (size_t i = 0; i < MR; i++)
                ar[i] = (const float *)((const char *)a + (i0 + (i < rows ? i : rows - 1)) * a_stride);
            const float *a0 = ar[0], *a1 = ar[1], *a2 = ar[2], *a3 = ar[3];
            __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
            __m512 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            const char *bp = (const char *)(b + j0);
            for (size_t p = 0; p < k; p++, bp += b_stride) {
                const __m512 b0 = _mm512_maskz_loadu_ps(k0, bp), b1 = _mm512_maskz_loadu_ps(k1, bp + 64);
                __m512 x = _mm512_set1_ps(a0[p]);
                c00 = muladd(c00, x, b0), c01 = muladd(c01, x, b1);
                x = _mm512_set1_ps(a1[p]);
                c10 = muladd(c10, x, b0), c11 = muladd(c11, x, b1);
                x = _mm512_set1_ps(a2[p]);
                c20 = muladd(c20, x, b0), c21 = muladd(c21, x, b1);
                x = _mm512_set1_ps(a3[p]);
                c30 = muladd(c30, x, b0), c31 = muladd(c31, x, b1);
            }
            const __m512 out[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
            for (size_t i = 0; i < rows; i++) {
                float *ci = (float *)((char *)c + (i0 + i) * c_stride) + j0;
                _mm512_mask_storeu_ps(ci, k0, _mm512_mul_ps(out[i][0], sv));
                _mm512_mask_storeu_ps(ci + 16, k1, _mm512_mul_ps(out[i][1], sv));
            }
        }
    }
}
