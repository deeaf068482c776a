/* model/ops.c: the per-token ops of the forward pass. */
#include <criterion/criterion.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "model/ops.h"

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

/* The branch-free squared ReLU gives the bits of its definition, r = g > 0 ? g : +0,
 * m = r * r * u, for every kind of gate: negative, -0, infinities, NaN, subnormals. */
Test(ops, relu2_mul_has_the_bits_of_the_conditional_definition)
{
    const float gates[] = {1.5f,   -1.5f,   0.0f,   -0.0f, INFINITY, -INFINITY, NAN,  -NAN,
                           1e-45f, -1e-45f, 1e-20f, 3e19f, -3e19f,   0.75f,     -2.0f};
    const float ups[] = {2.0f, -3.0f, -0.0f, 0.0f, INFINITY, NAN};
    enum { NG = sizeof gates / sizeof *gates, NU = sizeof ups / sizeof *ups };
    float g[NG * NU], u[NG * NU], m[NG * NU];
    for (int i = 0; i < NG; i++)
        for (int j = 0; j < NU; j++) g[i * NU + j] = gates[i], u[i * NU + j] = ups[j];
    bn_relu2_mul(g, u, NG * NU, m);
    for (int k = 0; k < NG * NU; k++) {
        const float r = g[k] > 0.0f ? g[k] : 0.0f, want = r * r * u[k];
        if (isnan(want))
            cr_assert(isnan(m[k]), "g %g u %g: %g, want NaN", (double)g[k], (double)u[k], (double)m[k]);
        else
            cr_assert_eq(bits(m[k]), bits(want), "g %g u %g: %a, want %a", (double)g[k], (double)u[k],
                         (double)m[k], (double)want);
    }
}

/* RMSNorm against a long double computation, for lengths that leave every tail of the
 * eight partial sums: within one f32 rounding of the exact result. */
Test(ops, rmsnorm_matches_a_long_double_reference_for_every_tail)
{
    float x[203], gain[203], out[203];
    for (int i = 0; i < 203; i++) {
        x[i] = (float)((i * 7919 % 401) - 200) / 37.0f;
        gain[i] = 0.5f + (float)(i % 13) / 8.0f;
    }
    for (size_t n = 1; n <= 203; n += (n < 24 ? 1 : 17)) {
        bn_rmsnorm(x, gain, n, 1e-5f, out);
        long double sum = 0;
        for (size_t i = 0; i < n; i++) sum += (long double)x[i] * x[i];
        const long double inv = 1.0L / sqrtl(sum / n + 1e-5L);
        for (size_t i = 0; i < n; i++) {
            const long double want = (long double)x[i] * inv * gain[i];
            const double tol = fabs((double)want) * 3.0 * FLT_EPSILON + 1e-30;
            cr_assert(fabs((double)out[i] - (double)want) <= tol, "n %zu i %zu: %.9g, want %.9Lg", n, i,
                      (double)out[i], want);
        }
    }
}
