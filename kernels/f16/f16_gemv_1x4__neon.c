/* bn_f16_gemv_1x4__neon - F16 output-head GEMV on NEON: fcvtl to f32 and fmla, four rows per pass.
 *
 * Contract: y[r] = sum_k f32(w[r][k]) * x[k] for r in [r0, r1); rows of K halves, no tail
 * bytes; any K and row count; reads exactly the rows' halves and K floats of x.  Error
 * bound e = 2 (ref/f16.c): |y - ref| <= 2 * (K + 1) * 2^-24 * sum_k |w[r][k] * x[k]|.
 *
 * Algorithm: per 8 columns, the two x vectors are loaded once for four rows; each row's
 * 8 halves are loaded once, widened exactly by fcvtl / fcvtl2 and multiplied into two
 * f32x4 accumulators by fmla (fused: the product is never rounded on its own).  The last
 * K % 8 columns go through zeroed 8-element stack blocks (x once per call, w per row):
 * 0 * 0 + acc == acc exactly.  At the end, per row a0 + a1 and two pairwise-add levels
 * (faddp) give the sum; four rows are reduced and stored together.  A last pass of fewer
 * than four rows re-reads its last valid row in the unused lanes and stores only valid
 * ones.
 * Registers: 8 accumulators (4 rows x 2) + 2 x vectors + 4 half vectors + 8 widened,
 * 22 of 32; 8 independent fmla chains cover the fmla latency of two pipes.
 *
 * Error bound: every rounding is one IEEE f32 operation with relative error <= u = 2^-24,
 * and an addition one of whose operands is exactly 0 is exact.  A product p_k passes
 * through at most h = ceil(K/8) + min(3, K - 1) inexact roundings: its lane's fmla chain
 * (ceil(K/8) steps) and the three reduction levels a0 + a1, faddp, faddp, of which only
 * those whose other operand holds a product can round (at most K - 1 of them).  So
 * |y - S| <= gamma_h * sum|p_k| with S the exact sum and gamma_h = h*u / (1 - h*u); the
 * reference is within u*|S| + K * 2^-53 * sum|p_k| of S (exact products, double sum, one
 * f32 rounding).  Hence |y - ref| <= ((h + 1) * u + O(h^2 u^2)) * sum|p_k|, and
 * h + 1 <= 2 * (K + 1) - 2 for every K >= 1 (K = 1: h = 1; K <= 8: h <= 4; K > 8:
 * h <= K/8 + 4), which leaves two units of slack for the second-order terms: e = 2.
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include <arm_neon.h>
#include <string.h>

#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__neon;

#define BN_F16_ROWS 4

/* acc[i][0..1] += f32(8 halves at w[i]) * (x0, x1), for the four rows. */
static inline void bn_f16_step(float32x4_t acc[BN_F16_ROWS][2], const uint16_t *const w[BN_F16_ROWS],
                               float32x4_t x0, float32x4_t x1)
{
    BN_UNROLL
    for (int i = 0; i < BN_F16_ROWS; i++) {
        float16x8_t h = vreinterpretq_f16_u16(vld1q_u16(w[i]));
        acc[i][0] = vfmaq_f32(acc[i][0], vcvt_f32_f16(vget_low_f16(h)), x0); /* fcvtl: exact widening */
        acc[i][1] = vfmaq_f32(acc[i][1], vcvt_high_f32_f16(h), x1); /* fcvtl2 */
    }
}

void bn_f16_gemv_1x4__neon(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                           float *restrict y)
{
    BN_KASSERT(w->format == BN_FORMAT_F16 && r0 <= r1 && r1 <= w->rows);
    const size_t k = w->cols, body = k / 8 * 8, tail = k - body;
    const uint16_t *data = w->data;
    float xtail[8] = {0};
    memcpy(xtail, x + body, tail * sizeof(float));
    const float32x4_t xt0 = vld1q_f32(xtail), xt1 = vld1q_f32(xtail + 4);

    for (size_t r = r0; r < r1; r += BN_F16_ROWS) {
        const size_t rows = r1 - r < BN_F16_ROWS ? r1 - r : BN_F16_ROWS;
        const uint16_t *row[BN_F16_ROWS], *wt[BN_F16_ROWS];
        uint16_t wtail[BN_F16_ROWS][8];
        float32x4_t acc[BN_F16_ROWS][2];
        BN_UNROLL
        for (size_t i = 0; i < BN_F16_ROWS; i++) {
            row[i] = data + (r + (i < rows ? i : rows - 1)) * k;
            acc[i][0] = acc[i][1] = vdupq_n_f32(0.0f);
            memset(wtail[i], 0, sizeof wtail[i]);
            memcpy(wtail[i], row[i] + body, tail * sizeof(uint16_t));
            wt[i] = wtail[i];
        }
        for (size_t c = 0; c < body; c += 8) {
            const uint16_t *wc[BN_F16_ROWS] = {row[0] + c, row[1] + c, row[2] + c, row[3] + c};
            bn_f16_step(acc, wc, vld1q_f32(x + c), vld1q_f32(x + c + 4));
        }
        if (tail) bn_f16_step(acc, wt, xt0, xt1);
        /* a0 + a1 per row, then faddp twice: lane i = ((s_i0 + s_i1) + (s_i2 + s_i3)) */
        float32x4_t s0 = vaddq_f32(acc[0][0], acc[0][1]), s1 = vaddq_f32(acc[1][0], acc[1][1]);
        float32x4_t s2 = vaddq_f32(acc[2][0], acc[2][1]), s3 = vaddq_f32(acc[3][0], acc[3][1]);
        float32x4_t sum = vpaddq_f32(vpaddq_f32(s0, s1), vpaddq_f32(s2, s3));
        bn_neon_store_lanes(y + r, sum, rows);
    }
}
