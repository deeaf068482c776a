/* bn_a8_quant__neon - f32 activations -> A8 (int8 codes, f32 scale, int32 code sum) on baseline NEON.
 *
 * Contract: n token rows of k finite floats at x_stride; writes q (q_stride), scale[n],
 * qsum[n]; any k (a tail of k % 16 goes through a zeroed stack block); bit-identical to
 * ref/a8.c; reads exactly k floats per row, writes exactly k codes.
 *
 * Algorithm (kernels/common/neon_a8.h): one pass for max|x| (four fmax chains of four
 * lanes), the scale in scalar double as the reference, then per 16 floats: 4 fmul,
 * 4 fcvtns (ties to even), 3 saturating narrow steps to int8 (the clamp), one store, and
 * the code sum: saddlp adds adjacent codes into int16 lanes (two codes, |.| <= 256) and
 * sadalp adds those pairs into the int32 accumulator.
 * Registers: 4 floats + 4 int32 + 2 int16 + 1 int8 + scale + sum, about 13 of 32.
 * Exactness: float steps are the reference's own operations; an int32 lane of the sum
 * takes k/4 codes (<= 128 * 16384 = 2^21 at k = 65536).
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include <arm_neon.h>

/* The code-sum step of the template: pairwise widening adds, no dot product. */
static inline int32x4_t bn_a8_qsum_step(int32x4_t acc, int8x16_t q)
{
    return vpadalq_s16(acc, vpaddlq_s8(q));
}

#include "kernels/common/neon_a8.h"

bn_a8_quant_fn bn_a8_quant__neon;

void bn_a8_quant__neon(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                       size_t q_stride, float *restrict scale, int32_t *restrict qsum)
{
    bn_a8_quant_rows(n, k, x, x_stride, q, q_stride, scale, qsum);
}
