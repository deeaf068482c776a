/* bn_a8_quant__avx512 - f32 activations -> A8 (int8 codes, f32 scale, int32 code sum), AVX-512.
 *
 * Contract: n token rows of k finite floats at x_stride; writes q (q_stride), scale[n],
 * qsum[n]; bit-identical to ref/a8.c; any k; unaligned buffers and strides; no over-read
 * and no write past k (the tail uses masked loads and a masked store).
 * Algorithm: pass 1 takes max|x| over four independent zmm lanes (max is exact and
 * order-free, so any order gives the reference's amax); the floor and the scale are the
 * reference's scalar double arithmetic.  Pass 2 multiplies in f32 (vmulps, no FMA),
 * rounds with vcvtps2dq (round half to even under the default MXCSR, as rintf), clamps
 * to [-128, 127] (a guard: |x * s| <= 127 * (1 + 2^-23)^2 rounds to at most 127), sums the
 * codes in int32 lanes and narrows with vpmovdb.
 * Registers: 4 max accumulators in pass 1; scale, bounds, sum and 4 values in pass 2. */
#include <immintrin.h>

#include "kernels/kernel.h"

bn_a8_quant_fn bn_a8_quant__avx512;

static inline __mmask16 tail_mask(size_t left) { return left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1); }

/* 16 codes of x[0..16) (masked), added to *sum, stored as 16 bytes (masked). */
static inline void quant16(const float *x, int8_t *out, __mmask16 m, __m512 s, __m512i *sum)
{
    const __m512i lo = _mm512_set1_epi32(-128), hi = _mm512_set1_epi32(127);
    __m512i v = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x), s));
    v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    *sum = _mm512_add_epi32(*sum, v); /* masked-out lanes loaded 0.0f, so they add 0 */
    _mm512_mask_cvtepi32_storeu_epi8(out, m, v);
}

void bn_a8_quant__avx512(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                         size_t q_stride, float *restrict scale, int32_t *restrict qsum)
{
    for (size_t t = 0; t < n; t++) {
        const float *row = (const float *)((const char *)x + t * x_stride);
        int8_t *out = q + t * q_stride;

        __m512 m0 = _mm512_setzero_ps(), m1 = m0, m2 = m0, m3 = m0;
        size_t i = 0;
        for (; i + 64 <= k; i += 64) {
            m0 = _mm512_max_ps(m0, _mm512_abs_ps(_mm512_loadu_ps(row + i)));
            m1 = _mm512_max_ps(m1, _mm512_abs_ps(_mm512_loadu_ps(row + i + 16)));
            m2 = _mm512_max_ps(m2, _mm512_abs_ps(_mm512_loadu_ps(row + i + 32)));
            m3 = _mm512_max_ps(m3, _mm512_abs_ps(_mm512_loadu_ps(row + i + 48)));
        }
        for (; i < k; i += 16) /* masked-out lanes load 0, which never raises the max */
            m0 = _mm512_max_ps(m0, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail_mask(k - i), row + i)));
        float amax = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(m0, m1), _mm512_max_ps(m2, m3)));
        double amax_d = (double)amax;
        if (amax_d < 1e-5) amax_d = 1e-5; /* the floor is compared in double, as the reference */
        const float s = (float)(127.0 / amax_d);

        const __m512 vs = _mm512_set1_ps(s);
        __m512i sum = _mm512_setzero_si512();
        for (i = 0; i + 64 <= k; i += 64) {
            quant16(row + i, out + i, 0xFFFF, vs, &sum);
            quant16(row + i + 16, out + i + 16, 0xFFFF, vs, &sum);
            quant16(row + i + 32, out + i + 32, 0xFFFF, vs, &sum);
            quant16(row + i + 48, out + i + 48, 0xFFFF, vs, &sum);
        }
        for (; i < k; i += 16) quant16(row + i, out + i, tail_mask(k - i), vs, &sum);
        scale[t] = s;
        qsum[t] = _mm512_reduce_add_epi32(sum);
    }
}
