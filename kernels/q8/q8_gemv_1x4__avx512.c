/* bn_q8_gemv_1x4__avx512 - Q8 (int8 head) GEMV with AVX-512 VNNI, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token, bit-identical to ref/q8.c; int8 rows
 * of K codes, row scales at bn_q8_scales_offset, unaligned buffers; any K <= 65536 and row
 * count (a tail of 1..3 rows recomputes the last valid row and drops the copies); reads
 * x->qsum (the A8 code sum); no over-read (the K % 64 tail uses masked loads).
 * Algorithm: vpdpbusd multiplies unsigned bytes by signed bytes, so each weight code is
 * biased to w + 128 in [0, 255] (an xor with 0x80) and multiplied by the signed activation;
 * per row sum (w + 128) * a = acc + 128 * qsum, so acc = that - 128 * qsum, exactly.  Any
 * partial sum is at most 255 * 128 * 65536 < 2^31 in magnitude: no wrap (and int32 wrap
 * would cancel anyway).  The masked tail loads zeros for both operands: (0 + 128) * 0 = 0.
 * The step's 64 activations are loaded once for four rows; the weight block four rows
 * ahead is prefetched.  Epilogue in scalar f32, ((float)acc / s) * scale[r], as the ref.
 * Registers: 4 accumulators + a + bias + 1 temporary. */
#include <immintrin.h>

#include "kernels/common/q8.h"
#include "kernels/kernel.h"

bn_gemv_fn bn_q8_gemv_1x4__avx512;

/* acc + sum over 4-byte groups of (w + 128) * a: vpdpbusd with the biased codes unsigned */
static inline __m512i dot64(const int8_t *w, __mmask64 m, __m512i a, __m512i bias, __m512i acc)
{
    return _mm512_dpbusd_epi32(acc, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, w), bias), a);
}

void bn_q8_gemv_1x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                            float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows && w->cols <= 65536);
    const size_t k = w->cols, body = k / 64 * 64, rest = k % 64;
    const int8_t *codes = w->data;
    const uint8_t *scales = bn_q8_row_scales(w);
    const float s = x->scale[0];
    const int32_t bias_sum = 128 * x->qsum[0];
    const __mmask64 all = ~(__mmask64)0, tail = rest ? (((__mmask64)1 << rest) - 1) : 0;
    const __m512i bias = _mm512_set1_epi8((char)0x80);
    const __m512i a_tail = _mm512_maskz_loadu_epi8(tail, x->q + body);
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const int8_t *wr[4];
        for (size_t j = 0; j < 4; j++) wr[j] = codes + (r + (j < rows ? j : rows - 1)) * k;
        const int8_t *w0 = wr[0], *w1 = wr[1], *w2 = wr[2], *w3 = wr[3];
        const char *pf = (const char *)(r + 8 <= r1 ? w0 + 4 * k : w0);
        __m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0;
        for (size_t i = 0; i < body; i += 64) {
            const __m512i a = _mm512_loadu_si512(x->q + i);
            const char *p = pf + 4 * i;
            _mm_prefetch(p, _MM_HINT_T0), _mm_prefetch(p + 64, _MM_HINT_T0);
            _mm_prefetch(p + 128, _MM_HINT_T0), _mm_prefetch(p + 192, _MM_HINT_T0);
            c0 = dot64(w0 + i, all, a, bias, c0), c1 = dot64(w1 + i, all, a, bias, c1);
            c2 = dot64(w2 + i, all, a, bias, c2), c3 = dot64(w3 + i, all, a, bias, c3);
        }
        if (rest) {
            c0 = dot64(w0 + body, tail, a_tail, bias, c0), c1 = dot64(w1 + body, tail, a_tail, bias, c1);
            c2 = dot64(w2 + body, tail, a_tail, bias, c2), c3 = dot64(w3 + body, tail, a_tail, bias, c3);
        }
        const int32_t acc[4] = {
            _mm512_reduce_add_epi32(c0) - bias_sum, _mm512_reduce_add_epi32(c1) - bias_sum,
            _mm512_reduce_add_epi32(c2) - bias_sum, _mm512_reduce_add_epi32(c3) - bias_sum};
        bn_q8_store_rows(y, r, rows, acc, scales, s);
    }
}
