/* bn_f16_gemv_1x4__avx2 - F16 output-head GEMV with AVX2 + F16C, four rows per step.
 *
 * Contract: y[r] for r in [r0, r1) in the canonical order of ref/f16.c, bit-identical to
 * every other F16 kernel; rows of K halves, no padding; any K and row count (a tail of
 * 1..3 rows recomputes the last valid row and drops the copies); unaligned buffers; no
 * over-read (the last K % 16 halves and activations go through zero-padded stack copies).
 * Algorithm: two ymm per row hold the sixteen canonical partial sums (lo: k % 16 in 0..7,
 * hi: 8..15); vcvtph2ps converts 8 halves exactly, vmulps then vaddps (no FMA: the
 * canonical order rounds the product).  Zero padding adds 0 * 0 = +0, which leaves a sum
 * unchanged.  The tree: lo + hi, high 128 + low 128, movehl, a final add.  The weight block
 * four rows ahead is prefetched.
 * Registers: 8 accumulators + 2 activations + 2 temporaries of 16 ymm. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__avx2;

/* acc + f32(8 halves at h) * xv, multiply and add rounded separately */
static inline __m256 muladd8(const uint16_t *h, __m256 xv, __m256 acc)
{
    return _mm256_add_ps(acc, _mm256_mul_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)h)), xv));
}

/* The canonical tree over lo (lanes 0..7) and hi (8..15). */
static inline float tree16(__m256 lo, __m256 hi)
{
    __m256 t = _mm256_add_ps(lo, hi); /* t[j] = a[j]+a[j+8] */
    __m128 u = _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1)); /* u[j] = t[j]+t[j+4] */
    __m128 v = _mm_add_ps(u, _mm_movehl_ps(u, u)); /* v[j] = u[j]+u[j+2] */
    return _mm_cvtss_f32(_mm_add_ss(v, _mm_movehdup_ps(v))); /* v[0] + v[1] */
}

void bn_f16_gemv_1x4__avx2(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                           float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows);
    const size_t k = w->cols, body = k / 16 * 16, rest = k % 16;
    const uint16_t *data = w->data;
    float xt[16] = {0};
    if (rest) memcpy(xt, x + body, rest * sizeof(float));
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint16_t *wr[4];
        for (size_t j = 0; j < 4; j++) wr[j] = data + (r + (j < rows ? j : rows - 1)) * k;
        const uint16_t *w0 = wr[0], *w1 = wr[1], *w2 = wr[2], *w3 = wr[3];
        const char *pf = (const char *)(r + 8 <= r1 ? w0 + 4 * k : w0);
        __m256 a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        for (size_t i = 0; i < body; i += 16) {
            const __m256 xa = _mm256_loadu_ps(x + i), xb = _mm256_loadu_ps(x + i + 8);
            _mm_prefetch(pf + 8 * i, _MM_HINT_T0), _mm_prefetch(pf + 8 * i + 64, _MM_HINT_T0);
            a0 = muladd8(w0 + i, xa, a0), b0 = muladd8(w0 + i + 8, xb, b0);
            a1 = muladd8(w1 + i, xa, a1), b1 = muladd8(w1 + i + 8, xb, b1);
            a2 = muladd8(w2 + i, xa, a2), b2 = muladd8(w2 + i + 8, xb, b2);
            a3 = muladd8(w3 + i, xa, a3), b3 = muladd8(w3 + i + 8, xb, b3);
        }
        if (rest) {
            const __m256 xa = _mm256_loadu_ps(xt), xb = _mm256_loadu_ps(xt + 8);
            uint16_t h[4][16] = {{0}};
            for (size_t j = 0; j < 4; j++) memcpy(h[j], wr[j] + body, rest * sizeof(uint16_t));
            a0 = muladd8(h[0], xa, a0), b0 = muladd8(h[0] + 8, xb, b0);
            a1 = muladd8(h[1], xa, a1), b1 = muladd8(h[1] + 8, xb, b1);
            a2 = muladd8(h[2], xa, a2), b2 = muladd8(h[2] + 8, xb, b2);
            a3 = muladd8(h[3], xa, a3), b3 = muladd8(h[3] + 8, xb, b3);
        }
        const float s[4] = {tree16(a0, b0), tree16(a1, b1), tree16(a2, b2), tree16(a3, b3)};
        for (size_t j = 0; j < rows; j++) y[r + j] = s[j];
    }
}
