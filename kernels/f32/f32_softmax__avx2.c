/* bn_f32_softmax__avx2 - softmax of rows in place with AVX2, canonical order.
 *
 * Contract: each of `rows` rows of `len` floats (row stride x_stride bytes) becomes its
 * softmax exactly as ref/f32.c computes it, bit-identical to every F32 softmax kernel:
 * exact max, exp_canonical(x - max), sixteen partial sums in two ymm (lo: t % 16 in 0..7,
 * hi: 8..15) and the fixed halving tree, one division, multiplications.  A row of only
 * -inf becomes +0s.  The last len % 16 floats use vmaskmovps, which neither reads nor
 * writes masked-off elements.
 * Algorithm: three passes per row.  exp_canonical is evaluated in 8 lanes with the same
 * operations as the reference: vmaxps/vminps clamp (their NaN rule matches the ref's
 * `x > lo ? x : lo`), the 1.5 * 2^23 rounder, Cody-Waite with two constants, Horner with
 * vmulps and vaddps (no FMA), and 2^n1 * 2^n2 built with integer shifts.  Tail lanes are
 * replaced by -inf, so their exp is +0 and adding them leaves a partial sum unchanged.
 * Registers: two accumulators, the max, the exp temporaries and constants. */
#include <immintrin.h>
#include <math.h>

#include "kernels/common/f32_exp.h"
#include "kernels/kernel.h"

bn_f32_softmax_fn bn_f32_softmax__avx2;

static inline __m256 exp8(__m256 x)
{
    x = _mm256_max_ps(x, _mm256_set1_ps(BN_EXP_LO));
    x = _mm256_min_ps(x, _mm256_set1_ps(BN_EXP_HI));
    const __m256 t =
        _mm256_add_ps(_mm256_mul_ps(x, _mm256_set1_ps(BN_EXP_LOG2E)), _mm256_set1_ps(BN_EXP_ROUNDER));
    const __m256 nf = _mm256_sub_ps(t, _mm256_set1_ps(BN_EXP_ROUNDER));
    const __m256i n = _mm256_sub_epi32(_mm256_castps_si256(t), _mm256_set1_epi32((int)BN_EXP_ROUNDER_BITS));
    const __m256 r = _mm256_sub_ps(_mm256_sub_ps(x, _mm256_mul_ps(nf, _mm256_set1_ps(BN_EXP_LN2_HI))),
                                   _mm256_mul_ps(nf, _mm256_set1_ps(BN_EXP_LN2_LO)));
    __m256 p = _mm256_set1_ps(BN_EXP_C7);
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(BN_EXP_C6));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(BN_EXP_C5));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(BN_EXP_C4));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(BN_EXP_C3));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(BN_EXP_C2));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f));
    p = _mm256_add_ps(_mm256_mul_ps(p, r), _mm256_set1_ps(1.0f));
    const __m256i n1 = _mm256_srai_epi32(n, 1), n2 = _mm256_sub_epi32(n, n1);
    const __m256i bias = _mm256_set1_epi32(127);
    const __m256 s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
    const __m256 s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

/* The canonical tree over lo (lanes 0..7) and hi (8..15), as the F16 head. */
static inline float tree16(__m256 lo, __m256 hi)
{
    __m256 t = _mm256_add_ps(lo, hi); /* a[j]+a[j+8] */
    __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1)); /* t[j]+t[j+4] */
    __m128 v = _mm_add_ps(u, _mm_movehl_ps(u, u)); /* u[j]+u[j+2] */
    return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v))); /* v[0]+v[1] */
}

/* Lane i of the mask is set when i < count (count clamped to 0..8). */
static inline __m256i lanes(size_t count)
{
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(count > 8 ? 8 : count)), index);
}

/* The masked lanes of p, -inf elsewhere. */
static inline __m256 load_or_neg_inf(const float *p, __m256i mask)
{
    return _mm256_blendv_ps(_mm256_set1_ps(-INFINITY), _mm256_maskload_ps(p, mask),
                            _mm256_castsi256_ps(mask));
}

void bn_f32_softmax__avx2(size_t rows, size_t len, float *x, size_t x_stride)
{
    const size_t body = len / 16 * 16, rest = len - body;
    const __m256i k0 = lanes(rest), k1 = lanes(rest > 8 ? rest - 8 : 0);
    for (size_t r = 0; r < rows; r++) {
        float *row = (float *)((char *)x + r * x_stride), *end = row + body;
        __m256 mv = _mm256_max_ps(load_or_neg_inf(end, k0), load_or_neg_inf(end + 8, k1));
        for (size_t t = 0; t < body; t += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(row + t));
        __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(mv), _mm256_extractf128_ps(mv, 1));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        const float m = _mm_cvtss_f32(_mm_max_ss(m4, _mm_movehdup_ps(m4)));
        if (m == -INFINITY) {
            for (size_t t = 0; t < body; t += 8) _mm256_storeu_ps(row + t, _mm256_setzero_ps());
            _mm256_maskstore_ps(end, k0, _mm256_setzero_ps());
            _mm256_maskstore_ps(end + 8, k1, _mm256_setzero_ps());
            continue;
        }
        const __m256 mvec = _mm256_set1_ps(m);
        __m256 lo = _mm256_setzero_ps(), hi = lo;
        for (size_t t = 0; t < body; t += 16) {
            const __m256 e0 = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + t), mvec));
            const __m256 e1 = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + t + 8), mvec));
            _mm256_storeu_ps(row + t, e0), _mm256_storeu_ps(row + t + 8, e1);
            lo = _mm256_add_ps(lo, e0), hi = _mm256_add_ps(hi, e1);
        }
        if (rest) { /* masked-off lanes: exp(-inf) = +0 */
            const __m256 e0 = exp8(_mm256_sub_ps(load_or_neg_inf(end, k0), mvec));
            const __m256 e1 = exp8(_mm256_sub_ps(load_or_neg_inf(end + 8, k1), mvec));
            _mm256_maskstore_ps(end, k0, e0), _mm256_maskstore_ps(end + 8, k1, e1);
            lo = _mm256_add_ps(lo, e0), hi = _mm256_add_ps(hi, e1);
        }
        const __m256 inv = _mm256_set1_ps(1.0f / tree16(lo, hi));
        for (size_t t = 0; t < body; t += 8)
            _mm256_storeu_ps(row + t, _mm256_mul_ps(_mm256_loadu_ps(row + t), inv));
        _mm256_maskstore_ps(end, k0, _mm256_mul_ps(_mm256_maskload_ps(end, k0), inv));
        _mm256_maskstore_ps(end + 8, k1, _mm256_mul_ps(_mm256_maskload_ps(end + 8, k1), inv));
    }
}
