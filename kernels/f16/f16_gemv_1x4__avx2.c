/* bn_f16_gemv_1x4__avx2 - F16 output-head GEMV with AVX2 + F16C + FMA, four rows per step.
 *
 * Contract: y[r] = sum_k f32(w[r][k]) * x[k] for r in [r0, r1); rows of K halves, no
 * padding; any K and row count (a tail of 1..3 rows recomputes the last valid row and
 * drops the copies); unaligned buffers; no over-read (the last K % 8 halves and
 * activations are copied into zero-padded stack buffers).  Error bound 1 (ref/f16.c).
 * Algorithm: vcvtph2ps converts 8 halves exactly to f32; vfmadd231ps accumulates each row
 * into two ymm of 8 partial sums (16 halves = 32 weight bytes per row per step); the 16
 * activations of a step are loaded once for the four rows; each row's 16 partial sums
 * are added in a tree at the end.
 * Bound: every product is rounded once inside its FMA, then by at most ceil(K/16) - 1
 * further FMA additions and 4 + 1 tree additions (additions of exact zeros are exact), so
 * at most min(K, ceil(K/16) + 5) <= K roundings per term; with the reference's single
 * rounding, |y - y_ref| <= (K + 1) * 2^-24 * sum|w * x|: the registry's e = 1.
 * Registers: 8 accumulators + 2 activations + 2 temporaries of 16 ymm. */
#include <immintrin.h>
#include <string.h>

#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__avx2;

/* acc += f32(8 halves at h) * xv */
static inline __m256 fma8(const uint16_t *h, __m256 xv, __m256 acc)
{
    return _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)h)), xv, acc);
}

static inline float sum8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

void bn_f16_gemv_1x4__avx2(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                           float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows);
    const size_t k = w->cols, body = k / 8 * 8, rest = k % 8;
    const uint16_t *data = w->data;
    float xt[8] = {0};
    if (rest) memcpy(xt, x + body, rest * sizeof(float));
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint16_t *wr[4];
        for (size_t j = 0; j < 4; j++) wr[j] = data + (r + (j < rows ? j : rows - 1)) * k;
        const uint16_t *w0 = wr[0], *w1 = wr[1], *w2 = wr[2], *w3 = wr[3];
        /* Prefetch the next four-row block (4 * 2K contiguous bytes), 128 bytes per step
         * of 16 halves: exactly the bytes the loop will read there, in order. */
        const char *pf = (const char *)(r + 8 <= r1 ? w0 + 4 * k : w0);
        __m256 a0 = _mm256_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        size_t i = 0;
        for (; i + 16 <= k; i += 16) {
            const __m256 xa = _mm256_loadu_ps(x + i), xb = _mm256_loadu_ps(x + i + 8);
            _mm_prefetch(pf + 8 * i, _MM_HINT_T0), _mm_prefetch(pf + 8 * i + 64, _MM_HINT_T0);
            a0 = fma8(w0 + i, xa, a0), b0 = fma8(w0 + i + 8, xb, b0);
            a1 = fma8(w1 + i, xa, a1), b1 = fma8(w1 + i + 8, xb, b1);
            a2 = fma8(w2 + i, xa, a2), b2 = fma8(w2 + i + 8, xb, b2);
            a3 = fma8(w3 + i, xa, a3), b3 = fma8(w3 + i + 8, xb, b3);
        }
        if (i < body) {
            const __m256 xa = _mm256_loadu_ps(x + i);
            a0 = fma8(w0 + i, xa, a0), a1 = fma8(w1 + i, xa, a1);
            a2 = fma8(w2 + i, xa, a2), a3 = fma8(w3 + i, xa, a3);
        }
        if (rest) { /* zero-padded copies: 0 * 0 adds an exact +0 */
            const __m256 xa = _mm256_loadu_ps(xt);
            uint16_t h[4][8] = {{0}};
            for (size_t j = 0; j < 4; j++) memcpy(h[j], wr[j] + body, rest * sizeof(uint16_t));
            b0 = fma8(h[0], xa, b0), b1 = fma8(h[1], xa, b1);
            b2 = fma8(h[2], xa, b2), b3 = fma8(h[3], xa, b3);
        }
        const float s[4] = {sum8(_mm256_add_ps(a0, b0)), sum8(_mm256_add_ps(a1, b1)),
                            sum8(_mm256_add_ps(a2, b2)), sum8(_mm256_add_ps(a3, b3))};
        for (size_t j = 0; j < rows; j++) y[r + j] = s[j];
    }
}
