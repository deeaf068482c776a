/*
 * conform.c - every registered kernel the CPU supports against its reference twin.
 *
 *   conform [--quick] [--receipt FILE] [--kernel NAME] [--case CASE] [--seed N] [--list]
 *
 * Cases are derived from each kernel's tile (rows and tokens below, at, above and at
 * multiples of its block; K at and around its step, and up to 65536 for accumulator
 * overflow), extreme values, rounding ties, strided buffers, guard pages and seeded random
 * shapes.  Each failure prints a case string that `--case` reruns alone.  A cross-format
 * pass checks I2_S == QK256 == TL1 == TL2 on the same weights and activations.  With
 * --receipt, a conformance receipt (receipts/schema.json) is written from the counters.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch/dispatch.h"
#include "harness/common/harness.h"
#include "harness/common/receipt.h"
#include "ref/ref.h"

typedef struct options {
    bool quick, list;
    const char *receipt, *kernel, *single_case;
    uint64_t seed;
} options;

typedef struct tally {
    unsigned run, passed;
} tally;

static unsigned total_failures;

static void run_case(const bn_case *c, tally *t)
{
    char why[512], text[256];
    t->run++;
    if (bn_case_check(c, why, sizeof why)) {
        t->passed++;
        return;
    }
    bn_case_format(c, text, sizeof text);
    printf("FAIL %s\n     %s\n", text, why);
    total_failures++;
}

/* ---- sizes derived from a kernel's tile */

typedef struct sizes {
    size_t v[24];
    unsigned count;
} sizes;

static void add(sizes *s, size_t v, size_t align)
{
    if (v == 0 || v % align) return;
    for (unsigned i = 0; i < s->count; i++)
        if (s->v[i] == v) return;
    if (s->count < sizeof s->v / sizeof s->v[0]) s->v[s->count++] = v;
}

static size_t format_k_align(bn_format f)
{
    return f == BN_FORMAT_I2S ? 128 : f == BN_FORMAT_TL1 ? 4 : f == BN_FORMAT_TL2 ? 2 : 1;
}

/* K values: the alignment and the kernel's K step, one below/at/above, a few multiples,
 * and for TL2 every tail length R in {0, 2, 4}. */
static sizes k_sizes(const bn_kernel *k, bool quick)
{
    sizes s = {{0}, 0};
    size_t a = format_k_align(bn_kernel_format(k));
    if (k->k_align > a) a = k->k_align;
    size_t kr = k->kr > a ? k->kr : a;
    add(&s, a, a), add(&s, 2 * a, a), add(&s, 3 * a, a);
    add(&s, kr, a), add(&s, kr + a, a), add(&s, 2 * kr, a), add(&s, 2 * kr + a, a);
    if (kr > a) add(&s, kr - a, a);
    add(&s, 2560 / a * a, a);
    if (!quick) add(&s, 4 * kr + 3 * a, a), add(&s, 6912 / a * a, a);
    if (bn_kernel_format(k) == BN_FORMAT_TL2)
        add(&s, 190, a), add(&s, 192, a), add(&s, 194, a), add(&s, 200, a);
    if (bn_kernel_format(k) == BN_FORMAT_QK256)
        add(&s, 255, a), add(&s, 256, a), add(&s, 257, a), add(&s, 300, a);
    return s;
}

/* Row counts: 1, the tile's rows and the layout's block, one below/at/above, a multiple
 * plus a tail. */
static sizes m_sizes(const bn_kernel *k, unsigned lr)
{
    sizes s = {{0}, 0};
    size_t mr = k->mr ? k->mr : 1, b = lr > mr ? lr : mr;
    add(&s, 1, 1), add(&s, 2, 1), add(&s, 3, 1);
    add(&s, mr, 1), add(&s, mr + 1, 1), add(&s, b, 1), add(&s, b + 1, 1), add(&s, 2 * b + 3, 1);
    if (mr > 1) add(&s, mr - 1, 1);
    if (b > 1) add(&s, b - 1, 1);
    return s;
}

static sizes n_sizes(const bn_kernel *k)
{
    sizes s = {{0}, 0};
    size_t nr = k->nr ? k->nr : 1;
    add(&s, 1, 1), add(&s, 2, 1), add(&s, nr, 1), add(&s, nr + 1, 1), add(&s, 2 * nr + 1, 1);
    if (nr > 1) add(&s, nr - 1, 1);
    return s;
}

/* The layouts to test a kernel on: its own, or for layout-generic kernels canonical and
 * a few interleaves (TL formats only). */
static unsigned layouts(const bn_kernel *k, unsigned out[4])
{
    bn_format f = bn_kernel_format(k);
    bool tl = f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2;
    bn_op op = bn_kernel_op(k);
    if (!tl || op == BN_OP_QUANT || op == BN_OP_LUT) return out[0] = 1, 1;
    if (k->layout_rows != 0) return out[0] = k->layout_rows, 1;
    out[0] = 1, out[1] = 4, out[2] = 16, out[3] = 32;
    return 4;
}

static bool op_uses_rows(bn_op op) { return op != BN_OP_LUT && !(op == BN_OP_QUANT); }

/* F32 kernels: GEMM shapes around the register tile (rows 1..2*mr+1 cover attention's
 * query groups; columns at, around and between vector blocks; K from 1 to a head and
 * beyond), strided rows, every value pattern; softmax rows of every length around 16 and
 * the vector width, up to a long context, with -inf, huge, equal and underflowing values. */
static void f32_cases(const bn_kernel *k, const options *o, tally *t)
{
    uint64_t seed = o->seed * 1000003u + bn_kernel_id(k) * 7919u;
    bn_case c = {.kernel = k, .layout_rows = 1, .wpat = BN_PAT_RANDOM, .xpat = BN_PAT_RANDOM};
    static const bn_pattern pats[] = {BN_PAT_RANDOM, BN_PAT_PLUS, BN_PAT_MINUS,
                                      BN_PAT_ZERO,   BN_PAT_ALT,  BN_PAT_SPARSE};
    if (bn_kernel_op(k) == BN_OP_GEMM) {
        sizes ms = m_sizes(k, 1), ns = n_sizes(k), ks = {{0}, 0};
        add(&ns, 33, 1), add(&ns, 100, 1), add(&ns, 3 * k->nr + 5, 1);
        add(&ks, 1, 1), add(&ks, 2, 1), add(&ks, 7, 1), add(&ks, 64, 1), add(&ks, 128, 1);
        if (!o->quick) add(&ks, 129, 1), add(&ks, 1000, 1);
        for (unsigned mi = 0; mi < ms.count; mi++)
            for (unsigned ni = 0; ni < ns.count; ni++)
                for (unsigned ki = 0; ki < ks.count; ki++) {
                    if (o->quick && (mi + ni + ki) % 3) continue;
                    c.m = ms.v[mi], c.n = ns.v[ni], c.k = ks.v[ki];
                    c.pad = (mi + ni + ki) % 2 ? 4 * (1 + ki) : 0, c.seed = seed++;
                    run_case(&c, t);
                }
        for (unsigned pi = 1; pi < sizeof pats / sizeof pats[0]; pi++)
            for (unsigned ni = 0; ni < ns.count; ni += 2) {
                c.m = k->mr + 1, c.n = ns.v[ni], c.k = 64 + pi, c.pad = 12, c.wpat = pats[pi],
                c.seed = seed++;
                run_case(&c, t);
            }
        c.wpat = BN_PAT_RANDOM;
    } else {
        static const size_t lens[] = {1,  2,  3,  7,  8,  9,  15,  16,  17,   31,
                                      32, 33, 47, 63, 64, 65, 100, 255, 1000, 4097};
        for (unsigned pi = 0; pi < sizeof pats / sizeof pats[0]; pi++)
            for (unsigned li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                if (o->quick && pi && li % 2) continue;
                c.m = 1 + (li + pi) % 4, c.k = lens[li], c.n = 1, c.pad = li % 3 ? 0 : 4 * li + 4;
                c.xpat = pats[pi], c.seed = seed++;
                run_case(&c, t);
            }
        c.xpat = BN_PAT_RANDOM;
    }
    bn_rng rng = {seed};
    for (unsigned i = 0; i < (o->quick ? 6u : 40u); i++) {
        c.m = 1 + bn_rng_below(&rng, 9), c.k = 1 + bn_rng_below(&rng, 300), c.n = 1 + bn_rng_below(&rng, 200);
        c.pad = bn_rng_below(&rng, 2) ? 4 * bn_rng_below(&rng, 20) : 0,
        c.seed = bn_rng_next(&rng) % 1000000007u;
        run_case(&c, t);
    }
}

static void kernel_cases(const bn_kernel *k, const options *o, tally *t)
{
    if (bn_kernel_format(k) == BN_FORMAT_F32) {
        f32_cases(k, o, t);
        return;
    }
    bn_op op = bn_kernel_op(k);
    bn_format f = bn_kernel_format(k);
    bool matmul = op == BN_OP_GEMV || op == BN_OP_GEMM;
    bool ternary = f != BN_FORMAT_A8 && f != BN_FORMAT_F16; /* and Q8: integer weights alike */
    unsigned lrs[4], nl = layouts(k, lrs);
    sizes ks = k_sizes(k, o->quick), ns = n_sizes(k);
    uint64_t seed = o->seed * 1000003u + bn_kernel_id(k) * 7919u;
    bn_case c = {.kernel = k, .wpat = BN_PAT_RANDOM, .xpat = BN_PAT_RANDOM};

    /* 1. Shapes x layouts, random values, packed and strided buffers. */
    for (unsigned l = 0; l < nl; l++) {
        sizes ms = m_sizes(k, lrs[l]);
        for (unsigned ki = 0; ki < ks.count; ki++)
            for (unsigned mi = 0; mi < ms.count; mi++) {
                if (o->quick && mi % 2 && ki % 2) continue;
                c.layout_rows = lrs[l];
                c.k = ks.v[ki];
                c.m = op_uses_rows(op) || matmul ? ms.v[mi] : 1;
                c.n = op == BN_OP_GEMM ? ns.v[(ki + mi) % ns.count] : (op == BN_OP_GEMV ? 1 : 1 + mi % 3);
                c.r0 = 0, c.r1 = c.m;
                c.pad = (ki + mi) % 3 == 0 ? 13 : 0;
                c.seed = seed++;
                run_case(&c, t);
                if (!op_uses_rows(op) && !matmul && mi >= 2) break;
            }
    }

    /* 2. Row ranges that start past 0 (at a layout block) and stop before the end. */
    if (matmul) {
        for (unsigned l = 0; l < nl; l++) {
            size_t b = lrs[l] > 1 ? lrs[l] : (k->mr ? k->mr : 1);
            c.layout_rows = lrs[l], c.k = ks.v[ks.count > 1 ? 1 : 0], c.m = 3 * b + 2;
            c.n = op == BN_OP_GEMM ? ns.v[ns.count - 1] : 1;
            c.r0 = lrs[l] > 1 ? lrs[l] : 1, c.r1 = c.m - 1, c.pad = 0, c.seed = seed++;
            run_case(&c, t);
        }
    }

    /* 3. Extremes at K up to 65536: all +1/-1/0 weights against +127/-128 activations,
     *    where a 16-bit accumulator overflows. */
    if (matmul && ternary) {
        static const bn_pattern wp[] = {BN_PAT_PLUS, BN_PAT_MINUS, BN_PAT_ALT, BN_PAT_ZERO};
        static const bn_pattern xp[] = {BN_PAT_PLUS, BN_PAT_MINUS, BN_PAT_ALT};
        size_t a = format_k_align(f);
        size_t big[] = {65536, o->quick ? 65536 : 65536 - 2 * a, 4096 + a};
        for (unsigned bi = 0; bi < 3; bi++)
            for (unsigned wi = 0; wi < 4; wi++)
                for (unsigned xi = 0; xi < 3; xi++) {
                    if (o->quick && bi == 1) continue;
                    c.layout_rows = lrs[nl - 1], c.k = big[bi] / a * a;
                    c.m = (k->mr ? k->mr : 1) + 1;
                    if (c.layout_rows > 1 && c.m < c.layout_rows + 1) c.m = c.layout_rows + 1;
                    c.n = op == BN_OP_GEMM ? (k->nr ? k->nr : 1) + 1 : 1;
                    c.r0 = 0, c.r1 = c.m, c.pad = 0, c.wpat = wp[wi], c.xpat = xp[xi], c.seed = seed++;
                    run_case(&c, t);
                }
        /* Every weight byte 0xFF: for I2S/QK256 every code is 3 and reads +2, so code * q
         * reaches its largest magnitude 3 * 128 in every product, the worst case of any
         * narrow accumulator; for TL1/TL2 every index is invalid (and every TL2 sign set). */
        for (unsigned xi = 0; xi < (o->quick ? 1u : 2u); xi++) {
            c.layout_rows = lrs[nl - 1], c.k = 65536 / a * a, c.m = (k->mr ? k->mr : 1) + 1;
            if (c.layout_rows > 1 && c.m < c.layout_rows + 1) c.m = c.layout_rows + 1;
            c.n = op == BN_OP_GEMM ? (k->nr ? k->nr : 1) + 1 : 1;
            c.r0 = 0, c.r1 = c.m, c.pad = 0, c.wpat = BN_PAT_CODE3_ALL;
            c.xpat = xi ? BN_PAT_PLUS : BN_PAT_MINUS, c.seed = seed++;
            run_case(&c, t);
        }
        c.wpat = c.xpat = BN_PAT_RANDOM;
    }

    /* 4. Invalid codes (I2_S/QK256 code 3, TL indices 9..15/14..15) behave as specified. */
    if (ternary && (op == BN_OP_GEMV || op == BN_OP_GEMM || op == BN_OP_UNPACK || op == BN_OP_DEQUANT)) {
        for (unsigned ki = 0; ki < ks.count; ki += 2) {
            c.layout_rows = lrs[nl - 1], c.k = ks.v[ki], c.m = 2 * (k->mr ? k->mr : 1) + 1;
            if (c.layout_rows > 1) c.m = c.layout_rows + 3;
            c.n = op == BN_OP_GEMM ? 3 : 1, c.r0 = 0, c.r1 = c.m, c.pad = 0;
            c.wpat = BN_PAT_CODE3, c.xpat = BN_PAT_RANDOM, c.seed = seed++;
            run_case(&c, t);
        }
        c.wpat = BN_PAT_RANDOM;
    }

    /* 5. A8: rounding ties, zeros (the 1e-5 floor), tiny values, constant rows. */
    if (f == BN_FORMAT_A8) {
        static const bn_pattern xp[] = {BN_PAT_TIES, BN_PAT_ZERO,  BN_PAT_SPARSE,
                                        BN_PAT_PLUS, BN_PAT_MINUS, BN_PAT_ALT};
        for (unsigned xi = 0; xi < 6; xi++)
            for (unsigned ki = 0; ki < ks.count; ki += 3) {
                c.k = ks.v[ki], c.m = 1, c.n = 3, c.xpat = xp[xi], c.pad = 5, c.seed = seed++;
                run_case(&c, t);
            }
        c.xpat = BN_PAT_RANDOM;
    }

    /* 6. Weight quantisation and packing of extreme patterns (Q8 also rounding ties). */
    if (ternary && (op == BN_OP_QUANT || op == BN_OP_PACK)) {
        static const bn_pattern wp[] = {BN_PAT_PLUS, BN_PAT_MINUS,  BN_PAT_ZERO,
                                        BN_PAT_ALT,  BN_PAT_SPARSE, BN_PAT_TIES};
        for (unsigned wi = 0; wi < (f == BN_FORMAT_Q8 ? 6u : 5u); wi++) {
            c.layout_rows = lrs[nl - 1], c.k = ks.v[wi % ks.count], c.m = 5, c.n = 1, c.r0 = 0, c.r1 = 5;
            c.wpat = wp[wi], c.pad = 0, c.seed = seed++;
            run_case(&c, t);
        }
        c.wpat = BN_PAT_RANDOM;
    }

    /* 7. Seeded random shapes. */
    bn_rng rng = {seed};
    unsigned randoms = o->quick ? 4 : 24;
    for (unsigned i = 0; i < randoms; i++) {
        size_t a = format_k_align(f);
        if (k->k_align > a) a = k->k_align;
        c.layout_rows = lrs[bn_rng_below(&rng, nl)];
        c.k = (1 + bn_rng_below(&rng, (unsigned)(3000 / a + 1))) * a;
        c.m = 1 + bn_rng_below(&rng, 70);
        c.n = op == BN_OP_GEMM ? 1 + bn_rng_below(&rng, 20)
                               : (op == BN_OP_GEMV ? 1 : 1 + bn_rng_below(&rng, 3));
        size_t block = c.layout_rows > 1 ? c.layout_rows : 1;
        c.r0 = matmul ? block * bn_rng_below(&rng, (unsigned)(c.m / block + 1)) : 0;
        if (c.r0 > c.m) c.r0 = 0;
        c.r1 = c.r0 + bn_rng_below(&rng, (unsigned)(c.m - c.r0 + 1));
        c.pad = bn_rng_below(&rng, 2) ? bn_rng_below(&rng, 40) : 0;
        c.wpat = bn_rng_below(&rng, 8) == 0 ? BN_PAT_SPARSE : BN_PAT_RANDOM;
        c.xpat = BN_PAT_RANDOM;
        c.seed = bn_rng_next(&rng) % 1000000007u;
        run_case(&c, t);
    }
}

/* ---- cross-format identity: one set of ternary weights and A8 rows through every
 *      usable GEMV/GEMM of every ternary format gives bit-identical y. */

static bool cross_format_case(size_t m, size_t k, size_t n, uint64_t seed, char *why, size_t why_size)
{
    bn_rng rng = {seed};
    int8_t *t = malloc(m * k), *q = malloc(n * k);
    float *s = malloc(n * sizeof(float)), *standard = malloc(n * m * sizeof(float));
    float *y = malloc(n * m * sizeof(float));
    int32_t *qsum = calloc(n, sizeof(int32_t));
    for (size_t i = 0; i < m * k; i++) t[i] = (int8_t)((int)bn_rng_below(&rng, 3) - 1);
    for (size_t i = 0; i < n * k; i++) qsum[i / k] += q[i] = (int8_t)((int)bn_rng_below(&rng, 256) - 128);
    for (size_t i = 0; i < n; i++) s[i] = (float)(1 + bn_rng_below(&rng, 1000)) * 0.37f;
    float ws = 0.013f * (float)(1 + bn_rng_below(&rng, 100));

    /* The standard: the QK256 reference (it accepts every K). */
    size_t bytes;
    bn_weights_bytes(BN_FORMAT_QK256, m, k, 1, &bytes);
    uint8_t *qk = malloc(bytes);
    bn_qk256_pack__ref(m, k, t, k, ws, 1, qk);
    bn_weights wq = {qk, m, k, ws, 1, BN_FORMAT_QK256};
    bn_act xq = {q, k, s, qsum, NULL, 0};
    bn_qk256_gemm__ref(&wq, 0, m, n, &xq, standard, m * sizeof(float));
    free(qk);

    /* Every format's reference twin, then every usable GEMV/GEMM kernel. */
    static const bn_format formats[] = {BN_FORMAT_I2S, BN_FORMAT_QK256, BN_FORMAT_TL1, BN_FORMAT_TL2};
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    bool ok = true;
    for (size_t i = 0; ok && i < 4 + count; i++) {
        const struct bn_kernel *kern = i < 4 ? NULL : &reg[i - 4];
        bn_format f = kern ? kern->format : formats[i];
        const char *name = kern ? kern->name : bn_format_name(f);
        if (kern && ((kern->op != BN_OP_GEMV && kern->op != BN_OP_GEMM) || f == BN_FORMAT_F16 ||
                     f == BN_FORMAT_F32 || f == BN_FORMAT_Q8 || !bn_kernel_usable(kern)))
            continue;
        if (k % format_k_align(f) || (kern && k % (kern->k_align ? kern->k_align : 1))) continue;
        unsigned lr = kern && kern->layout_rows ? kern->layout_rows : 1;
        size_t lut_bytes = 0;
        bn_weights_bytes(f, m, k, lr, &bytes);
        uint8_t *data = malloc(bytes), *lut = NULL;
        bn_ref_twin(f, BN_OP_PACK).pack(m, k, t, k, ws, lr, data);
        if (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2) {
            bn_lut_bytes(f, k, &lut_bytes);
            lut = malloc(n * lut_bytes);
            bn_ref_twin(f, BN_OP_LUT).lut(n, k, q, k, lut, lut_bytes);
        }
        bn_weights w = {data, m, k, ws, lr, f};
        bn_act x = {q, k, s, qsum, lut, lut_bytes};
        size_t tokens = kern && kern->op == BN_OP_GEMV ? 1 : n;
        bn_status st = BN_OK;
        if (!kern)
            bn_ref_twin(f, BN_OP_GEMM).gemm(&w, 0, m, n, &x, y, m * sizeof(float));
        else if (kern->op == BN_OP_GEMV)
            st = bn_gemv(kern, &w, 0, m, &x, y);
        else
            st = bn_gemm(kern, &w, 0, m, n, &x, y, m * sizeof(float));
        if (st != BN_OK) {
            snprintf(why, why_size, "%s: %s", name, bn_last_error());
            ok = false;
        } else if (memcmp(standard, y, tokens * m * sizeof(float)) != 0) {
            snprintf(why, why_size, "%s (%s%s) differs from the QK256 reference", name, bn_format_name(f),
                     kern ? "" : " reference");
            ok = false;
        }
        free(data), free(lut);
    }
    free(t), free(q), free(s), free(standard), free(y), free(qsum);
    return ok;
}

static void cross_format(const options *o, tally *t)
{
    /* K a multiple of 128 (I2_S's alignment, so every format applies); K mod 6 = 0, 4, 0,
     * 0, 2 covers every TL2 tail length and QK256 with and without a partial block. */
    static const size_t shapes[][3] = {
        {7, 768, 3}, {33, 1536, 5}, {64, 2560, 17}, {5, 6912, 2}, {17, 1280, 4}};
    unsigned count = o->quick ? 3 : 5;
    for (unsigned i = 0; i < count; i++) {
        char why[512];
        t->run++;
        if (cross_format_case(shapes[i][0], shapes[i][1], shapes[i][2], o->seed + i, why, sizeof why))
            t->passed++;
        else {
            printf("FAIL cross-format m=%zu k=%zu n=%zu seed=%" PRIu64 ": %s\n", shapes[i][0], shapes[i][1],
                   shapes[i][2], o->seed + i, why);
            total_failures++;
        }
    }
}

/* ---- exp_canonical (ref/f32.c, reproduced bit for bit by every F32 softmax kernel)
 *      against exp in double: every binary32 in [-104, 0] and [0, 89] (every 61st with
 *      --quick), at most 2 ulp of the exact value (binary32 spacing at |exp|, 2^-149 in
 *      the subnormals; +inf where exp overflows).  Prints the maximum, the figure docs/formats.md quotes. */
static double exp_ulp_error(float x)
{
    const double exact = exp((double)x);
    if (exact >= 0x1.ffffffp127) /* rounds to +inf in binary32 */
        return isinf(bn_f32_exp__ref(x)) ? 0.0 : INFINITY;
    int e;
    frexp(exact, &e);
    const double ulp = ldexp(1.0, (e - 1 < -126 ? -126 : e - 1) - 23);
    return fabs((double)bn_f32_exp__ref(x) - exact) / ulp;
}

static void exp_accuracy(const options *o, tally *t)
{
    const uint32_t step = o->quick ? 61 : 1, lo_end = 0xC2D00000u /* -104 */, hi_end = 0x42B20000u /* 89 */;
    double worst = 0.0;
    float worst_x = 0.0f;
    for (int half = 0; half < 2; half++) {
        const uint32_t first = half ? 0u : 0x80000000u, last = half ? hi_end : lo_end;
        for (uint32_t u = first; u <= last; u += step) {
            float x;
            memcpy(&x, &u, sizeof x);
            const double err = exp_ulp_error(x);
            if (err > worst) worst = err, worst_x = x;
        }
    }
    t->run++;
    if (worst <= 2.0) {
        t->passed++;
    } else {
        printf("FAIL exp_canonical: %.4f ulp at %a exceeds 2 ulp\n", worst, (double)worst_x);
        total_failures++;
    }
    printf("%-4s %-34s max %.4f ulp at %a (%s)\n", worst <= 2.0 ? "ok" : "FAIL", "exp_canonical vs exp",
           worst, (double)worst_x, step == 1 ? "every float" : "every 61st float");
}

static void usage(void)
{
    fprintf(stderr,
            "usage: conform [--quick] [--receipt FILE] [--kernel NAME] [--case CASE] [--seed N] [--list]\n");
}

static bool parse(int argc, char **argv, options *o)
{
    *o = (options){.seed = 20261123};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--quick") == 0)
            o->quick = true;
        else if (strcmp(a, "--list") == 0)
            o->list = true;
        else if (strcmp(a, "--receipt") == 0 && more)
            o->receipt = argv[++i];
        else if (strcmp(a, "--kernel") == 0 && more)
            o->kernel = argv[++i];
        else if (strcmp(a, "--case") == 0 && more)
            o->single_case = argv[++i];
        else if (strcmp(a, "--seed") == 0 && more)
            o->seed = strtoull(argv[++i], NULL, 10);
        else {
            fprintf(stderr, "conform: unknown or incomplete argument '%s'\n", a);
            usage();
            return false;
        }
    }
    if (o->receipt && (o->kernel || o->single_case || o->list)) {
        fprintf(stderr, "conform: --receipt records a run of the whole registry; it cannot be combined with "
                        "--kernel, --case or --list\n");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    options o;
    if (!parse(argc, argv, &o)) return 2;
    const bn_resolution *res = bn_dispatch();
    double start = (double)bn_now_ns() * 1e-9;

    if (o.single_case) {
        bn_case c;
        char err[256];
        if (!bn_case_parse(o.single_case, &c, err, sizeof err)) {
            fprintf(stderr, "conform: %s\n", err);
            return 2;
        }
        if (!bn_kernel_usable(c.kernel)) {
            fprintf(stderr, "conform: %s cannot run on this CPU\n", bn_kernel_name(c.kernel));
            return 2;
        }
        tally t = {0};
        run_case(&c, &t);
        printf("%s\n", t.passed ? "PASS" : "FAILED");
        return t.passed ? 0 : 1;
    }

    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    bn_receipt_conformance rc;
    bn_receipt_conformance_init(&rc, count);
    printf("libbitnet conformance (%s): %zu kernels in this build, CPU %s%s\n", bn_version(), count,
           bn_cpu_model(), o.quick ? ", quick" : "");
    for (size_t i = 0; i < count; i++) {
        const struct bn_kernel *k = &reg[i];
        if (o.kernel && strcmp(o.kernel, k->name) != 0) continue;
        if (o.list) {
            printf("%s\n", k->name);
            continue;
        }
        bn_cpu_features missing = bn_isa_features(k->isa) & ~res->effective;
        if (missing) {
            char reason[160];
            bool detected = (bn_isa_features(k->isa) & ~res->detected) == 0;
            int len =
                snprintf(reason, sizeof reason, "%s ", detected ? "excluded by override:" : "cpu lacks");
            for (unsigned b = 0; bn_cpu_feature_name(b); b++)
                if (missing & BN_CPU_BIT(b))
                    len += snprintf(reason + len, sizeof reason - (size_t)len, "%s ", bn_cpu_feature_name(b));
            reason[len - 1] = '\0';
            printf("SKIP %-34s %s\n", k->name, reason);
            bn_receipt_conformance_skip(&rc, k, reason);
            continue;
        }
        tally t = {0};
        kernel_cases(k, &o, &t);
        printf("%-4s %-34s %u/%u cases\n", t.passed == t.run ? "ok" : "FAIL", k->name, t.passed, t.run);
        bn_receipt_conformance_kernel(&rc, k, t.run, t.passed, bn_kernel_counter(k).calls);
        fflush(stdout);
    }
    if (o.list) return 0;
    tally cross = {0};
    if (!o.kernel) {
        cross_format(&o, &cross);
        printf("%-4s %-34s %u/%u cases\n", cross.passed == cross.run ? "ok" : "FAIL",
               "cross-format I2S=QK256=TL1=TL2", cross.passed, cross.run);
        tally accuracy = {0};
        exp_accuracy(&o, &accuracy);
    }
    bn_receipt_conformance_cross(&rc, cross.run, cross.passed);
    double wall = (double)bn_now_ns() * 1e-9 - start;
    printf("%s: %u failures, %.1f s\n", total_failures ? "FAILED" : "PASSED", total_failures, wall);
    if (o.receipt) {
        if (bn_receipt_conformance_write(&rc, o.receipt, o.quick, wall) != BN_OK) {
            fprintf(stderr, "conform: %s\n", bn_last_error());
            return 2;
        }
        printf("receipt: %s%s\n", o.receipt, total_failures ? " (failing)" : "");
    }
    bn_receipt_conformance_free(&rc);
    return total_failures ? 1 : 0;
}
