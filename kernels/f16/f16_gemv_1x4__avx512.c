/* bn_f16_gemv_1x4__avx512 - F16 output-head GEMV with AVX-512, four rows per step.
 *
 * Contract: y[r] = sum_k f32(w[r][k]) * x[k] for r in [r0, r1); rows of K halves, no
 * padding; any K and row count (a tail of 1..3 rows recomputes the last valid row and
 * drops the copies); unaligned buffers; no over-read (the K % 16 tail uses masked loads,
 * which read nothing past K).  Error bound 1 (ref/f16.c), see the bound below.
 * Algorithm: vcvtph2ps converts 16 halves exactly to f32; vfmadd231ps accumulates each
 * row into two zmm of 16 partial sums (32 halves = 64 weight bytes per row per step); the
 * 32 activations of a step are loaded once for the four rows.  At the end each row's 32
 * partial sums are added in a tree.
 * Bound: a product enters one FMA (one rounding, the product itself is exact in the FMA)
 * and then at most ceil(K/32) - 1 further FMA additions and 1 + 4 tree additions, while
 * additions of an exact zero (lanes a short row never reaches) are exact; so every term
 * sees at most min(K, ceil(K/32) + 5) <= K roundings.  With the reference's single
 * rounding to f32 that gives |y - y_ref| <= (K + 1) * 2^-24 * sum|w * x|: the registry's
 * e = 1, with ample room for large K (the harness enforces it).
 * Registers: 8 accumulators + 2 activations + 2 temporaries. */
#include <immintrin.h>

#include "kernels/kernel.h"

bn_f16_gemv_fn bn_f16_gemv_1x4__avx512;

/* acc += f32(16 halves at h, masked) * xv */
static inline __m512 fma16(const uint16_t *h, __mmask16 m, __m512 xv, __m512 acc)
{
    return _mm512_fmadd_ps(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, h)), xv, acc);
}

void bn_f16_gemv_1x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                             float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows);
    const size_t k = w->cols;
    const uint16_t *data = w->data;
    const __mmask16 all = 0xFFFF;
    /* Prefetch the four-row block ahead (4 * 2K contiguous bytes), 256 bytes per step of 32
     * halves: exactly the bytes the loop will read there, in order. */
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint16_t *w0 = data + r * k;
        const char *pf = (const char *)(r + 8 <= r1 ? w0 + 4 * k : w0);
        const uint16_t *w1 = w0 + (rows > 1 ? 1 : 0) * k;
        const uint16_t *w2 = w0 + (rows > 2 ? 2 : rows - 1) * k;
        const uint16_t *w3 = w0 + (rows > 3 ? 3 : rows - 1) * k;
        __m512 a0 = _mm512_setzero_ps(), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        size_t i = 0;
        for (; i + 32 <= k; i += 32) {
            const __m512 xa = _mm512_loadu_ps(x + i), xb = _mm512_loadu_ps(x + i + 16);
            _mm_prefetch(pf + 8 * i, _MM_HINT_T0), _mm_prefetch(pf + 8 * i + 64, _MM_HINT_T0);
            _mm_prefetch(pf + 8 * i + 128, _MM_HINT_T0), _mm_prefetch(pf + 8 * i + 192, _MM_HINT_T0);
            a0 = fma16(w0 + i, all, xa, a0), b0 = fma16(w0 + i + 16, all, xb, b0);
            a1 = fma16(w1 + i, all, xa, a1), b1 = fma16(w1 + i + 16, all, xb, b1);
            a2 = fma16(w2 + i, all, xa, a2), b2 = fma16(w2 + i + 16, all, xb, b2);
            a3 = fma16(w3 + i, all, xa, a3), b3 = fma16(w3 + i + 16, all, xb, b3);
        }
        for (; i < k; i += 16) { /* masked-out lanes are 0 * 0, an exact +0 */
            const __mmask16 m = k - i >= 16 ? all : (__mmask16)((1u << (k - i)) - 1);
            const __m512 xa = _mm512_maskz_loadu_ps(m, x + i);
            a0 = fma16(w0 + i, m, xa, a0), a1 = fma16(w1 + i, m, xa, a1);
            a2 = fma16(w2 + i, m, xa, a2), a3 = fma16(w3 + i, m, xa, a3);
        }
        const float s[4] = {
            _mm512_reduce_add_ps(_mm512_add_ps(a0, b0)), _mm512_reduce_add_ps(_mm512_add_ps(a1, b1)),
            _mm512_reduce_add_ps(_mm512_add_ps(a2, b2)), _mm512_reduce_add_ps(_mm512_add_ps(a3, b3))};
        for (size_t j = 0; j < rows; j++) y[r + j] = s[j];
    }
}
