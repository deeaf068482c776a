/* bn_q8_quant__avx2 - f32 rows -> Q8 int8 codes and one f32 scale per row, AVX2 (at load).
 *
 * Contract: as bn_q8_quant__scalar and ref/q8.c, bit for bit: scale[r] = max|w| / 127, q =
 * clamp(roundf(w / scale), -127, 127), a zero row (scale 0) all zeros; any k and stride;
 * unaligned buffers; no over-read (the k % 8 tail runs in scalar code with roundf).
 * Algorithm: the row maximum of |w| (vandps clears the sign; max is exact, any order), one
 * vdivps per 8 values (the spec divides; a multiplication by 1/scale would round
 * differently), then roundf done exactly in vector form: t = trunc(v) (vroundps toward
 * zero), d = v - t (exact: the fraction of a float below 2^23 is representable), and
 * t + copysign(1, v) where |d| >= 0.5, i.e. ties away from zero.  Clamp, vcvttps2dq (t is
 * already integral), pack to int8 (vpackssdw, vpacksswb saturate, but values are in
 * [-127, 127] already).  The scalar version calls roundf once per value (~3 s for the 2B4T
 * head); this one is about ten times faster. */
#include <immintrin.h>
#include <math.h>
#include <string.h>

#include "kernels/common/q8.h"
#include "kernels/kernel.h"

bn_q8_quant_fn bn_q8_quant__avx2;

static inline __m256 round_half_away(__m256 v)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256 t = _mm256_round_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m256 d = _mm256_andnot_ps(sign, _mm256_sub_ps(v, t)); /* |v - t| */
    const __m256 up = _mm256_cmp_ps(d, _mm256_set1_ps(0.5f), _CMP_GE_OQ);
    const __m256 one = _mm256_or_ps(_mm256_set1_ps(1.0f), _mm256_and_ps(sign, v)); /* copysign(1, v) */
    return _mm256_add_ps(t, _mm256_and_ps(up, one));
}

static float row_amax(const float *row, size_t k)
{
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    size_t c = 0;
    for (; c + 8 <= k; c += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(row + c)));
    float lanes[8];
    _mm256_storeu_ps(lanes, m);
    float a = 0.0f;
    for (size_t j = 0; j < 8; j++) a = lanes[j] > a ? lanes[j] : a;
    for (; c < k; c++) a = fabsf(row[c]) > a ? fabsf(row[c]) : a;
    return a;
}

void bn_q8_quant__avx2(size_t m, size_t k, const float *restrict w, size_t w_stride, int8_t *restrict q,
                       size_t q_stride, float *restrict scale)
{
    const __m256 lo = _mm256_set1_ps(-127.0f), hi = _mm256_set1_ps(127.0f);
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        int8_t *out = q + r * q_stride;
        const float s = row_amax(row, k) / 127.0f;
        scale[r] = s;
        if (s == 0.0f) {
            memset(out, 0, k);
            continue;
        }
        const __m256 sv = _mm256_set1_ps(s);
        size_t c = 0;
        for (; c + 8 <= k; c += 8) {
            __m256 v = round_half_away(_mm256_div_ps(_mm256_loadu_ps(row + c), sv));
            v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
            const __m256i i32 = _mm256_cvttps_epi32(v);
            const __m128i i16 =
                _mm_packs_epi32(_mm256_castsi256_si128(i32), _mm256_extracti128_si256(i32, 1));
            _mm_storel_epi64((__m128i *)(out + c), _mm_packs_epi16(i16, i16));
        }
        for (; c < k; c++) out[c] = bn_q8_code(row[c], s);
    }
}
