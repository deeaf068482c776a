/* bn_a8_quant__neondot - f32 activations -> A8 (int8 codes, f32 scale, int32 code sum) with sdot.
 *
 * Contract: n token rows of k finite floats at x_stride; writes q (q_stride), scale[n],
 * qsum[n]; any k (a tail of k % 16 goes through a zeroed stack block); bit-identical to
 * ref/a8.c; reads exactly k floats per row, writes exactly k codes.
 *
 * Algorithm (kernels/common/neon_a8.h): as bn_a8_quant__neon, except for the code sum:
 * one sdot of the 16 codes against a vector of ones adds four codes into each int32 lane
 * (one instruction where the neon variant needs saddlp + sadalp).  That is the whole
 * difference: 1 instruction of the 17 per 16 codes (docs/kernels-neon.md).
 * Registers: as bn_a8_quant__neon plus the ones vector.
 * Exactness: float steps are the reference's own operations; an int32 lane of the sum
 * takes k/4 codes (<= 128 * 16384 = 2^21 at k = 65536).
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include <arm_neon.h>

/* The code-sum step of the template: q . (1, 1, ..., 1) by sdot. */
static inline int32x4_t bn_a8_qsum_step(int32x4_t acc, int8x16_t q)
{
    return vdotq_s32(acc, q, vdupq_n_s8(1));
}

#include "kernels/common/neon_a8.h"

bn_a8_quant_fn bn_a8_quant__neondot;

void bn_a8_quant__neondot(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                          size_t q_stride, float *restrict scale, int32_t *restrict qsum)
{
    bn_a8_quant_rows(n, k, x, x_stride, q, q_stride, scale, qsum);
}
