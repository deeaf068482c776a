/* bn_f32_gemm_4x8__scalar - portable f32 GEMM in the canonical order, 4 x 8 tile.
 *
 * Contract: c[i][j] = (sum over p in order of a[i][p] * b[p][j]) * scale for i < m,
 * j < n, exactly as ref/f32.c: the sum starts at +0, each product and addition rounded
 * separately (no FMA: the build uses -ffp-contract=off), bit-identical to every F32 GEMM
 * kernel.  Any m, n, k; byte strides; reads only the m x k and k x n elements, writes only
 * the m x n outputs.
 * Algorithm: a tile of 4 rows x 8 columns of accumulators; per p, 8 values of B's row p
 * are loaded once for 4 rows and each a[i][p] once for 8 columns.  Row and column tails
 * run the same loops with shorter bounds. */
#include "kernels/kernel.h"

bn_f32_gemm_fn bn_f32_gemm_4x8__scalar;

#define MR 4
#define NR 8

void bn_f32_gemm_4x8__scalar(size_t m, size_t n, size_t k, const float *restrict a, size_t a_stride,
                             const float *restrict b, size_t b_stride, float scale, float *restrict c,
                             size_t c_stride)
{
    for (size_t j0 = 0; j0 < n; j0 += NR) {
        const size_t cols = n - j0 < NR ? n - j0 : NR;
        for (size_t i0 = 0; i0 < m; i0 += MR) {
            const size_t rows = m - i0 < MR ? m - i0 : MR;
            float acc[MR][NR] = {{0}};
            const float *ai[MR];
            for (size_t i = 0; i < MR; i++)
                ai[i] = (const float *)((const char *)a + (i0 + (i < rows ? i : rows - 1)) * a_stride);
            for (size_t p = 0; p < k; p++) {
                const float *bp = (const float *)((const char *)b + p * b_stride) + j0;
                float bv[NR] = {0};
                for (size_t j = 0; j < cols; j++) bv[j] = bp[j];
                for (size_t i = 0; i < MR; i++) {
                    const float av = ai[i][p];
                    for (size_t j = 0; j < NR; j++) acc[i][j] = acc[i][j] + av * bv[j];
                }
            }
            for (size_t i = 0; i < rows; i++) {
                float *ci = (float *)((char *)c + (i0 + i) * c_stride) + j0;
                for (size_t j = 0; j < cols; j++) ci[j] = acc[i][j] * scale;
            }
        }
    }
}
