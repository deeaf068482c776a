/*
 * check.c - run one kernel and its reference twin on one case and compare.
 *
 * Inputs are generated from the case (shape, patterns, seed) so a case string reruns
 * exactly.  Every buffer a kernel reads or writes ends flush against a PROT_NONE page;
 * outputs are pre-filled with different junk for the kernel and the twin, so a byte the
 * kernel forgets to write differs; GEMV/GEMM outputs outside [r0, r1) must stay untouched.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/common/harness.h"
#include "ref/ref.h"

#define SENTINEL_BITS 0x7FC0BEEFu /* a NaN nobody computes */

static bool fail(char *why, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *why, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    return false;
}

/* ---- case strings */

void bn_case_format(const bn_case *c, char *buf, size_t size)
{
    snprintf(buf, size, "%s:m=%zu,k=%zu,n=%zu,r0=%zu,r1=%zu,lr=%u,w=%s,x=%s,pad=%zu,seed=%" PRIu64,
             bn_kernel_name(c->kernel), c->m, c->k, c->n, c->r0, c->r1, c->layout_rows,
             bn_pattern_name(c->wpat), bn_pattern_name(c->xpat), c->pad, c->seed);
}

bool bn_case_parse(const char *text, bn_case *c, char *err, size_t err_size)
{
    char name[160];
    const char *colon = strchr(text, ':');
    if (!colon || (size_t)(colon - text) >= sizeof name)
        return fail(err, err_size, "case '%s': expected KERNEL:key=value,...", text);
    memcpy(name, text, (size_t)(colon - text));
    name[colon - text] = '\0';
    memset(c, 0, sizeof *c);
    c->kernel = bn_registry_find(name);
    if (!c->kernel) return fail(err, err_size, "case '%s': no kernel '%s' in this build", text, name);
    c->layout_rows = 1;
    char buf[512];
    snprintf(buf, sizeof buf, "%s", colon + 1);
    char *save = NULL;
    for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) return fail(err, err_size, "case '%s': '%s' is not key=value", text, kv);
        *eq = '\0';
        const char *key = kv, *val = eq + 1;
        char *end;
        unsigned long long num = strtoull(val, &end, 10);
        bool numeric = *val && *end == '\0';
        if (strcmp(key, "w") == 0 || strcmp(key, "x") == 0) {
            int p = bn_pattern_from_name(val);
            if (p < 0) return fail(err, err_size, "case '%s': unknown pattern '%s'", text, val);
            if (key[0] == 'w')
                c->wpat = (bn_pattern)p;
            else
                c->xpat = (bn_pattern)p;
            continue;
        }
        if (!numeric) return fail(err, err_size, "case '%s': %s=%s is not a number", text, key, val);
        if (strcmp(key, "m") == 0)
            c->m = num;
        else if (strcmp(key, "k") == 0)
            c->k = num;
        else if (strcmp(key, "n") == 0)
            c->n = num;
        else if (strcmp(key, "r0") == 0)
            c->r0 = num;
        else if (strcmp(key, "r1") == 0)
            c->r1 = num;
        else if (strcmp(key, "lr") == 0)
            c->layout_rows = (unsigned)num;
        else if (strcmp(key, "pad") == 0)
            c->pad = num;
        else if (strcmp(key, "seed") == 0)
            c->seed = num;
        else
            return fail(err, err_size, "case '%s': unknown key '%s'", text, key);
    }
    return true;
}

/* ---- input generation */

static int ternary_value(bn_pattern p, bn_rng *rng, size_t i)
{
    switch (p) {
    case BN_PAT_PLUS: return 1;
    case BN_PAT_MINUS: return -1;
    case BN_PAT_ZERO: return 0;
    case BN_PAT_ALT: return (i % 2) ? -1 : 1;
    case BN_PAT_SPARSE: return bn_rng_below(rng, 16) == 0 ? (bn_rng_below(rng, 2) ? 1 : -1) : 0;
    default: return (int)bn_rng_below(rng, 3) - 1;
    }
}

static int8_t code_value(bn_pattern p, bn_rng *rng, size_t i)
{
    switch (p) {
    case BN_PAT_PLUS: return 127;
    case BN_PAT_MINUS: return -128;
    case BN_PAT_ZERO: return 0;
    case BN_PAT_ALT: return (i % 2) ? -128 : 127;
    case BN_PAT_SPARSE: return bn_rng_below(rng, 16) == 0 ? (bn_rng_below(rng, 2) ? 127 : -128) : 0;
    default: return (int8_t)((int)bn_rng_below(rng, 256) - 128);
    }
}

/* A positive weight or activation scale spread over several binades. */
static float random_scale(bn_rng *rng)
{
    return ldexpf(0.5f + 0.5f * fabsf(bn_rng_float(rng)), (int)bn_rng_below(rng, 16) - 8);
}

/* Canonical ternary matrix [m][k] (row stride k). */
static int8_t *make_ternary(const bn_case *c, bn_rng *rng)
{
    int8_t *t = malloc(c->m * c->k + 1);
    for (size_t i = 0; i < c->m * c->k; i++) t[i] = (int8_t)ternary_value(c->wpat, rng, i);
    return t;
}

/* Q8 code of a pattern: +-127 extremes (the codes are symmetric, -128 is never written),
 * uniform random codes, or (CODE3, CODE3_ALL: the ternary "invalid" patterns) every
 * valid code / all -127. */
static int8_t q8_code_value(bn_pattern p, bn_rng *rng, size_t i)
{
    switch (p) {
    case BN_PAT_PLUS: return 127;
    case BN_PAT_MINUS:
    case BN_PAT_CODE3_ALL: return -127;
    case BN_PAT_ZERO: return 0;
    case BN_PAT_ALT: return (i % 2) ? -127 : 127;
    case BN_PAT_SPARSE: return bn_rng_below(rng, 16) == 0 ? (bn_rng_below(rng, 2) ? 127 : -127) : 0;
    default: return (int8_t)((int)bn_rng_below(rng, 255) - 127);
    }
}

/* A Q8 matrix: codes by pattern with every fifth row all zero (scale 0, as quant writes
 * for a zero row) in the random patterns, then the row scales at their offset. */
static void make_q8(const bn_case *c, bn_rng *rng, uint8_t *w)
{
    const bool random = c->wpat == BN_PAT_RANDOM || c->wpat == BN_PAT_CODE3;
    uint8_t *scales = w + bn_q8_scales_offset(c->m, c->k);
    for (size_t r = 0; r < c->m; r++) {
        const bool zero_row = random && r % 5 == 3;
        for (size_t i = 0; i < c->k; i++)
            w[r * c->k + i] = (uint8_t)(zero_row ? 0 : q8_code_value(c->wpat, rng, r * c->k + i));
        const float rs = zero_row ? 0.0f : random_scale(rng) / 127.0f;
        memcpy(scales + 4 * r, &rs, sizeof rs);
    }
    for (size_t i = c->m * c->k; i < bn_q8_scales_offset(c->m, c->k); i++) w[i] = (uint8_t)bn_rng_next(rng);
}

/* A weight buffer in the case's format and layout: packed by the twin from a ternary
 * matrix, or raw random bytes for the CODE3 pattern (invalid codes included), with the
 * QK256 padding poisoned so a kernel that lets padding count fails; CODE3_ALL fills every
 * byte with 0xFF. */
static uint8_t *make_weights(const bn_case *c, bn_rng *rng, size_t *bytes, float *ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    if (bn_weights_bytes(f, c->m, c->k, c->layout_rows, bytes) != BN_OK) return NULL;
    uint8_t *w = bn_guarded_alloc(*bytes);
    *ws = random_scale(rng);
    if (f == BN_FORMAT_Q8) {
        make_q8(c, rng, w);
        *ws = 1.0f;
        return w;
    }
    if (c->wpat == BN_PAT_CODE3 || c->wpat == BN_PAT_CODE3_ALL) {
        for (size_t i = 0; i < *bytes; i++) w[i] = c->wpat == BN_PAT_CODE3 ? (uint8_t)bn_rng_next(rng) : 0xFF;
        bn_tail_store(w + *bytes - BN_TAIL_BYTES, *ws);
    } else {
        int8_t *t = make_ternary(c, rng);
        bn_ref_twin(f, BN_OP_PACK).pack(c->m, c->k, t, c->k, *ws, c->layout_rows, w);
        free(t);
    }
    if (f == BN_FORMAT_QK256 && c->k % BN_QK256_BLOCK) {
        size_t stride = bn_qk256_row_bytes(c->k);
        for (size_t r = 0; r < c->m; r++)
            for (size_t col = c->k; col < bn_div_up(c->k, BN_QK256_BLOCK) * BN_QK256_BLOCK; col++) {
                size_t within = col % BN_I2S_GROUP;
                uint8_t *b = &w[r * stride + (col / BN_I2S_GROUP) * 32 + within % 32];
                unsigned shift = 6 - 2 * (unsigned)(within / 32);
                *b = (uint8_t)((*b & ~(3u << shift)) | ((bn_rng_next(rng) & 3u) << shift));
            }
    }
    return w;
}

/* A8 activations for n tokens: codes by pattern, a random scale, the exact code sum,
 * and (TL formats) tables from the twin. */
typedef struct acts {
    int8_t *q;
    float *scale;
    int32_t *qsum;
    uint8_t *lut;
    size_t q_stride, lut_stride;
    bn_act view;
} acts;

static void make_acts(const bn_case *c, bn_rng *rng, size_t n, acts *a)
{
    bn_format f = bn_kernel_format(c->kernel);
    a->q_stride = c->k + c->pad;
    a->q = bn_guarded_alloc(n * a->q_stride);
    a->scale = bn_guarded_alloc(n * sizeof(float));
    a->qsum = bn_guarded_alloc(n * sizeof(int32_t));
    for (size_t t = 0; t < n; t++) {
        int32_t sum = 0;
        for (size_t i = 0; i < c->k; i++) sum += a->q[t * a->q_stride + i] = code_value(c->xpat, rng, i);
        for (size_t i = c->k; i < a->q_stride; i++) a->q[t * a->q_stride + i] = (int8_t)bn_rng_next(rng);
        a->scale[t] = random_scale(rng) * 127.0f;
        a->qsum[t] = sum;
    }
    a->lut = NULL;
    a->lut_stride = 0;
    if (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2) {
        size_t table;
        bn_lut_bytes(f, c->k, &table);
        a->lut_stride = table + (c->pad + 31) / 32 * 32;
        a->lut = bn_guarded_alloc(n * a->lut_stride);
        bn_ref_twin(f, BN_OP_LUT).lut(n, c->k, a->q, a->q_stride, a->lut, a->lut_stride);
    }
    bn_act v = {a->q, a->q_stride, a->scale, a->qsum, a->lut, a->lut_stride};
    a->view = v;
}

static void free_acts(acts *a)
{
    bn_guarded_free(a->q);
    bn_guarded_free(a->scale);
    bn_guarded_free(a->qsum);
    bn_guarded_free(a->lut);
}

/* f32 input rows by pattern: for A8 quant (magnitudes over many binades, exact ties) and
 * for weight quant (ternary times a scale, with near-zero noise below the 1e-6 cut). */
static float *make_floats(const bn_case *c, bn_rng *rng, size_t rows, size_t stride_floats,
                          bool ternary_times_scale)
{
    float *x = bn_guarded_alloc(rows * stride_floats * sizeof(float));
    float ws = random_scale(rng);
    for (size_t r = 0; r < rows; r++) {
        float mag = random_scale(rng) * (bn_rng_below(rng, 4) == 0 ? 1e-6f : 1.0f);
        for (size_t i = 0; i < stride_floats; i++) {
            float v;
            if (ternary_times_scale) {
                int t = ternary_value(c->wpat, rng, r * c->k + i);
                v = t ? (float)t * ws : (bn_rng_below(rng, 4) == 0 ? 5e-7f * bn_rng_float(rng) : 0.0f);
            } else if (c->xpat == BN_PAT_TIES) {
                /* amax = 127 gives s = 1 exactly, so j + 0.5 is an exact rounding tie. */
                v = i == 0 ? 127.0f : (float)((int)bn_rng_below(rng, 254) - 127) + 0.5f;
            } else if (c->xpat == BN_PAT_ZERO) {
                v = 0.0f;
            } else if (c->xpat == BN_PAT_PLUS || c->xpat == BN_PAT_MINUS) {
                v = c->xpat == BN_PAT_PLUS ? mag : -mag;
            } else if (c->xpat == BN_PAT_SPARSE) {
                v = bn_rng_below(rng, 8) == 0 ? mag * bn_rng_float(rng) * 1e-5f : 0.0f; /* below the floor */
            } else {
                v = mag * bn_rng_float(rng);
            }
            x[r * stride_floats + i] = v;
        }
    }
    return x;
}

static void fill(void *p, size_t bytes, uint8_t v) { memset(p, v, bytes); }

/* ---- the checks, one per op */

static bool check_a8_quant(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    size_t n = c->n ? c->n : 1, xs = c->k + (c->pad + 3) / 4, qs = c->k + c->pad;
    float *x = make_floats(c, rng, n, xs, false);
    int8_t *q[2] = {bn_guarded_alloc(n * qs), bn_guarded_alloc(n * qs)};
    float *s[2] = {bn_guarded_alloc(n * 4), bn_guarded_alloc(n * 4)};
    int32_t *sum[2] = {bn_guarded_alloc(n * 4), bn_guarded_alloc(n * 4)};
    fill(q[0], n * qs, 0xA5), fill(q[1], n * qs, 0xA5);
    bn_status st = bn_a8_quantize(c->kernel, n, c->k, x, xs * 4, q[0], qs, s[0], sum[0]);
    bn_a8_quant__ref(n, c->k, x, xs * 4, q[1], qs, s[1], sum[1]);
    bool ok = st == BN_OK || fail(why, ws, "call failed: %s", bn_last_error());
    for (size_t t = 0; ok && t < n; t++) {
        if (memcmp(&s[0][t], &s[1][t], 4))
            ok = fail(why, ws, "token %zu: scale %a != ref %a", t, s[0][t], s[1][t]);
        else if (sum[0][t] != sum[1][t])
            ok = fail(why, ws, "token %zu: qsum %d != ref %d", t, sum[0][t], sum[1][t]);
        for (size_t i = 0; ok && i < qs; i++)
            if (q[0][t * qs + i] != q[1][t * qs + i])
                ok = fail(why, ws, "token %zu: q[%zu] = %d, ref %d (x = %a)", t, i, q[0][t * qs + i],
                          q[1][t * qs + i], i < c->k ? x[t * xs + i] : 0.0f);
    }
    bn_guarded_free(x);
    for (int i = 0; i < 2; i++) bn_guarded_free(q[i]), bn_guarded_free(s[i]), bn_guarded_free(sum[i]);
    return ok;
}

static bool compare_bytes(const uint8_t *got, const uint8_t *want, size_t bytes, const char *what, char *why,
                          size_t ws)
{
    for (size_t i = 0; i < bytes; i++)
        if (got[i] != want[i])
            return fail(why, ws, "%s: byte %zu of %zu is 0x%02x, ref 0x%02x", what, i, bytes, got[i],
                        want[i]);
    return true;
}

static bool check_weight_quant(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    size_t stride = c->k + (c->pad + 3) / 4, bytes;
    bn_weights_bytes(f, c->m, c->k, 1, &bytes);
    float *w = make_floats(c, rng, c->m, stride, true);
    uint8_t *out[2] = {bn_guarded_alloc(bytes), bn_guarded_alloc(bytes)};
    fill(out[0], bytes, 0xA5), fill(out[1], bytes, 0x5A);
    bn_status st = bn_weights_quantize(c->kernel, c->m, c->k, w, stride * 4, out[0]);
    bn_ref_twin(f, BN_OP_QUANT).quant(c->m, c->k, w, stride * 4, out[1]);
    bool ok = st == BN_OK ? compare_bytes(out[0], out[1], bytes, "quant output", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(w), bn_guarded_free(out[0]), bn_guarded_free(out[1]);
    return ok;
}

/* Q8 quant: rows over many binades (some all zero, some subnormal so that max/127
 * underflows to a zero scale), exact rounding ties (TIES: amax 127 gives scale 1, so
 * j + 0.5 is a tie), extremes; codes and scales compared bit for bit, strided rows. */
static bool check_q8_quant(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    const size_t stride = c->k + (c->pad + 3) / 4, qs = c->k + c->pad;
    float *w = bn_guarded_alloc(c->m * stride * sizeof(float));
    for (size_t r = 0; r < c->m; r++) {
        const float mag = c->wpat == BN_PAT_SPARSE && r % 2 ? 0x1p-140f : random_scale(rng);
        for (size_t i = 0; i < stride; i++) {
            float v;
            if (c->wpat == BN_PAT_TIES)
                v = i == 0 ? 127.0f : (float)((int)bn_rng_below(rng, 254) - 127) + 0.5f;
            else if (c->wpat == BN_PAT_ZERO || (c->wpat == BN_PAT_RANDOM && r % 5 == 3))
                v = 0.0f;
            else if (c->wpat == BN_PAT_PLUS || c->wpat == BN_PAT_MINUS)
                v = c->wpat == BN_PAT_PLUS ? mag : -mag;
            else if (c->wpat == BN_PAT_ALT)
                v = i % 2 ? -mag : mag;
            else
                v = mag * bn_rng_float(rng);
            w[r * stride + i] = v;
        }
    }
    int8_t *q[2] = {bn_guarded_alloc(c->m * qs), bn_guarded_alloc(c->m * qs)};
    float *sc[2] = {bn_guarded_alloc(c->m * 4), bn_guarded_alloc(c->m * 4)};
    fill(q[0], c->m * qs, 0xA5), fill(q[1], c->m * qs, 0xA5);
    bn_status st = bn_q8_quantize(c->kernel, c->m, c->k, w, stride * 4, q[0], qs, sc[0]);
    bn_q8_quant__ref(c->m, c->k, w, stride * 4, q[1], qs, sc[1]);
    bool ok = st == BN_OK ? compare_bytes((uint8_t *)sc[0], (uint8_t *)sc[1], c->m * 4, "row scales", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    if (ok) ok = compare_bytes((uint8_t *)q[0], (uint8_t *)q[1], c->m * qs, "codes", why, ws);
    for (size_t i = 0; ok && i < c->m * qs; i++)
        if (q[1][i] == -128) ok = fail(why, ws, "the reference wrote code -128 at %zu", i);
    bn_guarded_free(w);
    for (int i = 0; i < 2; i++) bn_guarded_free(q[i]), bn_guarded_free(sc[i]);
    return ok;
}

static bool check_dequant(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    size_t bytes, stride = c->k + (c->pad + 3) / 4;
    float scale;
    uint8_t *data = make_weights(c, rng, &bytes, &scale);
    bn_weights w = {data, c->m, c->k, scale, c->layout_rows, f};
    float *out[2] = {bn_guarded_alloc(c->m * stride * 4), bn_guarded_alloc(c->m * stride * 4)};
    fill(out[0], c->m * stride * 4, 0xA5), fill(out[1], c->m * stride * 4, 0xA5);
    bn_status st = bn_weights_dequantize(c->kernel, &w, out[0], stride * 4);
    bn_ref_twin(f, BN_OP_DEQUANT).dequant(&w, out[1], stride * 4);
    bool ok = st == BN_OK ? compare_bytes((uint8_t *)out[0], (uint8_t *)out[1], c->m * stride * 4,
                                          "dequant output", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(data), bn_guarded_free(out[0]), bn_guarded_free(out[1]);
    return ok;
}

static bool check_pack(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    size_t bytes, stride = c->k + c->pad;
    bn_weights_bytes(f, c->m, c->k, c->layout_rows, &bytes);
    int8_t *t = bn_guarded_alloc(c->m * stride);
    for (size_t r = 0; r < c->m; r++)
        for (size_t i = 0; i < stride; i++)
            t[r * stride + i] = (int8_t)(i < c->k ? ternary_value(c->wpat, rng, i) : 99);
    float scale = random_scale(rng);
    uint8_t *out[2] = {bn_guarded_alloc(bytes), bn_guarded_alloc(bytes)};
    fill(out[0], bytes, 0xA5), fill(out[1], bytes, 0x5A);
    bn_status st = bn_weights_pack(c->kernel, c->m, c->k, t, stride, scale, c->layout_rows, out[0]);
    bn_ref_twin(f, BN_OP_PACK).pack(c->m, c->k, t, stride, scale, c->layout_rows, out[1]);
    bool ok = st == BN_OK ? compare_bytes(out[0], out[1], bytes, "packed bytes", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(t), bn_guarded_free(out[0]), bn_guarded_free(out[1]);
    return ok;
}

static bool check_unpack(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    size_t bytes, stride = c->k + c->pad;
    float scale;
    uint8_t *data = make_weights(c, rng, &bytes, &scale);
    bn_weights w = {data, c->m, c->k, scale, c->layout_rows, f};
    int8_t *out[2] = {bn_guarded_alloc(c->m * stride), bn_guarded_alloc(c->m * stride)};
    fill(out[0], c->m * stride, 0x77), fill(out[1], c->m * stride, 0x77);
    bn_status st = bn_weights_unpack(c->kernel, &w, out[0], stride);
    bn_ref_twin(f, BN_OP_UNPACK).unpack(&w, out[1], stride);
    bool ok = st == BN_OK ? compare_bytes((uint8_t *)out[0], (uint8_t *)out[1], c->m * stride,
                                          "unpacked weights", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(data), bn_guarded_free(out[0]), bn_guarded_free(out[1]);
    return ok;
}

static bool check_lut(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    size_t n = c->n ? c->n : 1, table;
    acts a;
    make_acts(c, rng, n, &a); /* a.lut holds the twin's tables */
    bn_lut_bytes(f, c->k, &table);
    uint8_t *out = bn_guarded_alloc(n * a.lut_stride);
    fill(out, n * a.lut_stride, 0xA5);
    for (size_t t = 0; t < n; t++) memset(out + t * a.lut_stride + table, 0, a.lut_stride - table);
    for (size_t t = 0; t < n; t++) memset(a.lut + t * a.lut_stride + table, 0, a.lut_stride - table);
    bn_status st = bn_lut_build(c->kernel, n, c->k, a.q, a.q_stride, out, a.lut_stride);
    bool ok = st == BN_OK ? compare_bytes(out, a.lut, n * a.lut_stride, "tables", why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(out);
    free_acts(&a);
    return ok;
}

/* Output rows of n tokens: [n][y_floats] with sentinels everywhere. */
static float *make_output(size_t n, size_t y_floats)
{
    uint32_t *y = bn_guarded_alloc(n * y_floats * 4);
    for (size_t i = 0; i < n * y_floats; i++) y[i] = SENTINEL_BITS;
    return (float *)y;
}

static bool compare_outputs(const bn_case *c, size_t n, size_t y_floats, const float *got, const float *want,
                            double bound_unit, const float *absdot, char *why, size_t ws)
{
    for (size_t t = 0; t < n; t++)
        for (size_t r = 0; r < y_floats; r++) {
            size_t i = t * y_floats + r;
            uint32_t g, e;
            memcpy(&g, &got[i], 4);
            memcpy(&e, &want[i], 4);
            bool inside = r >= c->r0 && r < c->r1;
            if (!inside) {
                if (g != SENTINEL_BITS)
                    return fail(why, ws, "token %zu row %zu: written outside [r0, r1)", t, r);
                continue;
            }
            if (bound_unit == 0.0) {
                if (g != e) return fail(why, ws, "token %zu row %zu: %a != ref %a", t, r, got[i], want[i]);
            } else {
                double err = fabs((double)got[i] - (double)want[i]);
                double bound = bound_unit * absdot[r];
                if (!(err <= bound))
                    return fail(why, ws, "row %zu: |%a - ref %a| = %g exceeds bound %g", r, got[i], want[i],
                                err, bound);
            }
        }
    return true;
}

static bool check_matmul(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    bn_format f = bn_kernel_format(c->kernel);
    bn_op op = bn_kernel_op(c->kernel);
    size_t n = op == BN_OP_GEMV ? 1 : c->n, bytes, y_floats = c->m + (c->pad + 3) / 4;
    float scale;
    uint8_t *data = make_weights(c, rng, &bytes, &scale);
    bn_weights w = {data, c->m, c->k, scale, c->layout_rows, f};
    acts a;
    make_acts(c, rng, n, &a);
    float *y[2] = {make_output(n, y_floats), make_output(n, y_floats)};
    bn_status st;
    bn_kernel_fn twin = bn_ref_twin(f, op);
    if (op == BN_OP_GEMV) {
        st = bn_gemv(c->kernel, &w, c->r0, c->r1, &a.view, y[0]);
        twin.gemv(&w, c->r0, c->r1, &a.view, y[1]);
    } else {
        st = bn_gemm(c->kernel, &w, c->r0, c->r1, n, &a.view, y[0], y_floats * 4);
        twin.gemm(&w, c->r0, c->r1, n, &a.view, y[1], y_floats * 4);
    }
    bool ok = st == BN_OK ? compare_outputs(c, n, y_floats, y[0], y[1], 0.0, NULL, why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    bn_guarded_free(data), bn_guarded_free(y[0]), bn_guarded_free(y[1]);
    free_acts(&a);
    return ok;
}

static bool check_f16_gemv(const bn_case *c, bn_rng *rng, char *why, size_t ws)
{
    size_t y_floats = c->m + (c->pad + 3) / 4;
    uint16_t *data = bn_guarded_alloc(c->m * c->k * 2);
    float *x = bn_guarded_alloc(c->k * 4), *absdot = calloc(c->m, sizeof(float));
    for (size_t i = 0; i < c->k; i++) x[i] = c->xpat == BN_PAT_PLUS ? 1.0f : 4.0f * bn_rng_float(rng);
    for (size_t i = 0; i < c->m * c->k; i++)
        data[i] = bn_f32_to_f16__ref(c->wpat == BN_PAT_PLUS ? 1.0f : 2.0f * bn_rng_float(rng));
    for (size_t r = 0; r < c->m; r++) {
        double s = 0;
        for (size_t i = 0; i < c->k; i++) s += fabs((double)bn_f16_to_f32__ref(data[r * c->k + i]) * x[i]);
        absdot[r] = (float)s;
    }
    bn_weights w = {data, c->m, c->k, 1.0f, 1, BN_FORMAT_F16};
    float *y[2] = {make_output(1, y_floats), make_output(1, y_floats)};
    bn_status st = bn_f16_gemv(c->kernel, &w, c->r0, c->r1, x, y[0]);
    bn_f16_gemv__ref(&w, c->r0, c->r1, x, y[1]);
    double unit = (double)c->kernel->err_bound * (double)(c->k + 1) * 0x1p-24;
    bool ok = st == BN_OK ? compare_outputs(c, 1, y_floats, y[0], y[1], unit, absdot, why, ws)
                          : fail(why, ws, "call failed: %s", bn_last_error());
    /* The canonical order itself stays within the f32 summation bound of the exact sum:
     * each term sees one product rounding, at most ceil(K/16) - 1 lane additions and 4
     * tree additions. */
    float *exact = make_output(1, y_floats);
    bn_f16_gemv_exact__ref(&w, c->r0, c->r1, x, exact);
    const double canon_unit = ((double)((c->k + 15) / 16) + 5.0) * 0x1p-24;
    for (size_t r = c->r0; ok && r < c->r1; r++)
        if (!(fabs((double)y[1][r] - (double)exact[r]) <= canon_unit * absdot[r] * 1.0000001))
            ok =
                fail(why, ws, "row %zu: the canonical order's %a is farther than the bound from the exact %a",
                     r, y[1][r], exact[r]);
    bn_guarded_free(exact);
    bn_guarded_free(data), bn_guarded_free(x), bn_guarded_free(y[0]), bn_guarded_free(y[1]);
    free(absdot);
    return ok;
}

bool bn_case_check(const bn_case *c, char *why, size_t why_size)
{
    bn_rng rng = {c->seed * 0x2545F4914F6CDD1Dull + 1};
    why[0] = '\0';
    bn_format f = bn_kernel_format(c->kernel);
    if (f == BN_FORMAT_F32) return bn_f32_case_check(c, &rng, why, why_size);
    switch (bn_kernel_op(c->kernel)) {
    case BN_OP_QUANT:
        return f == BN_FORMAT_A8   ? check_a8_quant(c, &rng, why, why_size)
               : f == BN_FORMAT_Q8 ? check_q8_quant(c, &rng, why, why_size)
                                   : check_weight_quant(c, &rng, why, why_size);
    case BN_OP_DEQUANT: return check_dequant(c, &rng, why, why_size);
    case BN_OP_PACK: return check_pack(c, &rng, why, why_size);
    case BN_OP_UNPACK: return check_unpack(c, &rng, why, why_size);
    case BN_OP_LUT: return check_lut(c, &rng, why, why_size);
    case BN_OP_GEMV:
        return f == BN_FORMAT_F16 ? check_f16_gemv(c, &rng, why, why_size)
                                  : check_matmul(c, &rng, why, why_size);
    case BN_OP_GEMM: return check_matmul(c, &rng, why, why_size);
    default: return fail(why, why_size, "unknown op");
    }
}
