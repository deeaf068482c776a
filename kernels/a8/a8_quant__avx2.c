/* bn_a8_quant__avx2 - f32 activations -> A8 (int8 codes, f32 scale, int32 code sum), AVX2.
 *
 * Contract: n token rows of k finite floats at x_stride; writes q (q_stride), scale[n],
 * qsum[n]; bit-identical to ref/a8.c; any k; unaligned buffers and strides; no over-read
 * and no write past k (the last k % 32 values go through the scalar path).
 * Algorithm: pass 1 takes max|x| over four ymm lanes (exact, order-free); the floor and
 * the scale are the reference's scalar double arithmetic.  Pass 2, 32 values per step:
 * f32 multiply (no FMA), vcvtps2dq (round half to even under the default MXCSR, as
 * rintf), clamp to [-128, 127] (a guard: |x * s| rounds to at most 127), int32 code sum,
 * then two saturating packs (32 -> 16 -> 8 bits, exact after the clamp) and one
 * cross-lane permute to undo the packs' per-128-bit-lane interleave.
 * Registers: 4 max accumulators in pass 1; scale, bounds, sum, 4 values in pass 2. */
#include <immintrin.h>
#include <math.h>

#include "kernels/kernel.h"

bn_a8_quant_fn bn_a8_quant__avx2;

/* Codes of 8 floats as clamped int32. */
static inline __m256i quant8(const float *x, __m256 s)
{
    __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), s));
    return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(-128)), _mm256_set1_epi32(127));
}

/* The reference's scalar rule for one value (tails). */
static inline int8_t quant1(float x, float s)
{
    float r = rintf(x * s); /* round half to even in the default rounding mode */
    return (int8_t)(r > 127.0f ? 127.0f : (r < -128.0f ? -128.0f : r));
}

void bn_a8_quant__avx2(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                       size_t q_stride, float *restrict scale, int32_t *restrict qsum)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    for (size_t t = 0; t < n; t++) {
        const float *row = (const float *)((const char *)x + t * x_stride);
        int8_t *out = q + t * q_stride;

        __m256 m0 = _mm256_setzero_ps(), m1 = m0, m2 = m0, m3 = m0;
        size_t i = 0;
        for (; i + 32 <= k; i += 32) { /* andnot with -0.0f clears the sign bit: |x| */
            m0 = _mm256_max_ps(m0, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + i)));
            m1 = _mm256_max_ps(m1, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + i + 8)));
            m2 = _mm256_max_ps(m2, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + i + 16)));
            m3 = _mm256_max_ps(m3, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + i + 24)));
        }
        __m256 m = _mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        float amax = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
        for (; i < k; i++) amax = fmaxf(amax, fabsf(row[i]));
        double amax_d = (double)amax;
        if (amax_d < 1e-5) amax_d = 1e-5; /* the floor is compared in double, as the reference */
        const float s = (float)(127.0 / amax_d);

        const __m256 vs = _mm256_set1_ps(s);
        const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
        __m256i sum = _mm256_setzero_si256();
        for (i = 0; i + 32 <= k; i += 32) {
            __m256i a = quant8(row + i, vs), b = quant8(row + i + 8, vs);
            __m256i c = quant8(row + i + 16, vs), d = quant8(row + i + 24, vs);
            sum = _mm256_add_epi32(_mm256_add_epi32(sum, _mm256_add_epi32(a, b)), _mm256_add_epi32(c, d));
            /* packs work per 128-bit lane: bytes come out as a0-3 b0-3 c0-3 d0-3 | a4-7 ...,
             * so gather the dwords back into order a0-7 b0-7 c0-7 d0-7. */
            __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
            _mm256_storeu_si256((__m256i *)(out + i), _mm256_permutevar8x32_epi32(bytes, order));
        }
        __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
        s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(1, 0, 3, 2)));
        int32_t total = _mm_cvtsi128_si32(_mm_add_epi32(s4, _mm_shuffle_epi32(s4, _MM_SHUFFLE(2, 3, 0, 1))));
        for (; i < k; i++) total += out[i] = quant1(row[i], s);
        scale[t] = s;
        qsum[t] = total;
    }
}
