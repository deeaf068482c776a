/* ops.c - RMSNorm, RoPE, FFN activations (see ops.h). */
#include <math.h>
#include <sleef.h>
#include <stdint.h>
#include <string.h>

#include "kernels/common/half.h"
#include "model/ops.h"

/* The sum of squares in double, as RMSNORM_LANES partial sums (lane j adds the terms with
 * i % RMSNORM_LANES == j, in order of i), then the lanes added in order 0..7.  One running
 * sum was a chain of dependent additions, about 0.9 ns per element: 14,592 per layer
 * and token made the norms 2% of a decode step and 16% of a prefill.  Eight chains run in
 * parallel; in double precision the order moves the f32 result by at most one rounding in
 * rare cases. */
#define RMSNORM_LANES 8

void bn_rmsnorm(const float *x, const float *gain, size_t n, float eps, float *out)
{
    double lane[RMSNORM_LANES] = {0.0};
    size_t k = 0;
    for (; k + RMSNORM_LANES <= n; k += RMSNORM_LANES)
        for (size_t j = 0; j < RMSNORM_LANES; j++) lane[j] += (double)x[k + j] * (double)x[k + j];
    for (size_t j = 0; k < n; k++, j++) lane[j] += (double)x[k] * (double)x[k];
    double sum = 0.0;
    for (size_t j = 0; j < RMSNORM_LANES; j++) sum += lane[j];
    const float inv = (float)(1.0 / sqrt(sum / (double)n + (double)eps));
    if (gain)
        for (size_t i = 0; i < n; i++) out[i] = x[i] * inv * gain[i];
    else
        for (size_t i = 0; i < n; i++) out[i] = x[i] * inv;
}

void bn_rope_neox(float *head, size_t rot, const float *cos_row, const float *sin_row)
{
    const size_t half = rot / 2;
    for (size_t i = 0; i < half; i++) {
        const float a = head[i], b = head[i + half];
        head[i] = a * cos_row[i] - b * sin_row[i];
        head[i + half] = a * sin_row[i] + b * cos_row[i];
    }
}

/* r = g > 0 ? g : +0 as a bit mask, not a branch: half the gates are negative, in no
 * pattern a branch predictor learns, and the branch cost 2.3 ns per element in a decode
 * step (1.2 ms of 56 ms per token on one thread).  Same bits as the conditional for every
 * input, NaN and -0 included (both give +0). */
void bn_relu2_mul(const float *g, const float *u, size_t n, float *m)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &g[i], sizeof bits);
        bits &= 0u - (uint32_t)(g[i] > 0.0f);
        float r;
        memcpy(&r, &bits, sizeof r);
        m[i] = r * r * u[i];
    }
}

void bn_silu_mul(const float *g, const float *u, size_t n, float *m)
{
    for (size_t i = 0; i < n; i++) m[i] = g[i] / (1.0f + Sleef_expf_u10(-g[i])) * u[i];
}

void bn_scale(float *y, size_t n, float s)
{
    for (size_t i = 0; i < n; i++) y[i] *= s;
}

void bn_add(float *y, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) y[i] += x[i];
}

void bn_f16_row_to_f32(const uint16_t *h, size_t n, float *out)
{
    for (size_t i = 0; i < n; i++) out[i] = bn_half_to_float(h[i]);
}
