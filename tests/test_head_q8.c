/*
 * test_head_q8.c - the opt-in int8 output head (head_format q8, docs/formats.md "Q8"):
 *   - on a synthetic model with an F16 head and on TinyStories 1M (F32 head), the logits
 *     equal the reference computation exactly (A8 of the final-normed row, the stored head
 *     quantised by ref/q8.c, the reference Q8 GEMV), under every ISA cap of this CPU;
 *   - on both TinyStories models, its top-1 token agrees with the stored head's on the
 *     measured share of 256 greedy positions, with the measured largest logit difference;
 *   - a head format other than the stored one or q8 is refused.
 * Needs `make fixtures`.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/context.h"
#include "model/forward.h"
#include "ref/ref.h"

#define TINY "build/fixtures/tiny-bitnet-b1.58.gguf"
#define TS1M "build/fixtures/tinystories-1M.gguf"
#define TS3M "build/fixtures/tinystories-3M.gguf"

static bn_model *open_head(const char *path, int head_format)
{
    bn_model_params p;
    bn_model_params_default(&p);
    p.head_format = head_format;
    bn_model *m = NULL;
    bn_status st = bn_model_open(path, &p, &m);
    cr_assert_eq(st, BN_OK, "%s: %s (run `make fixtures`)", path, bn_last_error());
    return m;
}

/* The reference logits of the Q8 head for the row c->head_in: every step by ref/. */
static void reference_logits(const bn_context *c, float *out)
{
    const bn_model *m = c->model;
    const size_t rows = m->output.rows, dim = m->output.cols;
    float *w = malloc(rows * dim * sizeof(float));
    for (size_t i = 0; i < rows * dim; i++)
        w[i] = m->output_type == BN_GGML_F16 ? bn_f16_to_f32__ref(((const uint16_t *)m->output.data)[i])
                                             : ((const float *)m->output.data)[i];
    uint8_t *q8 = malloc(bn_q8_bytes(rows, dim));
    bn_q8_quant__ref(rows, dim, w, dim * sizeof(float), (int8_t *)q8, dim,
                     (float *)(q8 + bn_q8_scales_offset(rows, dim)));
    cr_assert_eq(memcmp(q8, m->output_q8.data, bn_q8_bytes(rows, dim)), 0,
                 "the loader's Q8 head != ref quant");
    int8_t *a = malloc(dim);
    float s;
    int32_t qsum;
    bn_a8_quant__ref(1, dim, c->head_in, dim * sizeof(float), a, dim, &s, &qsum);
    bn_weights wq = {q8, rows, dim, 1.0f, 1, BN_FORMAT_Q8};
    bn_act x = {a, dim, &s, &qsum, NULL, 0};
    bn_q8_gemv__ref(&wq, 0, rows, &x, out);
    free(w), free(q8), free(a);
}

static void check_exact(const char *path, int expect_stored)
{
    static const char *const caps[] = {"scalar", "avx2", "avx512", "neon", "neondot"};
    bn_cpu_features cpu = bn_cpu_detect();
    unsigned tested = 0;
    for (size_t ci = 0; ci < sizeof caps / sizeof caps[0]; ci++) {
        if (bn_dispatch_configure(caps[ci], NULL) != BN_OK) continue; /* another architecture */
        if (bn_isa_features((bn_isa)bn_isa_from_name(caps[ci])) & ~cpu) continue;
        bn_model *m = open_head(path, BN_FORMAT_Q8);
        cr_assert_eq(m->output_type, (uint32_t)expect_stored);
        bn_context *c;
        cr_assert_eq(bn_context_new(m, &(bn_context_params){64, 0, 2}, &c), BN_OK, "%s", bn_last_error());
        const size_t vocab = m->hp.vocab_size;
        float *got = malloc(vocab * sizeof(float)), *want = malloc(vocab * sizeof(float));
        const int32_t tokens[] = {1, 7, 42, 3, 99};
        for (size_t i = 0; i < 5; i++) {
            cr_assert_eq(bn_eval(c, &tokens[i], 1, got), BN_OK, "%s", bn_last_error());
            reference_logits(c, want);
            for (size_t v = 0; v < vocab; v++)
                cr_assert_eq(memcmp(&got[v], &want[v], sizeof(float)), 0,
                             "%s cap %s pos %zu logit %zu: %a != ref %a", path, caps[ci], i, v, got[v],
                             want[v]);
        }
        free(got), free(want);
        bn_context_free(c);
        bn_model_close(m);
        tested++;
    }
    bn_dispatch_configure(NULL, NULL);
    cr_assert_geq(tested, 1);
}

Test(head_q8, logits_equal_the_reference_f16_head) { check_exact(TINY, BN_GGML_F16); }
Test(head_q8, logits_equal_the_reference_f32_head) { check_exact(TS1M, BN_GGML_F32); }

/* 256 positions of the stored head's greedy story from BOS: both heads on each position's
 * hidden state.  The bounds are the measured figures (tools/head-effect, docs/performance.md):
 * every kernel is exact, so they do not move with the ISA or the thread count. */
static void check_agreement(const char *path, size_t min_agree, double max_diff)
{
    bn_model *m = open_head(path, BN_FORMAT_Q8);
    bn_context *c;
    cr_assert_eq(bn_context_new(m, &(bn_context_params){257, 0, 2}, &c), BN_OK, "%s", bn_last_error());
    const size_t vocab = m->hp.vocab_size;
    float *lq = malloc(vocab * sizeof(float)), *ls = malloc(vocab * sizeof(float));
    int32_t tok = bn_model_bos(m);
    size_t agree = 0;
    double worst = 0;
    for (size_t p = 0; p < 256; p++) {
        cr_assert_eq(bn_eval(c, &tok, 1, lq), BN_OK, "%s", bn_last_error());
        cr_assert_eq(bn_forward_head(c, BN_FORMAT_F32, ls), BN_OK, "%s", bn_last_error());
        size_t ts = 0, tq = 0;
        for (size_t v = 0; v < vocab; v++) {
            if (ls[v] > ls[ts]) ts = v;
            if (lq[v] > lq[tq]) tq = v;
            if (fabs((double)lq[v] - ls[v]) > worst) worst = fabs((double)lq[v] - ls[v]);
        }
        agree += ts == tq;
        tok = (int32_t)ts;
    }
    cr_expect_geq(agree, min_agree, "%s: top-1 agreement %zu / 256, measured %zu", path, agree, min_agree);
    cr_expect_leq(worst, max_diff, "%s: max |logit diff| %g, measured <= %g", path, worst, max_diff);
    free(lq), free(ls);
    bn_context_free(c);
    bn_model_close(m);
}

Test(head_q8, tinystories_1M_top1_agreement) { check_agreement(TS1M, 252, 0.2412); }
Test(head_q8, tinystories_3M_top1_agreement) { check_agreement(TS3M, 256, 0.5760); }

Test(head_q8, other_head_formats_refused)
{
    bn_model_params p;
    bn_model_params_default(&p);
    bn_model *m = NULL;
    static const int bad[] = {BN_FORMAT_F16, BN_FORMAT_TL2, BN_FORMAT_A8, 99, -2};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) { /* TinyStories: the head is F32 */
        p.head_format = bad[i];
        cr_expect_eq(bn_model_open(TS1M, &p, &m), BN_E_INVALID_ARGUMENT, "head_format %d accepted", bad[i]);
        cr_expect_null(m);
        cr_expect(strstr(bn_last_error(), "the stored output head is f32") != NULL, "%s", bn_last_error());
    }
    p.head_format = BN_FORMAT_F32; /* a model with an F16 head refuses F32 */
    cr_expect_eq(bn_model_open(TINY, &p, &m), BN_E_INVALID_ARGUMENT);
    cr_expect(strstr(bn_last_error(), "the stored output head is f16") != NULL, "%s", bn_last_error());

    static const struct {
        const char *path;
        int asked;
        bn_format got;
    } ok[] = {
        {TS1M, -1, BN_FORMAT_F32}, {TS1M, BN_FORMAT_F32, BN_FORMAT_F32}, {TS1M, BN_FORMAT_Q8, BN_FORMAT_Q8},
        {TINY, -1, BN_FORMAT_F16}, {TINY, BN_FORMAT_F16, BN_FORMAT_F16}, {TINY, BN_FORMAT_Q8, BN_FORMAT_Q8}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        m = open_head(ok[i].path, ok[i].asked);
        bn_model_info info;
        cr_assert_eq(bn_model_describe(m, &info), BN_OK);
        cr_expect_eq(info.head_format, ok[i].got, "%s head_format %d: in memory %s", ok[i].path, ok[i].asked,
                     bn_format_name(info.head_format));
        bn_model_close(m);
    }
}

/* The public Q8 entry points check their arguments like the others. */
Test(head_q8, q8_calls_are_checked)
{
    const bn_kernel *gemv, *quant, *a8;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_Q8, BN_OP_GEMV, &gemv), BN_OK);
    cr_assert_eq(bn_kernel_select(BN_FORMAT_Q8, BN_OP_QUANT, &quant), BN_OK);
    cr_assert_eq(bn_kernel_select(BN_FORMAT_A8, BN_OP_QUANT, &a8), BN_OK);
    static int8_t codes[65537 + 64 + 4];
    int8_t q[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    float s = 1.0f, y[1], w[8] = {0};
    int32_t qsum = 36;
    bn_act x = {q, 8, &s, &qsum, NULL, 0};
    bn_weights big = {codes, 1, 65537, 1.0f, 1, BN_FORMAT_Q8};
    cr_expect_eq(bn_gemv(gemv, &big, 0, 1, &x, y), BN_E_INVALID_ARGUMENT);
    cr_expect(strstr(bn_last_error(), "K <= 65536") != NULL, "%s", bn_last_error());
    bn_weights ok = {codes, 1, 8, 1.0f, 1, BN_FORMAT_Q8};
    cr_expect_eq(bn_gemv(gemv, &ok, 0, 1, &x, y), BN_OK, "%s", bn_last_error());
    cr_expect_eq(bn_q8_quantize(a8, 1, 8, w, 32, q, 8, &s), BN_E_INVALID_ARGUMENT);
    cr_expect(strstr(bn_last_error(), "is not a Q8 kernel") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_q8_quantize(quant, 2, 8, w, 16, q, 8, y), BN_E_INVALID_ARGUMENT); /* stride < a row */
    cr_expect_eq(bn_q8_quantize(quant, 1, 8, w, 32, q, 8, &s), BN_OK, "%s", bn_last_error());
    cr_expect_eq(s, 0.0f); /* an all-zero row */
}
