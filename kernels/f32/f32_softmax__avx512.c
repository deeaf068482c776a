/* bn_f32_softmax__avx512 - softmax of rows in place with AVX-512, canonical order.
 *
 * Contract: each of `rows` rows of `len` floats (row stride x_stride bytes) becomes its
 * softmax exactly as ref/f32.c computes it, bit-identical to every F32 softmax kernel:
 * exact max, exp_canonical(x - max), sixteen partial sums (lane j of one zmm takes the
 * terms with t % 16 == j) and the fixed halving tree, one division, multiplications.  A
 * row of only -inf becomes +0s.  The last len % 16 floats use masked loads and stores,
 * which touch nothing past the row.
 * Algorithm: three passes per row.  exp_canonical is evaluated in 16 lanes with the same
 * operations as the reference: vmaxps/vminps clamp (their NaN rule matches the ref's
 * `x > lo ? x : lo`), the 1.5 * 2^23 rounder, Cody-Waite with two constants, Horner with
 * vmulps and vaddps (no FMA), and 2^n1 * 2^n2 built with integer shifts.  Tail lanes are
 * loaded as -inf, so their exp is +0 and adding them leaves a partial sum unchanged.
 * Registers: one accumulator, the max, the exp temporaries and constants. */
#include <immintrin.h>
#include <math.h>

#include "kernels/common/f32_exp.h"
#include "kernels/kernel.h"

bn_f32_softmax_fn bn_f32_softmax__avx512;

static inline __m512 exp16(__m512 x)
{
    x = _mm512_max_ps(x, _mm512_set1_ps(BN_EXP_LO));
    x = _mm512_min_ps(x, _mm512_set1_ps(BN_EXP_HI));
    const __m512 t =
        _mm512_add_ps(_mm512_mul_ps(x, _mm512_set1_ps(BN_EXP_LOG2E)), _mm512_set1_ps(BN_EXP_ROUNDER));
    const __m512 nf = _mm512_sub_ps(t, _mm512_set1_ps(BN_EXP_ROUNDER));
    const __m512i n = _mm512_sub_epi32(_mm512_castps_si512(t), _mm512_set1_epi32((int)BN_EXP_ROUNDER_BITS));
    const __m512 r = _mm512_sub_ps(_mm512_sub_ps(x, _mm512_mul_ps(nf, _mm512_set1_ps(BN_EXP_LN2_HI))),
                                   _mm512_mul_ps(nf, _mm512_set1_ps(BN_EXP_LN2_LO)));
    __m512 p = _mm512_set1_ps(BN_EXP_C7);
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(BN_EXP_C6));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(BN_EXP_C5));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(BN_EXP_C4));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(BN_EXP_C3));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(BN_EXP_C2));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f));
    p = _mm512_add_ps(_mm512_mul_ps(p, r), _mm512_set1_ps(1.0f));
    const __m512i n1 = _mm512_srai_epi32(n, 1), n2 = _mm512_sub_epi32(n, n1);
    const __m512i bias = _mm512_set1_epi32(127);
    const __m512 s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n1, bias), 23));
    const __m512 s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(n2, bias), 23));
    return _mm512_mul_ps(_mm512_mul_ps(p, s1), s2);
}

/* The canonical tree over the 16 lanes (as the F16 head). */
static inline float tree16(__m512 acc)
{
    __m256 t = _mm256_add_ps(_mm512_castps512_ps256(acc), _mm512_extractf32x8_ps(acc, 1)); /* a[j]+a[j+8] */
    __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1)); /* t[j]+t[j+4] */
    __m128 v = _mm_add_ps(u, _mm_movehl_ps(u, u)); /* u[j]+u[j+2] */
    return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v))); /* v[0]+v[1] */
}

void bn_f32_softmax__avx512(size_t rows, size_t len, float *x, size_t x_stride)
{
    const size_t body = len / 16 * 16;
    const __mmask16 tail = (__mmask16)((1u << (len - body)) - 1);
    const __m512 neg_inf = _mm512_set1_ps(-INFINITY);
    for (size_t r = 0; r < rows; r++) {
        float *row = (float *)((char *)x + r * x_stride);
        __m512 mv = _mm512_mask_loadu_ps(neg_inf, tail, row + body);
        for (size_t t = 0; t < body; t += 16) mv = _mm512_max_ps(mv, _mm512_loadu_ps(row + t));
        const float m = _mm512_reduce_max_ps(mv);
        if (m == -INFINITY) {
            for (size_t t = 0; t < body; t += 16) _mm512_storeu_ps(row + t, _mm512_setzero_ps());
            _mm512_mask_storeu_ps(row + body, tail, _mm512_setzero_ps());
            continue;
        }
        const __m512 mvec = _mm512_set1_ps(m);
        __m512 acc = _mm512_setzero_ps();
        for (size_t t = 0; t < body; t += 16) {
            const __m512 e = exp16(_mm512_sub_ps(_mm512_loadu_ps(row + t), mvec));
            _mm512_storeu_ps(row + t, e);
            acc = _mm512_add_ps(acc, e);
        }
        if (tail) {
            const __m512 e = exp16(_mm512_sub_ps(_mm512_mask_loadu_ps(neg_inf, tail, row + body), mvec));
            _mm512_mask_storeu_ps(row + body, tail, e);
            acc = _mm512_add_ps(acc, e); /* masked-off lanes: exp(-inf) = +0 */
        }
        const __m512 inv = _mm512_set1_ps(1.0f / tree16(acc));
        for (size_t t = 0; t < body; t += 16)
            _mm512_storeu_ps(row + t, _mm512_mul_ps(_mm512_loadu_ps(row + t), inv));
        _mm512_mask_storeu_ps(row + body, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, row + body), inv));
    }
}
