/* bn_f16_gemv_1x4__avx512 - F16 output-head GEMV with AVX-512, four rows per step.
 *
 * Contract: y[r] for r in [r0, r1) in the canonical order of ref/f16.c, bit-identical to
 * every other F16 kernel; rows of K halves, no padding; any K and row count (a tail of
 * 1..3 rows recomputes the last valid row and drops the copies); unaligned buffers; no
 * over-read (the K % 16 tail uses masked loads, which read nothing past K).
 * Algorithm: one zmm per row holds the sixteen canonical partial sums (lane j sums the
 * terms with k % 16 == j): vcvtph2ps converts 16 halves exactly, vmulps then vaddps (no
 * FMA: the canonical order rounds the product).  Masked-off tail lanes add 0 * 0 = +0,
 * which leaves a sum unchanged.  The tree: high 256 + low 256, high 128 + low 128, then
 * movehl and a final add.  The step's 16 activations are loaded once for four rows; the
 * weight block four rows ahead is prefetched (rows of a 4-row block are contiguous, so the
 * hardware prefetcher restarts at every block otherwise).
 * Registers: 4 accumulators + 1 activation + 2 temporaries. */
#include <immintrin.h>

#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__avx512;

/* acc + f32(16 halves at h, masked) * xv, multiply and add rounded separately */
static inline __m512 muladd16(const uint16_t *h, __mmask16 m, __m512 xv, __m512 acc)
{
    return _mm512_add_ps(acc, _mm512_mul_ps(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, h)), xv));
}

/* The canonical tree over the 16 lanes. */
static inline float tree16(__m512 acc)
{
    __m256 t =
        _mm256_add_ps(_mm512_castps512_ps256(acc), _mm512_extractf32x8_ps(acc, 1)); /* t[j] = a[j]+a[j+8] */
    __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1)); /* u[j] = t[j]+t[j+4] */
    __m128 v = _mm_add_ps(u, _mm_movehl_ps(u, u)); /* v[j] = u[j]+u[j+2] */
    return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v))); /* v[0] + v[1] */
}

void bn_f16_gemv_1x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                             float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows);
    const size_t k = w->cols;
    const uint16_t *data = w->data;
    const __mmask16 all = 0xFFFF;
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint16_t *w0 = data + r * k;
        const char *pf = (const char *)(r + 8 <= r1 ? w0 + 4 * k : w0);
        const uint16_t *w1 = w0 + (rows > 1 ? 1 : 0) * k;
        const uint16_t *w2 = w0 + (rows > 2 ? 2 : rows - 1) * k;
        const uint16_t *w3 = w0 + (rows > 3 ? 3 : rows - 1) * k;
        __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
        size_t i = 0;
        for (; i + 16 <= k; i += 16) {
            const __m512 xv = _mm512_loadu_ps(x + i);
            _mm_prefetch(pf + 8 * i, _MM_HINT_T0), _mm_prefetch(pf + 8 * i + 64, _MM_HINT_T0);
            a0 = muladd16(w0 + i, all, xv, a0), a1 = muladd16(w1 + i, all, xv, a1);
            a2 = muladd16(w2 + i, all, xv, a2), a3 = muladd16(w3 + i, all, xv, a3);
        }
        if (i < k) {
            const __mmask16 m = (__mmask16)((1u << (k - i)) - 1);
            const __m512 xv = _mm512_maskz_loadu_ps(m, x + i);
            a0 = muladd16(w0 + i, m, xv, a0), a1 = muladd16(w1 + i, m, xv, a1);
            a2 = muladd16(w2 + i, m, xv, a2), a3 = muladd16(w3 + i, m, xv, a3);
        }
        const float s[4] = {tree16(a0), tree16(a1), tree16(a2), tree16(a3)};
        for (size_t j = 0; j < rows; j++) y[r + j] = s[j];
    }
}
