/* neon_q8.h - the Q8 GEMV body shared by the NEON and NEON dot-product kernels, which
 * differ only in the 16-byte dot step.  The including file defines, before including:
 *
 *   static inline int32x4_t q8_dot16(int32x4_t acc, int8x16_t w, int8x16_t a);
 *       acc plus the products w[i] * a[i] summed into the four int32 lanes (any grouping:
 *       the sums are exact integers)
 *
 * and BN_Q8_NEON_KERNEL, the symbol.  Contract as ref/q8.c: y[r] for r in [r0, r1) of one
 * A8 token, bit-identical; any K <= 65536 and row count (a tail of 1..3 rows recomputes
 * the last valid row and stores only valid ones); no over-read (the last K % 16 codes and
 * activations go through zeroed stack blocks: 0 * 0 adds nothing).  The weight block four
 * rows ahead is prefetched, one cache line per 16 columns.  Static inline only. */
#ifndef BN_KERNELS_NEON_Q8_H
#define BN_KERNELS_NEON_Q8_H

#include <arm_neon.h>
#include <string.h>

#include "kernels/common/q8.h"
#include "kernels/kernel.h"

static inline void bn_q8_neon_gemv(const bn_weights *restrict w, size_t r0, size_t r1,
                                   const bn_act *restrict x, float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows && w->cols <= 65536);
    const size_t k = w->cols, body = k / 16 * 16, rest = k % 16;
    const int8_t *codes = w->data;
    const uint8_t *scales = bn_q8_row_scales(w);
    const float s = x->scale[0];
    int8_t at[16] = {0};
    if (rest) memcpy(at, x->q + body, rest);
    const int8x16_t a_tail = vld1q_s8(at);
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const int8_t *wr[4];
        for (size_t j = 0; j < 4; j++) wr[j] = codes + (r + (j < rows ? j : rows - 1)) * k;
        const char *pf = (const char *)(r + 8 <= r1 ? wr[0] + 4 * k : wr[0]);
        int32x4_t c0 = vdupq_n_s32(0), c1 = c0, c2 = c0, c3 = c0;
        for (size_t i = 0; i < body; i += 16) {
            const int8x16_t a = vld1q_s8(x->q + i);
            __builtin_prefetch(pf + 4 * i);
            c0 = q8_dot16(c0, vld1q_s8(wr[0] + i), a), c1 = q8_dot16(c1, vld1q_s8(wr[1] + i), a);
            c2 = q8_dot16(c2, vld1q_s8(wr[2] + i), a), c3 = q8_dot16(c3, vld1q_s8(wr[3] + i), a);
        }
        if (rest) {
            int8_t h[4][16] = {{0}};
            for (size_t j = 0; j < 4; j++) memcpy(h[j], wr[j] + body, rest);
            c0 = q8_dot16(c0, vld1q_s8(h[0]), a_tail), c1 = q8_dot16(c1, vld1q_s8(h[1]), a_tail);
            c2 = q8_dot16(c2, vld1q_s8(h[2]), a_tail), c3 = q8_dot16(c3, vld1q_s8(h[3]), a_tail);
        }
        const int32_t acc[4] = {vaddvq_s32(c0), vaddvq_s32(c1), vaddvq_s32(c2), vaddvq_s32(c3)};
        bn_q8_store_rows(y, r, rows, acc, scales, s);
    }
}

#endif /* BN_KERNELS_NEON_Q8_H */
