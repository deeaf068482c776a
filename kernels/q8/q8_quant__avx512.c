/* bn_q8_quant__avx512 - f32 rows -> Q8 int8 codes and one f32 scale per row, AVX-512 (at load).
 *
 * Contract: as bn_q8_quant__scalar and ref/q8.c, bit for bit (scale[r] = max|w| / 127, q =
 * clamp(roundf(w / scale), -127, 127), a zero row all zeros); any k and stride; unaligned
 * buffers; no over-read (the k % 16 tail uses masked loads and a masked store).
 * Algorithm: as the AVX2 kernel, 16 values per step: |w| maximum (vpandd clears the sign),
 * vdivps, roundf in vector form (t = vrndscaleps toward zero, t + copysign(1, v) where
 * |v - t| >= 0.5: ties away from zero, exact), clamp, vcvttps2dq, vpmovsdb narrows 16 int32
 * to 16 int8 in one instruction. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernel.h"

bn_q8_quant_fn bn_q8_quant__avx512;

static inline __m512 round_half_away(__m512 v)
{
    const __m512 t = _mm512_roundscale_ps(v, _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    const __m512 d = _mm512_abs_ps(_mm512_sub_ps(v, t));
    const __mmask16 up = _mm512_cmp_ps_mask(d, _mm512_set1_ps(0.5f), _CMP_GE_OQ);
    const __m512 one = _mm512_castsi512_ps(
        _mm512_or_si512(_mm512_castps_si512(_mm512_set1_ps(1.0f)),
                        _mm512_and_si512(_mm512_castps_si512(v), _mm512_set1_epi32(INT32_MIN))));
    return _mm512_mask_add_ps(t, up, t, one); /* t + copysign(1, v) where up */
}

void bn_q8_quant__avx512(size_t m, size_t k, const float *restrict w, size_t w_stride, int8_t *restrict q,
                         size_t q_stride, float *restrict scale)
{
    const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
    const size_t body = k / 16 * 16;
    const __mmask16 tail = (__mmask16)((1u << (k % 16)) - 1);
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        int8_t *out = q + r * q_stride;
        __m512 mx = _mm512_setzero_ps();
        for (size_t c = 0; c < body; c += 16) mx = _mm512_max_ps(mx, _mm512_abs_ps(_mm512_loadu_ps(row + c)));
        if (tail) mx = _mm512_max_ps(mx, _mm512_abs_ps(_mm512_maskz_loadu_ps(tail, row + body)));
        const float s = _mm512_reduce_max_ps(mx) / 127.0f;
        scale[r] = s;
        if (s == 0.0f) {
            memset(out, 0, k);
            continue;
        }
        const __m512 sv = _mm512_set1_ps(s);
        for (size_t c = 0; c < body; c += 16) {
            const __m512 v = round_half_away(_mm512_div_ps(_mm512_loadu_ps(row + c), sv));
            _mm_storeu_si128((__m128i *)(out + c), _mm512_cvtsepi32_epi8(_mm512_cvttps_epi32(
                                                       _mm512_min_ps(_mm512_max_ps(v, lo), hi))));
        }
        if (tail) {
            const __m512 v = round_half_away(_mm512_div_ps(_mm512_maskz_loadu_ps(tail, row + body), sv));
            _mm_mask_storeu_epi8(
                out + body, tail,
                _mm512_cvtsepi32_epi8(_mm512_cvttps_epi32(_mm512_min_ps(_mm512_max_ps(v, lo), hi))));
        }
    }
}
