/*
 * f32.c - F32, IEEE 754 binary32: the float steps of attention (scores, softmax, weighted
 * values) in one canonical order, so that every kernel, whatever its vector width, gives
 * the same bits, and a model gives the same logits under every ISA cap and whether tokens
 * come one by one (decode) or in a batch (prefill).
 *
 * GEMM: c[i][j] = (sum over p of a[i][p] * b[p][j]) * scale, for i < m, j < n.
 *   Each c[i][j] starts at +0 and adds, for p = 0, 1, ..., k-1 in order, the f32 product
 *   a[i][p] * b[p][j]: multiply rounded, then add rounded; no fused multiply-add.  The sum
 *   is then multiplied by `scale` (one more rounding; scale = 1 leaves it unchanged).
 *   Outputs are independent, so the order vectorises along j with no reassociation.
 *   Attention uses it for scores (A = queries, B = the transposed key cache, scale =
 *   1/sqrt(head_dim)) and for outputs (A = softmax weights, B = the value cache, scale 1).
 *
 * exp_canonical(x): only correctly rounded IEEE operations, so any ISA reproduces it:
 *   1. clamp: x = (x > -104 ? x : -104), then x = (x < 89 ? x : 89).  exp(-104) is below
 *      half the smallest subnormal (rounds to 0), exp(89) above FLT_MAX (rounds to inf);
 *      -inf becomes -104 and so gives +0.
 *   2. n = round-to-nearest-even(x * log2e), computed as t = x * log2e + 0x1.8p23 (the add
 *      rounds to an integer because |x * log2e| < 2^22), nf = t - 0x1.8p23 (exact), and the
 *      integer n from t's low mantissa bits: n = bits(t) - bits(0x1.8p23).
 *   3. Cody-Waite reduction: r = (x - nf * LN2_HI) - nf * LN2_LO with LN2_HI = 0x1.62e4p-1
 *      (15 significant bits, so nf * LN2_HI is exact for |n| <= 2^9 and the subtraction
 *      is exact by Sterbenz) and LN2_LO = 0x1.7f7d1cp-20.  |r| <= ln2/2 + a few ulp.
 *   4. p = exp(r) by the degree-7 Taylor polynomial in Horner form, coefficients 1/i!
 *      rounded to f32: p = 1/5040; p = p*r + 1/720; p = p*r + 1/120; p = p*r + 1/24;
 *      p = p*r + 1/6; p = p*r + 1/2; p = p*r + 1; p = p*r + 1 (each * and + rounded).
 *   5. scale by 2^n in two exact powers of two built from bits: n1 = n >> 1 (arithmetic),
 *      n2 = n - n1, y = (p * 2^n1) * 2^n2.  Both factors are normal for n in [-150, 129];
 *      the first product is exact, the second rounds once, so subnormal results are
 *      correctly rounded from p and underflow to +0 is consistent.
 *   Measured over every binary32 in [-104, 0] and [0, 88.72] against exp in double: at
 *   most 1.22 ulp (docs/formats.md, tests/test_f32.c).
 *
 * Softmax of one row x[0..len-1] in place:
 *   1. m = the maximum (exact; the sign of a zero maximum does not matter below).
 *   2. If m is -inf (every entry -inf: nothing to attend to) the row becomes +0s.
 *   3. e[t] = exp_canonical(x[t] - m) (one f32 subtraction), stored in x[t].
 *   4. sum in sixteen partial sums as the F16 head (ref/f16.c): acc[j] = +0, for t in
 *      order acc[t % 16] += e[t]; then t[j] = acc[j] + acc[j+8], u[j] = t[j] + t[j+4],
 *      v[j] = u[j] + u[j+2], sum = v[0] + v[1].  sum >= 1 because e = 1 at the maximum.
 *   5. inv = 1 / sum (one f32 division), x[t] = e[t] * inv.
 *   Inputs must be finite or -inf; NaN or +inf entries give unspecified values.
 */
#include <math.h>
#include <string.h>

#include "ref/ref.h"

#define EXP_LO (-104.0f)
#define EXP_HI 89.0f
#define EXP_LOG2E 0x1.715476p+0f
#define EXP_ROUNDER 0x1.8p23f
#define EXP_LN2_HI 0x1.62e4p-1f
#define EXP_LN2_LO 0x1.7f7d1cp-20f

static float f32_from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits_of_f32(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* 2^e for e in [-126, 127], built from its exponent bits. */
static float pow2(int32_t e) { return f32_from_bits((uint32_t)(e + 127) << 23); }

float bn_f32_exp__ref(float x)
{
    x = x > EXP_LO ? x : EXP_LO;
    x = x < EXP_HI ? x : EXP_HI;
    const float t = x * EXP_LOG2E + EXP_ROUNDER;
    const float nf = t - EXP_ROUNDER;
    const int32_t n = (int32_t)(bits_of_f32(t) - bits_of_f32(EXP_ROUNDER));
    const float r = (x - nf * EXP_LN2_HI) - nf * EXP_LN2_LO;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int32_t n1 = n >> 1, n2 = n - n1;
    return (p * pow2(n1)) * pow2(n2);
}

void bn_f32_gemm__ref(size_t m, size_t n, size_t k, const float *restrict a, size_t a_stride,
                      const float *restrict b, size_t b_stride, float scale, float *restrict c,
                      size_t c_stride)
{
    for (size_t i = 0; i < m; i++) {
        const float *ai = (const float *)((const char *)a + i * a_stride);
        float *ci = (float *)((char *)c + i * c_stride);
        for (size_t j = 0; j < n; j++) {
            float sum = 0.0f;
            for (size_t p = 0; p < k; p++) {
                const float *bp = (const float *)((const char *)b + p * b_stride);
                float product = ai[p] * bp[j];
                sum = sum + product;
            }
            ci[j] = sum * scale;
        }
    }
}

void bn_f32_softmax__ref(size_t rows, size_t len, float *x, size_t x_stride)
{
    for (size_t r = 0; r < rows; r++) {
        float *row = (float *)((char *)x + r * x_stride);
        float m = -INFINITY;
        for (size_t t = 0; t < len; t++) m = row[t] > m ? row[t] : m;
        if (m == -INFINITY) {
            for (size_t t = 0; t < len; t++) row[t] = 0.0f;
            continue;
        }
        float acc[16] = {0};
        for (size_t t = 0; t < len; t++) {
            row[t] = bn_f32_exp__ref(row[t] - m);
            acc[t % 16] = acc[t % 16] + row[t];
        }
        float tt[8], u[4], v[2];
        for (int j = 0; j < 8; j++) tt[j] = acc[j] + acc[j + 8];
        for (int j = 0; j < 4; j++) u[j] = tt[j] + tt[j + 4];
        for (int j = 0; j < 2; j++) v[j] = u[j] + u[j + 2];
        const float inv = 1.0f / (v[0] + v[1]);
        for (size_t t = 0; t < len; t++) row[t] = row[t] * inv;
    }
}
