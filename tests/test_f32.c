/*
 * test_f32.c - the F32 format: exp_canonical's accuracy against exp in double, its special
 * values, softmax and GEMM properties of the reference, and the argument checks of the
 * public wrappers bn_f32_gemm / bn_f32_softmax.  Bit-exactness of every kernel against
 * the reference is the conformance harness's job (harness/common/check_f32.c).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "ref/ref.h"

/* Error of y in units in the last place of the correctly rounded exact value (binary32
 * spacing at |exact|, 2^-149 in the subnormal range). */
static double ulp_error(float y, double exact)
{
    int e;
    frexp(exact, &e); /* exact = f * 2^e, f in [0.5, 1) */
    double ulp = ldexp(1.0, (e - 1 < -126 ? -126 : e - 1) - 23);
    return fabs((double)y - exact) / ulp;
}

static uint32_t bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* Every 61st binary32 from -0 down to -104 and from +0 up to 88.72 (the whole range
 * softmax and any other user can reach): at most 2 ulp, as docs/formats.md promises.
 * docs/formats.md gives the maximum of the exhaustive sweep (conform's exp pass). */
Test(f32, exp_within_two_ulp_sampled)
{
    double worst = 0.0;
    float worst_x = 0.0f;
    for (uint32_t u = 0x80000000u; u <= bits(-104.0f); u += 61) {
        float x = from_bits(u), y = bn_f32_exp__ref(x);
        double err = ulp_error(y, exp((double)x));
        if (err > worst) worst = err, worst_x = x;
    }
    for (uint32_t u = 0; u <= bits(88.72f); u += 61) {
        float x = from_bits(u), y = bn_f32_exp__ref(x);
        double err = ulp_error(y, exp((double)x));
        if (err > worst) worst = err, worst_x = x;
    }
    cr_expect_leq(worst, 2.0, "exp_canonical(%a) is %.3f ulp from exp", worst_x, worst);
    cr_log_info("exp_canonical: max %.4f ulp (sampled) at %a", worst, worst_x);
}

Test(f32, exp_special_values)
{
    cr_expect_eq(bits(bn_f32_exp__ref(0.0f)), bits(1.0f));
    cr_expect_eq(bits(bn_f32_exp__ref(-0.0f)), bits(1.0f));
    cr_expect_eq(bits(bn_f32_exp__ref(-INFINITY)), bits(0.0f), "exp(-inf) must be +0");
    cr_expect_eq(bits(bn_f32_exp__ref(-1000.0f)), bits(0.0f));
    cr_expect_eq(bits(bn_f32_exp__ref(-0x1.fffffep127f)), bits(0.0f));
    cr_expect(isinf(bn_f32_exp__ref(89.0f)) && bn_f32_exp__ref(89.0f) > 0, "exp(89) overflows to +inf");
    cr_expect(isinf(bn_f32_exp__ref(INFINITY)), "exp(+inf) = +inf");
    /* exp(-103.5) ~ 1.2e-45: the smallest subnormal 2^-149 (1.4e-45), not 0 */
    cr_expect_eq(bits(bn_f32_exp__ref(-103.5f)), 1u, "got %a", bn_f32_exp__ref(-103.5f));
    /* the subnormal range is correctly rounded from the polynomial, and monotone */
    float prev = 0.0f;
    for (float x = -104.0f; x < -80.0f; x += 0.015625f) {
        float y = bn_f32_exp__ref(x);
        cr_expect(y >= prev, "exp not monotone at %a: %a < %a", x, y, prev);
        cr_expect_leq(ulp_error(y, exp((double)x)), 2.0, "exp(%a) = %a", x, y);
        prev = y;
    }
}

Test(f32, softmax_reference_rows)
{
    float x[5] = {3.0f, 3.0f, 3.0f, 3.0f, -INFINITY};
    bn_f32_softmax__ref(1, 5, x, sizeof x);
    for (int i = 0; i < 4; i++)
        cr_expect_eq(x[i], 0.25f, "equal values get exactly 1/4, x[%d] = %a", i, x[i]);
    cr_expect_eq(bits(x[4]), bits(0.0f), "-inf gets +0");

    float one[1] = {-1e30f};
    bn_f32_softmax__ref(1, 1, one, sizeof one);
    cr_expect_eq(one[0], 1.0f, "len 1 gives 1");

    float masked[3] = {-INFINITY, -INFINITY, -INFINITY};
    bn_f32_softmax__ref(1, 3, masked, sizeof masked);
    for (int i = 0; i < 3; i++) cr_expect_eq(bits(masked[i]), bits(0.0f), "a row of -inf gives +0s");

    /* two rows at a stride with a float of padding in between that stays untouched */
    float two[5] = {0.0f, 0.0f, 7.0f, 1.0f, 1.0f};
    bn_f32_softmax__ref(2, 2, two, 3 * sizeof(float));
    cr_expect(two[0] == 0.5f && two[1] == 0.5f && two[2] == 7.0f && two[3] == 0.5f && two[4] == 0.5f);
}

Test(f32, gemm_reference_order)
{
    /* 1 + 2^-24 + 2^-24: summed in order of k from +0 the two small terms are each lost to
     * rounding (ties to even), a reassociated sum would keep them. */
    const float a[3] = {1.0f, 0x1p-24f, 0x1p-24f}, b[3] = {1.0f, 1.0f, 1.0f};
    float c = -1.0f;
    bn_f32_gemm__ref(1, 1, 3, a, sizeof a, b, sizeof(float), 1.0f, &c, sizeof c);
    cr_expect_eq(c, 1.0f, "canonical order gives 1, got %a", c);
    /* -0 products: the sum starts at +0, so the result is +0 */
    const float z[2] = {-0.0f, -0.0f};
    bn_f32_gemm__ref(1, 1, 2, z, sizeof z, b, sizeof(float), 1.0f, &c, sizeof c);
    cr_expect_eq(bits(c), bits(0.0f));
    /* scale is applied after the sum */
    const float big[2] = {0x1p127f, 0x1p127f};
    bn_f32_gemm__ref(1, 1, 2, big, sizeof big, b, sizeof(float), 0.25f, &c, sizeof c);
    cr_expect(isinf(c), "the sum overflows before the scale, got %a", c);
}

static const bn_kernel *kernel(bn_op op)
{
    const bn_kernel *k;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_F32, op, &k), BN_OK, "%s", bn_last_error());
    return k;
}

#define REFUSED(call, needle)                                                                          \
    do {                                                                                               \
        bn_clear_error();                                                                              \
        bn_status st_ = (call);                                                                        \
        cr_expect_neq(st_, BN_OK, "%s was accepted", #call);                                           \
        cr_expect(strstr(bn_last_error(), needle) != NULL, "%s: expected '%s' in '%s'", #call, needle, \
                  bn_last_error());                                                                    \
    } while (0)

Test(f32, wrappers_refuse_bad_arguments)
{
    const bn_kernel *gemm = kernel(BN_OP_GEMM), *softmax = kernel(BN_OP_SOFTMAX), *f16;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_F16, BN_OP_GEMV, &f16), BN_OK);
    float a[8] = {0}, b[8] = {0}, c[8] = {0};
    cr_expect_eq(bn_f32_gemm(gemm, 2, 2, 2, a, 8, b, 8, 1.0f, c, 8), BN_OK, "%s", bn_last_error());
    REFUSED(bn_f32_gemm(NULL, 2, 2, 2, a, 8, b, 8, 1.0f, c, 8), "NULL");
    REFUSED(bn_f32_gemm(softmax, 2, 2, 2, a, 8, b, 8, 1.0f, c, 8), "softmax");
    REFUSED(bn_f32_gemm(f16, 2, 2, 2, a, 8, b, 8, 1.0f, c, 8), "gemv");
    REFUSED(bn_f32_gemm(gemm, 0, 2, 2, a, 8, b, 8, 1.0f, c, 8), "m = 0");
    REFUSED(bn_f32_gemm(gemm, 2, 2, 2, NULL, 8, b, 8, 1.0f, c, 8), "A is NULL");
    REFUSED(bn_f32_gemm(gemm, 2, 2, 2, a, 4, b, 8, 1.0f, c, 8), "A stride 4");
    REFUSED(bn_f32_gemm(gemm, 2, 2, 2, a, 8, b, 10, 1.0f, c, 8), "B stride 10");
    REFUSED(bn_f32_gemm(gemm, 2, 2, 2, a, 8, b, 8, 1.0f, (float *)((char *)c + 1), 8), "aligned");
    REFUSED(bn_f32_gemm(gemm, 2, 2, 2, a, 8, b, 8, 1.0f, a + 2, 8), "overlaps");
    REFUSED(bn_f32_gemm(gemm, 4, 2, 2, a, SIZE_MAX / 8 * 4, b, 8, 1.0f, c, 8), "overflows");

    cr_expect_eq(bn_f32_softmax(softmax, 2, 3, a, 12), BN_OK, "%s", bn_last_error());
    REFUSED(bn_f32_softmax(gemm, 2, 3, a, 12), "gemm");
    REFUSED(bn_f32_softmax(softmax, 2, 3, NULL, 12), "x is NULL");
    REFUSED(bn_f32_softmax(softmax, 0, 3, a, 12), "rows = 0");
    REFUSED(bn_f32_softmax(softmax, 2, 3, a, 8), "x stride 8");
}

Test(f32, wrappers_count_calls)
{
    const bn_kernel *softmax = kernel(BN_OP_SOFTMAX);
    float x[4] = {1.0f, 2.0f, 3.0f, 4.0f};
    const uint64_t before = bn_kernel_counter(softmax).calls;
    cr_assert_eq(bn_f32_softmax(softmax, 1, 4, x, sizeof x), BN_OK);
    cr_expect_eq(bn_kernel_counter(softmax).calls, before + 1);
}
