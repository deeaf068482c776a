/* bn_f32_gemm_4x16__neon - f32 GEMM in the canonical order on NEON, 4 x 16 tile.
 *
 * Contract: c[i][j] = (sum over p in order of a[i][p] * b[p][j]) * scale for i < m,
 * j < n, exactly as ref/f32.c: the sum starts at +0, fmul then fadd (never fmla: the
 * canonical order rounds the product), bit-identical to every F32 GEMM kernel.  Any m, n,
 * k; byte strides; no over-read and no stray write: a block of fewer than 16 columns
 * copies the valid part of each B row into a zeroed stack block and stores through one.
 * A tail of 1..3 rows recomputes the last valid row and drops the copies.
 * Algorithm: per p, four q registers of b's row p (16 columns) are multiplied by a[i][p]
 * (fmul by element) for four rows into 16 accumulators.  Column blocks are the outer loop
 * so a k x 16 panel of B stays in cache while every row block of A passes over it.
 * Registers: 16 accumulators + 4 B vectors + temporaries, within 32. */
#include <arm_neon.h>
#include <stdbool.h>
#include <string.h>

#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"

bn_f32_gemm_fn bn_f32_gemm_4x16__neon;

#define MR 4

void bn_f32_gemm_4x16__neon(size_t m, size_t n, size_t k, const float *restrict a, size_t a_stride,
                            const float *restrict b, size_t b_stride, float scale, float *restrict c,
                            size_t c_stride)
{
    BN_KASSERT(a && b && c);
    for (size_t j0 = 0; j0 < n; j0 += 16) {
        const size_t cols = n - j0 < 16 ? n - j0 : 16;
        const bool full = cols == 16;
        float bt[16] = {0}; /* a partial block of B's row, zero-padded */
        for (size_t i0 = 0; i0 < m; i0 += MR) {
            const size_t rows = m - i0 < MR ? m - i0 : MR;
            const float *ar[MR];
            float32x4_t acc[MR][4];
            BN_UNROLL
            for (size_t i = 0; i < MR; i++) {
                ar[i] = (const float *)((const char *)a + (i0 + (i < rows ? i : rows - 1)) * a_stride);
                acc[i][0] = acc[i][1] = acc[i][2] = acc[i][3] = vdupq_n_f32(0.0f);
            }
            const char *bp = (const char *)(b + j0);
            for (size_t p = 0; p < k; p++, bp += b_stride) {
                const float *bv = (const float *)bp;
                if (!full) bv = memcpy(bt, bp, cols * sizeof(float));
                const float32x4_t b0 = vld1q_f32(bv), b1 = vld1q_f32(bv + 4), b2 = vld1q_f32(bv + 8),
                                  b3 = vld1q_f32(bv + 12);
                BN_UNROLL
                for (size_t i = 0; i < MR; i++) {
                    const float x = ar[i][p];
                    acc[i][0] = vaddq_f32(acc[i][0], vmulq_n_f32(b0, x));
                    acc[i][1] = vaddq_f32(acc[i][1], vmulq_n_f32(b1, x));
                    acc[i][2] = vaddq_f32(acc[i][2], vmulq_n_f32(b2, x));
                    acc[i][3] = vaddq_f32(acc[i][3], vmulq_n_f32(b3, x));
                }
            }
            for (size_t i = 0; i < rows; i++) {
                float *ci = (float *)((char *)c + (i0 + i) * c_stride) + j0;
                float out[16];
                float *dst = full ? ci : out;
                BN_UNROLL
                for (size_t q = 0; q < 4; q++) vst1q_f32(dst + 4 * q, vmulq_n_f32(acc[i][q], scale));
                if (!full) memcpy(ci, out, cols * sizeof(float));
            }
        }
    }
}
