/*
 * check_f32.c - the F32 cases: GEMM and softmax against ref/f32.c, bit for bit.
 *
 * Case fields: GEMM C[m][n] = A[m][k] B[k][n]; softmax over m rows of k floats.  pad adds
 * floats to every row (B's rows get three times as many, as attention's transposed key
 * cache has a row stride far beyond n).  Every buffer ends flush against a PROT_NONE page
 * and padding floats hold a NaN sentinel, so an over-read faults, a stray write or a
 * forgotten output differs from the twin, and the whole buffers are compared.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/common/harness.h"
#include "ref/ref.h"

#define SENTINEL_BITS 0x7FC0F32Fu /* a NaN nobody computes */

static bool fail(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return false;
}

/* A block of rows x cols floats at a stride of `stride` floats, flush against the guard
 * page (the last row has no padding after it), padding set to the sentinel. */
typedef struct block {
    float *p;
    size_t rows, cols, stride, floats;
} block;

static block make_block(size_t rows, size_t cols, size_t stride)
{
    block b = {NULL, rows, cols, stride, (rows - 1) * stride + cols};
    b.p = bn_guarded_alloc(b.floats * sizeof(float));
    const uint32_t s = SENTINEL_BITS;
    for (size_t i = 0; i < b.floats; i++) memcpy(&b.p[i], &s, sizeof s);
    return b;
}

static float *at(const block *b, size_t r, size_t c) { return &b->p[r * b->stride + c]; }

static block copy_block(const block *src)
{
    block b = make_block(src->rows, src->cols, src->stride);
    memcpy(b.p, src->p, b.floats * sizeof(float));
    return b;
}

/* The first differing float of two blocks of the same shape, or true. */
static bool same_block(const block *got, const block *want, const char *what, char *why, size_t ws)
{
    for (size_t i = 0; i < got->floats; i++) {
        uint32_t g, e;
        memcpy(&g, &got->p[i], 4);
        memcpy(&e, &want->p[i], 4);
        if (g == e) continue;
        size_t r = i / got->stride, c = i % got->stride;
        if (c >= got->cols)
            return fail(why, ws, "%s: padding after row %zu (float %zu) was written", what, r, c);
        return fail(why, ws, "%s[%zu][%zu] = %a (0x%08x), ref %a (0x%08x)", what, r, c, got->p[i], g,
                    want->p[i], e);
    }
    return true;
}

/* GEMM operands by pattern: random values over several binades; PLUS huge values whose
 * sums overflow to +inf; MINUS tiny values whose products are subnormal; ZERO -0 in A;
 * ALT alternating signs of nearly equal magnitudes (cancellation); SPARSE mostly zeros. */
static float gemm_value(bn_pattern p, bn_rng *rng, size_t i, bool is_a)
{
    switch (p) {
    case BN_PAT_PLUS: return 0x1p63f * (1.0f + 0.25f * fabsf(bn_rng_float(rng)));
    case BN_PAT_MINUS: return 0x1p-70f * bn_rng_float(rng);
    case BN_PAT_ZERO: return is_a ? -0.0f : bn_rng_float(rng);
    case BN_PAT_ALT: return (i % 2 ? -1.0f : 1.0f) * (1.0f + 0x1p-20f * bn_rng_float(rng));
    case BN_PAT_SPARSE: return bn_rng_below(rng, 8) == 0 ? 4.0f * bn_rng_float(rng) : 0.0f;
    default: return ldexpf(bn_rng_float(rng), (int)bn_rng_below(rng, 9) - 4);
    }
}

static bool check_f32_gemm(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    const size_t pad = (c->pad + 3) / 4;
    block a = make_block(c->m, c->k, c->k + pad), b = make_block(c->k, c->n, c->n + 3 * pad);
    for (size_t i = 0; i < c->m; i++)
        for (size_t p = 0; p < c->k; p++) *at(&a, i, p) = gemm_value(c->wpat, rng, i + p, true);
    for (size_t p = 0; p < c->k; p++)
        for (size_t j = 0; j < c->n; j++) *at(&b, p, j) = gemm_value(c->wpat, rng, p + j, false);
    const float scale = c->seed % 2 ? 1.0f : 1.0f / sqrtf((float)c->k);
    block got = make_block(c->m, c->n, c->n + pad), want = copy_block(&got);
    bn_status st = bn_f32_gemm(c->kernel, c->m, c->n, c->k, a.p, a.stride * 4, b.p, b.stride * 4, scale,
                               got.p, got.stride * 4);
    bn_f32_gemm__ref(c->m, c->n, c->k, a.p, a.stride * 4, b.p, b.stride * 4, scale, want.p, want.stride * 4);
    bool ok = st == BN_OK ? same_block(&got, &want, "C", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(a.p), bn_guarded_free(b.p), bn_guarded_free(got.p), bn_guarded_free(want.p);
    return ok;
}

/* Softmax rows by pattern: RANDOM values up to +-128; PLUS a row of equal values; MINUS
 * huge positive values among huge negative ones (x - max overflows to -inf); ZERO every
 * entry -inf; SPARSE -inf entries among random ones (a causal mask); ALT values down to
 * -120 below the maximum (exp underflows through the subnormals to 0). */
static float softmax_value(bn_pattern p, bn_rng *rng, size_t t, float row_value)
{
    switch (p) {
    case BN_PAT_PLUS: return row_value;
    case BN_PAT_MINUS:
        return t % 7 == 3 ? 0x1p120f * (1.0f + fabsf(bn_rng_float(rng)))
                          : -0x1.fffffep127f * fabsf(bn_rng_float(rng));
    case BN_PAT_ZERO: return -INFINITY;
    case BN_PAT_SPARSE: return bn_rng_below(rng, 3) == 0 ? -INFINITY : 8.0f * bn_rng_float(rng);
    case BN_PAT_ALT: return t == 0 ? 0.0f : -120.0f * fabsf(bn_rng_float(rng));
    default: return ldexpf(bn_rng_float(rng), (int)bn_rng_below(rng, 8));
    }
}

/* The reference itself: each row with a finite maximum sums to 1 within the rounding of
 * exp (<= 2 ulp), the canonical sum, the division and the products. */
static bool softmax_sums_to_one(const block *x, const block *in, char *why, size_t ws)
{
    const double bound = ((double)x->cols / 16.0 + 12.0) * 0x1p-23;
    for (size_t r = 0; r < x->rows; r++) {
        double sum = 0.0;
        bool any = false;
        for (size_t t = 0; t < x->cols; t++) sum += *at(x, r, t), any |= *at(in, r, t) != -INFINITY;
        if (any ? fabs(sum - 1.0) > bound : sum != 0.0)
            return fail(why, ws, "ref row %zu sums to %.9g (bound %g from %s)", r, sum, bound,
                        any ? "1" : "0");
    }
    return true;
}

static bool check_f32_softmax(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    block in = make_block(c->m, c->k, c->k + (c->pad + 3) / 4);
    for (size_t r = 0; r < c->m; r++) {
        const float row_value = 50.0f * bn_rng_float(rng);
        for (size_t t = 0; t < c->k; t++) *at(&in, r, t) = softmax_value(c->xpat, rng, t, row_value);
    }
    block got = copy_block(&in), want = copy_block(&in);
    bn_status st = bn_f32_softmax(c->kernel, c->m, c->k, got.p, got.stride * 4);
    bn_f32_softmax__ref(c->m, c->k, want.p, want.stride * 4);
    bool ok = st == BN_OK ? same_block(&got, &want, "x", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    if (ok) ok = softmax_sums_to_one(&want, &in, why, ws);
    bn_guarded_free(in.p), bn_guarded_free(got.p), bn_guarded_free(want.p);
    return ok;
}

bool bn_f32_case_check(const bn_case *c, bn_rng *rng, char *why, size_t why_size)
{
    if (c->m == 0 || c->k == 0 || (bn_kernel_op(c->kernel) == BN_OP_GEMM && c->n == 0))
        return fail(why, why_size, "F32 case needs positive m, k (and n for GEMM)");
    switch (bn_kernel_op(c->kernel)) {
    case BN_OP_GEMM: return check_f32_gemm(c, rng, why, why_size);
    case BN_OP_SOFTMAX: return check_f32_softmax(c, rng, why, why_size);
    default: return fail(why, why_size, "no F32 check for op %s", bn_op_name(bn_kernel_op(c->kernel)));
    }
}
