/*
 * make-golden - write the golden vectors of fixtures/golden and their MANIFEST.md.
 *
 *   make-golden DIR        (`make golden` runs it on fixtures/golden)
 *
 * The vectors pin the reference implementation (ref/) itself, so every expected output is
 * computed here by a different path than ref/ takes, from docs/formats.md directly:
 *   - weight bytes of every format are assembled a whole byte at a time (four I2_S codes,
 *     two TL nibbles) and tiled layouts are emitted block by block, column by column;
 *   - products are dequantised to f32 and multiplied with OpenBLAS cblas_sgemm (integer
 *     sums up to 2^24 are exact in f32), then the epilogue is evaluated in double with one
 *     rounding per step (exact products; division rounded twice, which is innocuous for
 *     53 >= 2*24 + 2 bits);
 *   - A8 uses exact double products and an explicit round-half-to-even;
 *   - F16 conversions work on the bit patterns; the F16 GEMV uses dyadic inputs whose
 *     double sums are exact, via cblas_dgemv.
 * Nothing here calls ref/.  Seeds are fixed, so the output is byte-identical every run.
 */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/common/golden.h"
#include "harness/common/harness.h"
#include "harness/common/sha256.h"

#define SEED 20261123u

typedef struct manifest_line {
    char file[64], shapes[160], contents[320];
} manifest_line;
static manifest_line lines[16];
static unsigned line_count;

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) abort();
    return p;
}

/* ---------------------------------------------------------------- shared inputs */

/* Random ternary m x k, except row 0 all +1 and row 1 all -1 (extreme sums). */
static int8_t *ternary(bn_rng *rng, size_t m, size_t k)
{
    int8_t *t = xcalloc(m * k, 1);
    for (size_t r = 0; r < m; r++)
        for (size_t c = 0; c < k; c++)
            t[r * k + c] = (int8_t)(m >= 2 && r < 2 ? (r == 0 ? 1 : -1) : (int)bn_rng_below(rng, 3) - 1);
    return t;
}

/* n A8 token rows: token 0 alternates +127/-128, token 1 is all -128, the others random. */
static void activations(bn_rng *rng, size_t n, size_t k, int8_t *q, float *s, int32_t *qsum)
{
    for (size_t t = 0; t < n; t++) {
        qsum[t] = 0;
        for (size_t c = 0; c < k; c++) {
            int v = t == 0 ? (c % 2 ? -128 : 127) : t == 1 ? -128 : (int)bn_rng_below(rng, 256) - 128;
            q[t * k + c] = (int8_t)v;
            qsum[t] += v;
        }
        s[t] = (float)(127.0 / (0.01 + 100.0 * (double)bn_rng_below(rng, 1u << 20) / (1 << 20)));
    }
}

/* y[t][r] = ((float)isum / s[t]) * ws with isum = sum_c w[r][c] * q[t][c], w values as given. */
static void expected_products(size_t m, size_t k, size_t n, const int8_t *w, const int8_t *q, const float *s,
                              float ws, float *y)
{
    float *a = xcalloc(n * k, sizeof(float)), *b = xcalloc(m * k, sizeof(float)),
          *c = xcalloc(n * m, sizeof(float));
    for (size_t i = 0; i < n * k; i++) a[i] = (float)q[i];
    for (size_t i = 0; i < m * k; i++) b[i] = (float)w[i];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)m, (int)k, 1.0f, a, (int)k, b, (int)k,
                0.0f, c, (int)m);
    for (size_t t = 0; t < n; t++)
        for (size_t r = 0; r < m; r++) {
            double isum = (double)c[t * m + r];
            if (isum != floor(isum) || fabs(isum) > 16777216.0) abort(); /* not exact: sizes too large */
            float quotient = (float)(isum / (double)s[t]);
            y[t * m + r] = (float)((double)quotient * (double)ws);
        }
    free(a), free(b), free(c);
}

static void tail(uint8_t *at, float ws)
{
    memset(at, 0, 32);
    memcpy(at, &ws, 4); /* little-endian f32, then 28 zero bytes as the writers emit them */
}

/* Emit a plane of m rows x row_bytes, tiled by lr (rows in blocks of lr, padded with
 * `pad`; within a block, byte column after byte column, lr bytes each). */
static size_t tile(const uint8_t *plane, size_t m, size_t row_bytes, size_t lr, uint8_t pad, uint8_t *out)
{
    size_t pos = 0;
    if (lr <= 1) {
        memcpy(out, plane, m * row_bytes);
        return m * row_bytes;
    }
    for (size_t block = 0; block < (m + lr - 1) / lr; block++)
        for (size_t c = 0; c < row_bytes; c++)
            for (size_t i = 0; i < lr; i++) {
                size_t r = block * lr + i;
                out[pos++] = r < m ? plane[r * row_bytes + c] : pad;
            }
    return pos;
}

/* ---------------------------------------------------------------- formats */

/* I2_S / QK256 rows of `width` columns (width % 128 == 0); columns past k hold w = 0.
 * Byte p of group g holds the codes (w + 1) of columns 128g + p, +32, +64, +96. */
static void codes_128(const int8_t *t, size_t m, size_t k, size_t width, uint8_t *out)
{
    for (size_t r = 0; r < m; r++)
        for (size_t g = 0; g < width / 128; g++)
            for (size_t p = 0; p < 32; p++) {
                unsigned byte = 0;
                for (size_t slot = 0; slot < 4; slot++) {
                    size_t c = g * 128 + slot * 32 + p;
                    byte = byte << 2 | (unsigned)((c < k ? t[r * k + c] : 0) + 1);
                }
                out[r * (width / 4) + g * 32 + p] = (uint8_t)byte;
            }
}

/* The inverse, for raw bytes: every code's value w = code - 1 (code 3 gives +2). */
static void values_128(const uint8_t *bytes, size_t m, size_t k, size_t width, int8_t *t)
{
    for (size_t r = 0; r < m; r++)
        for (size_t i = 0; i < width / 4; i++) {
            size_t g = i / 32, p = i % 32;
            for (size_t slot = 0; slot < 4; slot++) {
                size_t c = g * 128 + slot * 32 + p;
                if (c < k) t[r * k + c] = (int8_t)((bytes[r * (width / 4) + i] >> (6 - 2 * slot) & 3) - 1);
            }
        }
}

static unsigned pair_index(int w0, int w1) { return (unsigned)(3 * (w0 + 1) + (w1 + 1)); }

/* Balanced-ternary digits of v in -13..13 by repeated division; |v| > 13 -> zeros. */
static void triple_digits(int v, int8_t w[3])
{
    w[0] = w[1] = w[2] = 0;
    if (v < -13 || v > 13) return;
    for (int i = 2; i >= 0; i--) {
        int r = ((v % 3) + 3) % 3;
        if (r == 2) r = -1;
        w[i] = (int8_t)r;
        v = (v - r) / 3;
    }
}

/* TL1 canonical plane: byte b of a row = index of pair 2b (high) | index of pair 2b+1. */
static void tl1_plane(const int8_t *t, size_t m, size_t k, uint8_t *plane)
{
    for (size_t r = 0; r < m; r++)
        for (size_t b = 0; b < k / 4; b++) {
            const int8_t *w = t + r * k + 4 * b;
            plane[r * (k / 4) + b] = (uint8_t)(pair_index(w[0], w[1]) << 4 | pair_index(w[2], w[3]));
        }
}

/* TL2 planes of one layout; returns the data bytes written. */
static size_t tl2_bytes(const int8_t *t, size_t m, size_t k, size_t lr, uint8_t *out)
{
    size_t G = 2 * (k / 6), R = k - 3 * G, ib = G / 2, sb = (G + 7) / 8, tb = (R + 3) / 4;
    uint8_t *index = xcalloc(m * ib, 1), *sign = xcalloc(m * sb, 1), *pairs = xcalloc(m * tb, 1);
    for (size_t r = 0; r < m; r++) {
        const int8_t *w = t + r * k;
        for (size_t g = 0; g < G; g++) {
            int v = 9 * w[3 * g] + 3 * w[3 * g + 1] + w[3 * g + 2];
            unsigned mag = (unsigned)abs(v);
            index[r * ib + g / 2] |= (uint8_t)(g % 2 ? mag : mag << 4);
            if (v < 0) sign[r * sb + g / 8] |= (uint8_t)(1u << (g % 8));
        }
        for (size_t i = 0; i < tb; i++) {
            size_t c = 3 * G + 4 * i;
            unsigned hi = pair_index(w[c], w[c + 1]), lo = c + 2 < k ? pair_index(w[c + 2], w[c + 3]) : 4;
            pairs[r * tb + i] = (uint8_t)(hi << 4 | lo);
        }
    }
    size_t pos = tile(index, m, ib, lr, 0, out);
    pos += tile(sign, m, sb, lr, 0, out + pos);
    pos += tile(pairs, m, tb, lr, 0x44, out + pos);
    free(index), free(sign), free(pairs);
    return pos;
}

/* Activation tables: entry e of 16 int16 values, low byte at e, high byte at 16 + e. */
static void table_store(uint8_t *table, unsigned e, int value)
{
    table[e] = (uint8_t)((unsigned)value & 0xFF);
    table[16 + e] = (uint8_t)(((unsigned)value >> 8) & 0xFF);
}

static size_t tl_tables(bool tl2, const int8_t *q, size_t n, size_t k, uint8_t *out)
{
    size_t G = tl2 ? 2 * (k / 6) : 0, pos = 0;
    for (size_t t = 0; t < n; t++) {
        const int8_t *x = q + t * k;
        for (size_t g = 0; g < G; g++, pos += 32) {
            memset(out + pos, 0, 32);
            for (int a = -1; a <= 1; a++)
                for (int b = -1; b <= 1; b++)
                    for (int c = -1; c <= 1; c++)
                        if (9 * a + 3 * b + c >= 0)
                            table_store(out + pos, (unsigned)(9 * a + 3 * b + c),
                                        a * x[3 * g] + b * x[3 * g + 1] + c * x[3 * g + 2]);
        }
        for (size_t c = 3 * G; c < k; c += 2, pos += 32) {
            memset(out + pos, 0, 32);
            for (int a = -1; a <= 1; a++)
                for (int b = -1; b <= 1; b++)
                    table_store(out + pos, pair_index(a, b), a * x[c] + b * x[c + 1]);
        }
    }
    return pos;
}

/* ---------------------------------------------------------------- one ternary case */

typedef struct tcase {
    const char *format; /* i2s qk256 tl1 tl2 */
    size_t m, k, n, lr;
} tcase;

static void ternary_case(const char *dir, const tcase *tc, uint64_t seed)
{
    bn_rng rng = {seed};
    size_t m = tc->m, k = tc->k, n = tc->n;
    bool tl1 = strcmp(tc->format, "tl1") == 0, tl2 = strcmp(tc->format, "tl2") == 0;
    size_t width = (k + 255) / 256 * 256, cap = 2 * m * k + 64 * (m + tc->lr) * (width / 4 + 8);
    int8_t *t = ternary(&rng, m, k), *q = xcalloc(n * k, 1), *raw_t = xcalloc(m * k, 1);
    float *wf = xcalloc(m * k, sizeof(float)), *s = xcalloc(n, sizeof(float)),
          *y = xcalloc(n * m, sizeof(float));
    int32_t *qsum = xcalloc(n, sizeof(int32_t));
    uint8_t *packed = xcalloc(cap, 1), *tiled = xcalloc(cap, 1), *raw = xcalloc(cap, 1), *lut = NULL;
    float ws = ldexpf(1.0f + (float)bn_rng_below(&rng, 1024) / 1024.0f, -(int)bn_rng_below(&rng, 6));
    for (size_t i = 0; i < m * k; i++)
        wf[i] = t[i] ? (float)t[i] * ws : (bn_rng_below(&rng, 3) == 0 ? 9e-7f * bn_rng_float(&rng) : 0.0f);
    activations(&rng, n, k, q, s, qsum);

    size_t data = 0, tiled_data = 0;
    if (tl1) {
        tl1_plane(t, m, k, raw); /* scratch: the canonical plane */
        data = tile(raw, m, k / 4, 1, 0x44, packed);
        tiled_data = tile(raw, m, k / 4, tc->lr, 0x44, tiled);
    } else if (tl2) {
        data = tl2_bytes(t, m, k, 1, packed);
        tiled_data = tl2_bytes(t, m, k, tc->lr, tiled);
    } else {
        size_t w = strcmp(tc->format, "qk256") == 0 ? width : k;
        codes_128(t, m, k, w, packed);
        data = m * w / 4;
    }
    tail(packed + data, ws);

    /* Raw bytes with invalid codes: I2_S/QK256 code 3 reads as +2; TL indices 9..15 (TL1)
     * and 14..15 (TL2) read as zero weights. */
    for (size_t i = 0; i < data; i++) raw[i] = (uint8_t)bn_rng_next(&rng);
    tail(raw + data, ws);
    if (tl1) {
        for (size_t r = 0; r < m; r++)
            for (size_t j = 0; j < k / 2; j++) {
                unsigned idx = (raw[r * (k / 4) + j / 2] >> (j % 2 ? 0 : 4)) & 15;
                raw_t[r * k + 2 * j] = (int8_t)(idx > 8 ? 0 : (int)(idx / 3) - 1);
                raw_t[r * k + 2 * j + 1] = (int8_t)(idx > 8 ? 0 : (int)(idx % 3) - 1);
            }
    } else if (tl2) {
        size_t G = 2 * (k / 6), ib = G / 2, sb = (G + 7) / 8, tb = (k - 3 * G + 3) / 4;
        for (size_t r = 0; r < m; r++) {
            for (size_t g = 0; g < G; g++) {
                int v = (raw[r * ib + g / 2] >> (g % 2 ? 0 : 4)) & 15;
                if (raw[m * ib + r * sb + g / 8] >> (g % 8) & 1) v = -v;
                triple_digits(v, raw_t + r * k + 3 * g);
            }
            for (size_t i = 0; 3 * G + 2 * i < k; i++) {
                unsigned idx = (raw[m * (ib + sb) + r * tb + i / 2] >> (i % 2 ? 0 : 4)) & 15;
                raw_t[r * k + 3 * G + 2 * i] = (int8_t)(idx > 8 ? 0 : (int)(idx / 3) - 1);
                raw_t[r * k + 3 * G + 2 * i + 1] = (int8_t)(idx > 8 ? 0 : (int)(idx % 3) - 1);
            }
        }
    } else {
        values_128(raw, m, k, strcmp(tc->format, "qk256") == 0 ? width : k, raw_t);
    }

    bn_golden *g = bn_golden_new();
    uint64_t dims[4] = {m, k, n, tc->lr};
    bn_golden_add(g, "dims", BN_GOLD_U64, dims, 4);
    bn_golden_add(g, "t", BN_GOLD_I8, t, m * k);
    bn_golden_add(g, "ws", BN_GOLD_F32, &ws, 1);
    bn_golden_add(g, "wf", BN_GOLD_F32, wf, m * k);
    bn_golden_add(g, "packed", BN_GOLD_U8, packed, data + 32);
    if (tl1 || tl2) {
        tail(tiled + tiled_data, ws);
        bn_golden_add(g, "tiled", BN_GOLD_U8, tiled, tiled_data + 32);
        lut = xcalloc(n * (k / 2 + 2) * 32, 1);
        bn_golden_add(g, "lut", BN_GOLD_U8, lut, tl_tables(tl2, q, n, k, lut));
    }
    bn_golden_add(g, "q", BN_GOLD_I8, q, n * k);
    bn_golden_add(g, "s", BN_GOLD_F32, s, n);
    bn_golden_add(g, "qsum", BN_GOLD_I32, qsum, n);
    expected_products(m, k, n, t, q, s, ws, y);
    bn_golden_add(g, "y", BN_GOLD_F32, y, n * m);
    bn_golden_add(g, "raw", BN_GOLD_U8, raw, data + 32);
    bn_golden_add(g, "raw_t", BN_GOLD_I8, raw_t, m * k);
    expected_products(m, k, n, raw_t, q, s, ws, y);
    bn_golden_add(g, "raw_y", BN_GOLD_F32, y, n * m);

    manifest_line *l = &lines[line_count++];
    snprintf(l->file, sizeof l->file, "%s_m%zu_k%zu.bin", tc->format, m, k);
    snprintf(l->shapes, sizeof l->shapes, "m=%zu k=%zu n=%zu, tiled layout lr=%zu", m, k, n, tc->lr);
    if (!tl1 && !tl2) snprintf(l->shapes, sizeof l->shapes, "m=%zu k=%zu n=%zu", m, k, n);
    snprintf(
        l->contents, sizeof l->contents,
        "t, ws, wf (t*ws + noise < 1e-6), packed%s, q/s/qsum, y (GEMM of all tokens), raw bytes with invalid "
        "codes, raw_t, raw_y",
        tl1 || tl2 ? ", tiled, lut" : "");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, l->file);
    if (bn_golden_write(g, path) != BN_OK) fprintf(stderr, "make-golden: %s\n", bn_last_error()), exit(1);
    bn_golden_free(g);
    free(t), free(q), free(raw_t), free(wf), free(s), free(y), free(qsum), free(packed), free(tiled),
        free(raw);
    free(lut);
}

/* ---------------------------------------------------------------- A8 */

/* docs/formats.md section 1 in double: exact |x| max, the 1e-5 floor in double, the f32
 * scale, the exact product rounded once to f32, then round half to even by hand. */
static void a8_expected(const float *x, size_t k, int8_t *q, float *s, int32_t *qsum)
{
    double amax = 0;
    for (size_t i = 0; i < k; i++) amax = fmax(amax, fabs((double)x[i]));
    if (amax < 1e-5) amax = 1e-5;
    *s = (float)(127.0 / amax);
    *qsum = 0;
    for (size_t i = 0; i < k; i++) {
        double p = (double)(float)((double)x[i] * (double)*s);
        double f = floor(p), frac = p - f;
        double r = frac > 0.5 ? f + 1 : frac < 0.5 ? f : (fmod(f, 2.0) == 0 ? f : f + 1);
        r = r > 127 ? 127 : r < -128 ? -128 : r;
        q[i] = (int8_t)r;
        *qsum += q[i];
    }
}

static void a8_case(const char *dir, uint64_t seed)
{
    enum { N = 8, K = 96 };
    bn_rng rng = {seed};
    float x[N * K], s[N];
    int8_t q[N * K];
    int32_t qsum[N];
    for (size_t t = 0; t < N; t++)
        for (size_t i = 0; i < K; i++) {
            float v, u = bn_rng_float(&rng);
            switch (t) {
            case 0: v = u; break;
            case 1: v = 1e3f * u; break;
            case 2:
                v = i == 0 ? 127.0f : (float)((int)bn_rng_below(&rng, 254) - 127) + 0.5f;
                break; /* ties */
            case 3: v = 0.0f; break;
            case 4: v = 1e-6f * u; break; /* below the 1e-5 floor */
            case 5: v = ldexpf(u, (int)bn_rng_below(&rng, 31) - 20); break;
            case 6: v = 0.3f; break;
            default: v = -2.5f; break;
            }
            x[t * K + i] = v;
        }
    for (size_t t = 0; t < N; t++) a8_expected(x + t * K, K, q + t * K, s + t, qsum + t);
    bn_golden *g = bn_golden_new();
    uint64_t dims[2] = {N, K};
    bn_golden_add(g, "dims", BN_GOLD_U64, dims, 2);
    bn_golden_add(g, "x", BN_GOLD_F32, x, N * K);
    bn_golden_add(g, "q", BN_GOLD_I8, q, N * K);
    bn_golden_add(g, "s", BN_GOLD_F32, s, N);
    bn_golden_add(g, "qsum", BN_GOLD_I32, qsum, N);
    manifest_line *l = &lines[line_count++];
    snprintf(l->file, sizeof l->file, "a8.bin");
    snprintf(l->shapes, sizeof l->shapes, "n=%d k=%d", N, K);
    snprintf(
        l->contents, sizeof l->contents,
        "x rows: uniform, x1e3, exact rounding ties, zeros, below the 1e-5 floor, 31 binades, constant +0.3, "
        "constant -2.5; expected q, s, qsum");
    char path[512];
    snprintf(path, sizeof path, "%s/a8.bin", dir);
    if (bn_golden_write(g, path) != BN_OK) fprintf(stderr, "make-golden: %s\n", bn_last_error()), exit(1);
    bn_golden_free(g);
}

/* ---------------------------------------------------------------- F16 and scalar rules */

/* binary16 -> binary32 bits; NaN as the reference's canonical quiet NaN with the sign. */
static uint32_t half_to_single(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 31u, f = h & 0x3FFu;
    if (e == 31) return sign | (f ? 0x7FC00000u : 0x7F800000u);
    if (e == 0) {
        if (!f) return sign;
        uint32_t shift = 0;
        while (!(f & 0x400u)) f <<= 1, shift++;
        return sign | (113u - shift) << 23 | (f & 0x3FFu) << 13;
    }
    return sign | (e + 112u) << 23 | f << 13;
}

/* binary32 -> binary16 bits, round to nearest even on the bit patterns. */
static uint16_t single_to_half(float x)
{
    uint32_t b;
    memcpy(&b, &x, 4);
    uint16_t sign = (uint16_t)(b >> 16 & 0x8000u);
    uint32_t a = b & 0x7FFFFFFFu, e = a >> 23, m = (a & 0x7FFFFFu) | 0x800000u;
    if (a > 0x7F800000u) return sign | 0x7E00u;
    if (a >= 0x477FF000u) return sign | 0x7C00u; /* >= 65520 rounds to infinity */
    if (a < 0x38800000u) { /* below 2^-14: a multiple of 2^-24 */
        uint32_t shift = 126 - e;
        if (e == 0 || shift > 24) return sign;
        uint32_t v = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        if (rem > half || (rem == half && (v & 1))) v++;
        return (uint16_t)(sign | v);
    }
    uint32_t v = (e - 112) << 10 | (m & 0x7FFFFFu) >> 13, rem = m & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (v & 1))) v++;
    return (uint16_t)(sign | v);
}

static void f16_case(const char *dir, uint64_t seed)
{
    enum { M = 5, K = 40, KC = 301, E = 64 + 2048 };
    bn_rng rng = {seed};
    /* every binary16 value decoded: the test hashes the reference's decoding */
    uint8_t all[65536 * 4], digest[BN_SHA256_BYTES];
    for (uint32_t h = 0; h < 65536; h++) {
        uint32_t v = half_to_single((uint16_t)h);
        memcpy(all + 4 * h, &v, 4);
    }
    bn_sha256(all, sizeof all, digest);
    /* encoding: special values, every tie class, then random floats of every magnitude */
    static const float special[] = {0.0f,       -0.0f,     1.0f,     -1.0f,        65504.0f,   65519.99f,
                                    65520.0f,   -65520.0f, 1e9f,     0x1p-24f,     0x1p-25f,   0x1.8p-24f,
                                    0x1.8p-25f, 0x3p-25f,  0x1p-14f, 0x1.ffcp-15f, 0x1.002p0f, 0x1.006p0f,
                                    0x1.001p0f, 0x1p-30f,  1e-45f,   0.1f,         3.14159265f};
    float enc_in[E];
    uint16_t enc_out[E];
    size_t ns = sizeof special / sizeof special[0];
    for (size_t i = 0; i < E; i++) {
        uint32_t bits = (uint32_t)(bn_rng_next(&rng) & 0x807FFFFFu) | (uint32_t)(96 + bn_rng_below(&rng, 50))
                                                                          << 23;
        if (i < ns) memcpy(&bits, &special[i], 4);
        if (i == ns) bits = 0x7F800000u; /* infinity */
        if (i == ns + 1) bits = 0xFFC12345u; /* NaN with a payload */
        memcpy(&enc_in[i], &bits, 4);
        enc_out[i] = single_to_half(enc_in[i]);
    }
    /* GEMV 1, dyadic values small enough that every product and every partial sum is exact
     * in f32 (w = +-m/16 with m in 16..31, x an integer in [-15, 15]): any summation order
     * gives the double-precision result of cblas_dgemv. */
    uint16_t w[M * K];
    float x[K], y[M];
    double wd[M * K], xd[K], yd[M];
    for (size_t i = 0; i < M * K; i++) {
        w[i] = (uint16_t)((bn_rng_below(&rng, 2) << 15) | 15u << 10 | bn_rng_below(&rng, 16) << 6);
        uint32_t bits = half_to_single(w[i]);
        float f;
        memcpy(&f, &bits, 4);
        wd[i] = f;
    }
    for (size_t i = 0; i < K; i++) xd[i] = x[i] = (float)((int)bn_rng_below(&rng, 31) - 15);
    cblas_dgemv(CblasRowMajor, CblasNoTrans, M, K, 1.0, wd, K, xd, 1, 0.0, yd, 1);
    for (size_t r = 0; r < M; r++) y[r] = (float)yd[r];

    /* GEMV 2, general values: the canonical F16 order (docs/formats.md) computed lane by
     * lane with strided loops -- lane j sums k = j, j+16, ... -- then the halving tree. */
    uint16_t wc[M * KC];
    float xc[KC], yc[M];
    for (size_t i = 0; i < M * KC; i++) wc[i] = (uint16_t)(bn_rng_next(&rng) & 0xBBFFu); /* finite, |w| < 2 */
    for (size_t i = 0; i < KC; i++) xc[i] = ldexpf(bn_rng_float(&rng), (int)bn_rng_below(&rng, 8) - 4);
    for (size_t r = 0; r < M; r++) {
        float lane[16];
        for (size_t j = 0; j < 16; j++) {
            float acc = 0.0f;
            for (size_t k = j; k < KC; k += 16) {
                uint32_t bits = half_to_single(wc[r * KC + k]);
                float wf;
                memcpy(&wf, &bits, 4);
                volatile float product = wf * xc[k]; /* rounded to f32 before the addition */
                acc = acc + product;
            }
            lane[j] = acc;
        }
        for (size_t j = 0; j < 8; j++) lane[j] = lane[j] + lane[j + 8];
        for (size_t j = 0; j < 4; j++) lane[j] = lane[j] + lane[j + 4];
        for (size_t j = 0; j < 2; j++) lane[j] = lane[j] + lane[j + 2];
        yc[r] = lane[0] + lane[1];
    }

    /* the epilogue and the ternary rule, pinned on tables */
    enum { P = 48 };
    int32_t isum[P];
    float es[P], ews[P], ey[P], tw[P];
    int8_t tv[P];
    for (size_t i = 0; i < P; i++) {
        isum[i] = i < 4 ? (i % 2 ? -1 : 1) * (1 << 24) : (int32_t)(bn_rng_next(&rng) % 33554433u) - (1 << 24);
        es[i] = ldexpf(1.0f + bn_rng_float(&rng) * 0.5f, (int)bn_rng_below(&rng, 40) - 20);
        ews[i] = ldexpf(1.0f + bn_rng_float(&rng) * 0.5f, -(int)bn_rng_below(&rng, 12));
        ey[i] = (float)((double)(float)((double)isum[i] / (double)es[i]) * (double)ews[i]);
        static const float near[] = {0.0f, -0.0f, 9.99e-7f, -9.99e-7f, 1e-6f, -1e-6f, 1.01e-6f, 0.02f, -3.0f};
        tw[i] = i < 9 ? near[i] : ldexpf(bn_rng_float(&rng), -(int)bn_rng_below(&rng, 30));
        tv[i] = (int8_t)(fabs((double)tw[i]) < (double)1e-6f ? 0 : tw[i] > 0 ? 1 : -1);
    }
    bn_golden *g = bn_golden_new();
    uint64_t dims[2] = {M, K};
    bn_golden_add(g, "decode_sha256", BN_GOLD_U8, digest, BN_SHA256_BYTES);
    bn_golden_add(g, "encode_in", BN_GOLD_F32, enc_in, E);
    bn_golden_add(g, "encode_out", BN_GOLD_U16, enc_out, E);
    bn_golden_add(g, "dims", BN_GOLD_U64, dims, 2);
    bn_golden_add(g, "w", BN_GOLD_U16, w, M * K);
    bn_golden_add(g, "x", BN_GOLD_F32, x, K);
    bn_golden_add(g, "y", BN_GOLD_F32, y, M);
    uint64_t dims_c[2] = {M, KC};
    bn_golden_add(g, "canonical_dims", BN_GOLD_U64, dims_c, 2);
    bn_golden_add(g, "canonical_w", BN_GOLD_U16, wc, M * KC);
    bn_golden_add(g, "canonical_x", BN_GOLD_F32, xc, KC);
    bn_golden_add(g, "canonical_y", BN_GOLD_F32, yc, M);
    bn_golden_add(g, "epilogue_isum", BN_GOLD_I32, isum, P);
    bn_golden_add(g, "epilogue_s", BN_GOLD_F32, es, P);
    bn_golden_add(g, "epilogue_ws", BN_GOLD_F32, ews, P);
    bn_golden_add(g, "epilogue_y", BN_GOLD_F32, ey, P);
    bn_golden_add(g, "ternary_in", BN_GOLD_F32, tw, P);
    bn_golden_add(g, "ternary_out", BN_GOLD_I8, tv, P);
    manifest_line *l = &lines[line_count++];
    snprintf(l->file, sizeof l->file, "f16_and_rules.bin");
    snprintf(l->shapes, sizeof l->shapes,
             "GEMV m=%d k=%d (exact) and k=%d (canonical order); %d encodings; %d epilogues", M, K, KC, E, P);
    snprintf(
        l->contents, sizeof l->contents,
        "sha256 of all 65536 binary16 values decoded to f32 bits (NaN canonical), f32->f16 encodings (ties, "
        "subnormals, overflow, NaN), F16 GEMV on exact dyadic values and in the canonical order, epilogue "
        "and ternary-rule tables");
    char path[512];
    snprintf(path, sizeof path, "%s/f16_and_rules.bin", dir);
    if (bn_golden_write(g, path) != BN_OK) fprintf(stderr, "make-golden: %s\n", bn_last_error()), exit(1);
    bn_golden_free(g);
}

/* ---------------------------------------------------------------- manifest */

static void manifest(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/MANIFEST.md", dir);
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "make-golden: cannot write %s\n", path), exit(1);
    fprintf(
        f,
        "# Golden vectors\n\n"
        "Written by `tools/make-golden.c` (`make golden`; seed %u, the seed of each file is the base seed\n"
        "plus its index in this table); checked by `tests/test_golden.c`, which runs every reference\n"
        "function on these inputs and demands exact equality (and that each file's sha256 is the one\n"
        "below). `make golden-check` regenerates them and compares byte for byte.\n\n"
        "How the expected outputs are made, independently of `ref/`: weight bytes are assembled from\n"
        "docs/formats.md a whole byte at a time, tiled layouts emitted block by block; GEMM results\n"
        "come from OpenBLAS `cblas_sgemm` on the dequantised ternary weights (exact integer sums),\n"
        "then the epilogue in double with one rounding per step; A8 in double with an explicit\n"
        "round-half-to-even; F16 conversions on bit patterns; the F16 GEMV from `cblas_dgemv` on\n"
        "dyadic values (exact sums), and in the canonical order (ref/f16.c) computed lane by lane\n"
        "with strided loops. Container format: harness/common/golden.h.\n\n"
        "| file | sha256 | shapes | contents |\n| --- | --- | --- | --- |\n",
        SEED);
    for (unsigned i = 0; i < line_count; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, lines[i].file);
        uint8_t d[BN_SHA256_BYTES];
        char hex[BN_SHA256_HEX];
        uint64_t bytes;
        if (bn_sha256_file(path, d, &bytes) != BN_OK)
            fprintf(stderr, "make-golden: %s\n", bn_last_error()), exit(1);
        bn_sha256_hex(d, hex);
        fprintf(f, "| %s | %s | %s | %s |\n", lines[i].file, hex, lines[i].shapes, lines[i].contents);
    }
    fclose(f);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make-golden DIR\n");
        return 2;
    }
    static const tcase cases[] = {
        {"i2s", 13, 256, 5, 1}, {"i2s", 2, 4096, 2, 1}, {"qk256", 7, 256, 5, 1}, {"qk256", 7, 300, 5, 1},
        {"tl1", 13, 200, 5, 4}, {"tl2", 9, 198, 4, 8},  {"tl2", 9, 200, 4, 8},   {"tl2", 9, 202, 4, 4},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) ternary_case(argv[1], &cases[i], SEED + i);
    a8_case(argv[1], SEED + 8);
    f16_case(argv[1], SEED + 9);
    manifest(argv[1]);
    return 0;
}
