/* bn_f32_gemm_4x16__avx2 - f32 GEMM in the canonical order with AVX2, 4 x 16 tile.
 *
 * Contract: c[i][j] = (sum over p in order of a[i][p] * b[p][j]) * scale for i < m,
 * j < n, exactly as ref/f32.c: the sum starts at +0, vmulps then vaddps (no FMA: the
 * canonical order rounds the product), bit-identical to every F32 GEMM kernel.  Any m, n,
 * k; byte strides; no over-read and no stray write: a block of fewer than 16 columns uses
 * vmaskmovps, which neither reads nor faults on masked-off elements.  A tail of 1..3 rows
 * recomputes the last valid row and drops the copies.
 * Algorithm: per p, one broadcast of a[i][p] per row and two loads of b's row p (16
 * columns) feed 8 ymm accumulators (4 rows x 2 vectors).  Column blocks are the outer
 * loop so a k x 16 panel of B stays in cache while every row block of A passes over it.
 * Registers: 8 accumulators + 2 B vectors + 1 broadcast + masks. */
#include <immintrin.h>
#include <stdbool.h>

#include "kernels/kernel.h"

bn_f32_gemm_fn bn_f32_gemm_4x16__avx2;

#define MR 4

/* Lane i of the mask is set when i < count (count clamped to 0..8). */
static inline __m256i lanes(size_t count)
{
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
}

static inline __m256 muladd(__m256 acc, __m256 x, __m256 b)
{
    return _mm256_add_ps(acc, _mm256_mul_ps(x, b));
}

static inline __m256 load8(const char *p, bool full, __m256i mask)
{
    return full ? _mm256_loadu_ps((const float *)p) : _mm256_maskload_ps((const float *)p, mask);
}

void bn_f32_gemm_4x16__avx2(size_t m, size_t n, size_t k, const float *restrict a, size_t a_stride,
                            const float *restrict b, size_t b_stride, float scale, float *restrict c,
                            size_t c_stride)
{
    BN_KASSERT(a && b && c);
    const __m256 sv = _mm256_set1_ps(scale);
    for (size_t j0 = 0; j0 < n; j0 += 16) {
        const size_t cols = n - j0 < 16 ? n - j0 : 16;
        const bool full = cols == 16;
        const __m256i k0 = lanes(cols), k1 = lanes(cols > 8 ? cols - 8 : 0);
        for (size_t i0 = 0; i0 < m; i0 += MR) {
            const size_t rows = m - i0 < MR ? m - i0 : MR;
            const float *ar[MR];
            for (size_t i = 0; i < MR; i++)
                ar[i] = (const float *)((const char *)a + (i0 + (i < rows ? i : rows - 1)) * a_stride);
            const float *a0 = ar[0], *a1 = ar[1], *a2 = ar[2], *a3 = ar[3];
            __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00;
            __m256 c20 = c00, c21 = c00, c30 = c00, c31 = c00;
            const char *bp = (const char *)(b + j0);
            for (size_t p = 0; p < k; p++, bp += b_stride) {
                const __m256 b0 = load8(bp, full, k0), b1 = load8(bp + 32, full, k1);
                __m256 x = _mm256_set1_ps(a0[p]);
                c00 = muladd(c00, x, b0), c01 = muladd(c01, x, b1);
                x = _mm256_set1_ps(a1[p]);
                c10 = muladd(c10, x, b0), c11 = muladd(c11, x, b1);
                x = _mm256_set1_ps(a2[p]);
                c20 = muladd(c20, x, b0), c21 = muladd(c21, x, b1);
                x = _mm256_set1_ps(a3[p]);
                c30 = muladd(c30, x, b0), c31 = muladd(c31, x, b1);
            }
            const __m256 out[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
            for (size_t i = 0; i < rows; i++) {
                float *ci = (float *)((char *)c + (i0 + i) * c_stride) + j0;
                const __m256 lo = _mm256_mul_ps(out[i][0], sv), hi = _mm256_mul_ps(out[i][1], sv);
                if (full) {
                    _mm256_storeu_ps(ci, lo), _mm256_storeu_ps(ci + 8, hi);
                } else {
                    _mm256_maskstore_ps(ci, k0, lo), _mm256_maskstore_ps(ci + 8, k1, hi);
                }
            }
        }
    }
}
