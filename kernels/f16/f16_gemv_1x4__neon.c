/* bn_f16_gemv_1x4__neon - F16 output-head GEMV on NEON, four rows per pass.
 *
 * Contract: y[r] for r in [r0, r1) in the canonical order of ref/f16.c, bit-identical to
 * every other F16 kernel; rows of K halves, no tail bytes; any K and row count; reads
 * exactly the rows' halves and K floats of x.
 *
 * Algorithm: four f32x4 accumulators per row hold the sixteen canonical partial sums
 * (register q holds lanes 4q..4q+3, i.e. the terms with k % 16 in that range).  Per 16
 * columns the four x vectors are loaded once for four rows; each row's 16 halves are
 * widened exactly (fcvtl / fcvtl2), multiplied (fmul) and added (fadd): no fmla, since the
 * canonical order rounds the product.  The last K % 16 columns go through zeroed 16-element
 * stack blocks: a padded lane adds 0 * 0 = +0, which leaves a partial sum unchanged (it
 * starts at +0, so it is never -0).  The tree: t = q0 + q2 and q1 + q3 (acc[j] + acc[j+8]),
 * u = those two added (t[j] + t[j+4]), then u0 + u2, u1 + u3 and their sum (no faddp: it
 * pairs neighbours, which is another order).  A last pass of fewer than four rows re-reads
 * its last valid row and stores only valid ones.
 * Registers: 16 accumulators + 4 x vectors + widened temporaries, within 32. */
#include <arm_neon.h>
#include <string.h>

#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__neon;

#define BN_F16_ROWS 4

/* acc[i][q] += f32(halves 4q..4q+3 of w[i]) * x[q], multiply and add rounded separately. */
static inline void bn_f16_step(float32x4_t acc[BN_F16_ROWS][4], const uint16_t *const w[BN_F16_ROWS],
                               const float32x4_t x[4])
{
    BN_UNROLL
    for (int i = 0; i < BN_F16_ROWS; i++) {
        float16x8_t h0 = vreinterpretq_f16_u16(vld1q_u16(w[i])),
                    h1 = vreinterpretq_f16_u16(vld1q_u16(w[i] + 8));
        acc[i][0] = vaddq_f32(acc[i][0], vmulq_f32(vcvt_f32_f16(vget_low_f16(h0)), x[0])); /* fcvtl: exact */
        acc[i][1] = vaddq_f32(acc[i][1], vmulq_f32(vcvt_high_f32_f16(h0), x[1])); /* fcvtl2 */
        acc[i][2] = vaddq_f32(acc[i][2], vmulq_f32(vcvt_f32_f16(vget_low_f16(h1)), x[2]));
        acc[i][3] = vaddq_f32(acc[i][3], vmulq_f32(vcvt_high_f32_f16(h1), x[3]));
    }
}

/* The canonical tree of one row's sixteen partial sums. */
static inline float bn_f16_tree(const float32x4_t q[4])
{
    float32x4_t u = vaddq_f32(vaddq_f32(q[0], q[2]), vaddq_f32(q[1], q[3]));
    float v0 = vgetq_lane_f32(u, 0) + vgetq_lane_f32(u, 2), v1 = vgetq_lane_f32(u, 1) + vgetq_lane_f32(u, 3);
    return v0 + v1;
}

void bn_f16_gemv_1x4__neon(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                           float *restrict y)
{
    BN_KASSERT(w->format == BN_FORMAT_F16 && r0 <= r1 && r1 <= w->rows);
    const size_t k = w->cols, body = k / 16 * 16, tail = k - body;
    const uint16_t *data = w->data;
    float xtail[16] = {0};
    memcpy(xtail, x + body, tail * sizeof(float));
    const float32x4_t xt[4] = {vld1q_f32(xtail), vld1q_f32(xtail + 4), vld1q_f32(xtail + 8),
                               vld1q_f32(xtail + 12)};

    for (size_t r = r0; r < r1; r += BN_F16_ROWS) {
        const size_t rows = r1 - r < BN_F16_ROWS ? r1 - r : BN_F16_ROWS;
        const uint16_t *row[BN_F16_ROWS], *wt[BN_F16_ROWS];
        uint16_t wtail[BN_F16_ROWS][16];
        float32x4_t acc[BN_F16_ROWS][4];
        BN_UNROLL
        for (size_t i = 0; i < BN_F16_ROWS; i++) {
            row[i] = data + (r + (i < rows ? i : rows - 1)) * k;
            acc[i][0] = acc[i][1] = acc[i][2] = acc[i][3] = vdupq_n_f32(0.0f);
            memset(wtail[i], 0, sizeof wtail[i]);
            memcpy(wtail[i], row[i] + body, tail * sizeof(uint16_t));
            wt[i] = wtail[i];
        }
        for (size_t c = 0; c < body; c += 16) {
            const uint16_t *wc[BN_F16_ROWS] = {row[0] + c, row[1] + c, row[2] + c, row[3] + c};
            const float32x4_t xv[4] = {vld1q_f32(x + c), vld1q_f32(x + c + 4), vld1q_f32(x + c + 8),
                                       vld1q_f32(x + c + 12)};
            bn_f16_step(acc, wc, xv);
        }
        if (tail) bn_f16_step(acc, wt, xt);
        for (size_t i = 0; i < rows; i++) y[r + i] = bn_f16_tree(acc[i]);
    }
}
