/*
 * test_model.c - the transformer end to end, through the public API:
 *   - the real TinyStories ternary models write the reference stories (first 32 greedy
 *     tokens from BOS) in every kernel format and under every ISA cap of this CPU;
 *   - prefill then decode gives the logits of token-by-token decoding (bounded, same argmax);
 *   - the same logits under every BN_ISA cap.
 * Needs the converted fixtures: `make fixtures` (make test builds them first).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitnet.h"

/* The first 32 reference token ids of a model ("1M" or "3M") from
 * fixtures/tinystories/golden-greedy.txt (provenance in that folder's SOURCE.md). */
static void load_golden(const char *which, int32_t out[32])
{
    FILE *f = fopen("fixtures/tinystories/golden-greedy.txt", "r");
    cr_assert_not_null(f, "fixtures/tinystories/golden-greedy.txt is missing (run from the repository root)");
    char line[2048];
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, which, strlen(which)) == 0 && line[strlen(which)] == ':') {
            char *p = line + strlen(which) + 1, *end;
            for (; n < 32; n++, p = end) {
                out[n] = (int32_t)strtol(p, &end, 10);
                if (end == p) break;
            }
        }
    fclose(f);
    cr_assert_eq(n, 32, "golden-greedy.txt: fewer than 32 ids for %s", which);
}

static const char *const formats[] = {"i2s", "qk256", "tl1", "tl2"};

/* The ISA caps of this build that the CPU supports. */
static size_t usable_caps(const char *caps[6])
{
    size_t n = 0;
    bn_cpu_features cpu = bn_cpu_detect();
    for (int isa = 0; isa < BN_ISA_COUNT; isa++) {
        if (bn_dispatch_configure(bn_isa_name((bn_isa)isa), NULL) != BN_OK) continue; /* other arch */
        if ((bn_isa_features((bn_isa)isa) & ~cpu) == 0) caps[n++] = bn_isa_name((bn_isa)isa);
    }
    bn_dispatch_configure(NULL, NULL);
    return n;
}

static bn_model *open_model(const char *path, int format)
{
    bn_model_params p;
    bn_model_params_default(&p);
    p.kernel_format = format;
    bn_model *m = NULL;
    bn_status st = bn_model_open(path, &p, &m);
    cr_assert_eq(st, BN_OK, "%s: %s (run `make fixtures`)", path, bn_last_error());
    return m;
}

static bn_context *open_context(const bn_model *m, unsigned threads)
{
    bn_context_params cp = {128, 64, threads};
    bn_context *c = NULL;
    cr_assert_eq(bn_context_new(m, &cp, &c), BN_OK, "%s", bn_last_error());
    return c;
}

typedef struct collected {
    int32_t ids[64];
    size_t n;
} collected;

static int collect(void *user, int32_t token, const char *text, size_t len)
{
    (void)text, (void)len;
    collected *c = user;
    if (token >= 0 && c->n < 64) c->ids[c->n++] = token;
    return 0;
}

static void check_golden(const char *path, const int32_t *golden, const char *cap, const char *format)
{
    bn_model *m = open_model(path, bn_format_from_name(format));
    bn_context *c = open_context(m, 0);
    bn_sampler_params sp;
    bn_sampler_params_default(&sp);
    sp.temperature = 0.0f;
    bn_sampler *s = NULL;
    cr_assert_eq(bn_sampler_new(bn_model_vocab_size(m), &sp, &s), BN_OK);
    int32_t bos = bn_model_bos(m);
    collected got = {{0}, 0};
    bn_generate_params gp = {32, NULL, 0};
    cr_assert_eq(bn_generate(c, s, &bos, 1, &gp, collect, &got, NULL), BN_OK, "%s", bn_last_error());
    cr_assert_eq(got.n, 32);
    for (size_t i = 0; i < 32; i++)
        cr_assert_eq(got.ids[i], golden[i], "%s, format %s, BN_ISA=%s: token %zu is %d, reference %d", path,
                     format, cap, i, got.ids[i], golden[i]);
    bn_sampler_free(s);
    bn_context_free(c);
    bn_model_close(m);
}

Test(model, tinystories_writes_the_reference_stories_in_every_format_and_isa_cap, .timeout = 300)
{
    const char *caps[6];
    size_t n_caps = usable_caps(caps);
    cr_assert_geq(n_caps, 1);
    int32_t golden_1m[32], golden_3m[32];
    load_golden("1M", golden_1m);
    load_golden("3M", golden_3m);
    for (size_t ci = 0; ci < n_caps; ci++) {
        cr_assert_eq(bn_dispatch_configure(caps[ci], NULL), BN_OK);
        for (size_t f = 0; f < 4; f++) {
            check_golden("build/fixtures/tinystories-1M.gguf", golden_1m, caps[ci], formats[f]);
            check_golden("build/fixtures/tinystories-3M.gguf", golden_3m, caps[ci], formats[f]);
        }
    }
    bn_dispatch_configure(NULL, NULL);
}

/* A prompt of n tokens from the model's own vocabulary, deterministic. */
static void prompt_ids(const bn_model *m, int32_t *ids, size_t n)
{
    uint32_t v = bn_model_vocab_size(m), x = 12345;
    ids[0] = bn_model_bos(m) >= 0 ? bn_model_bos(m) : 0;
    for (size_t i = 1; i < n; i++) {
        x = x * 1103515245u + 12345u;
        ids[i] = (int32_t)(3 + (x >> 8) % (v - 3));
    }
}

static size_t argmax(const float *x, size_t n)
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

/* Prefill vs decode.  The ternary GEMM and GEMV are both bit-exact to the reference and
 * attention computes every output in one fixed order whatever the batch (model/attention.c),
 * so the stated bound is zero: the logits must be bit-identical.  (With a batch-dependent
 * order, a 1e-6 difference can flip an A8 rounding and grow to 0.1 within a few tokens.) */
static void check_prefill_matches_decode(const char *path)
{
    bn_model *m = open_model(path, -1);
    const size_t n = 24, V = bn_model_vocab_size(m);
    int32_t ids[24];
    prompt_ids(m, ids, n);
    float *step = malloc(n * V * sizeof(float)), *batch = malloc(n * V * sizeof(float));
    float *mixed = malloc(V * sizeof(float));
    /* The prompt on 3 threads (rows split unevenly), the steps on one per core. */
    bn_context *a = open_context(m, 0), *b = open_context(m, 3);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(bn_eval(a, &ids[i], 1, step + i * V), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_eval_all(b, ids, n, batch), BN_OK, "%s", bn_last_error());
    double worst = 0.0;
    for (size_t i = 0; i < n; i++) {
        float scale = 0.0f;
        for (size_t j = 0; j < V; j++) scale = fmaxf(scale, fabsf(step[i * V + j]));
        for (size_t j = 0; j < V; j++) {
            double d = fabs((double)step[i * V + j] - batch[i * V + j]);
            worst = d > worst ? d : worst;
            cr_assert_eq(d, 0.0, "%s: position %zu logit %zu: decode %a, prefill %a (max |logit| %g)", path,
                         i, j, (double)step[i * V + j], (double)batch[i * V + j], (double)scale);
        }
        cr_assert_eq(argmax(step + i * V, V), argmax(batch + i * V, V), "%s: argmax differs at %zu", path, i);
    }
    /* Prefill of the first 16, then decode of the rest, against pure decoding. */
    bn_context_reset(b);
    cr_assert_eq(bn_eval(b, ids, 16, mixed), BN_OK);
    cr_assert_eq(memcmp(mixed, step + 15 * V, V * sizeof(float)), 0, "%s: prefill logits differ", path);
    for (size_t i = 16; i < n; i++) {
        cr_assert_eq(bn_eval(b, &ids[i], 1, mixed), BN_OK);
        cr_assert_eq(memcmp(mixed, step + i * V, V * sizeof(float)), 0, "%s: prefill+decode differs at %zu",
                     path, i);
        cr_assert_eq(argmax(mixed, V), argmax(step + i * V, V));
    }
    cr_log_info("%s: max |prefill - decode| = %g", path, worst);
    free(step), free(batch), free(mixed);
    bn_context_free(a), bn_context_free(b);
    bn_model_close(m);
}

Test(model, prefill_then_decode_matches_token_by_token_decoding, .timeout = 120)
{
    check_prefill_matches_decode("build/fixtures/tinystories-3M.gguf");
    check_prefill_matches_decode("build/fixtures/tiny-bitnet-b1.58.gguf");
    check_prefill_matches_decode("build/fixtures/tiny-bitnet.gguf");
}

static float *logits_under_cap(const char *path, const char *cap, size_t n, size_t *V)
{
    cr_assert_eq(bn_dispatch_configure(cap, NULL), BN_OK);
    bn_model *m = open_model(path, -1);
    *V = bn_model_vocab_size(m);
    int32_t ids[16];
    prompt_ids(m, ids, n);
    float *out = malloc(n * *V * sizeof(float));
    bn_context *c = open_context(m, 0);
    cr_assert_eq(bn_eval_all(c, ids, n, out), BN_OK, "%s", bn_last_error());
    bn_context_free(c);
    bn_model_close(m);
    return out;
}

Test(model, same_logits_under_every_isa_cap, .timeout = 120)
{
    static const char *const paths[] = {"build/fixtures/tinystories-3M.gguf",
                                        "build/fixtures/tiny-bitnet-b1.58.gguf",
                                        "build/fixtures/tiny-bitnet.gguf"};
    const char *caps[6];
    size_t n_caps = usable_caps(caps), V = 0;
    for (size_t p = 0; p < 3; p++) {
        float *base = logits_under_cap(paths[p], caps[0], 16, &V);
        for (size_t ci = 1; ci < n_caps; ci++) {
            float *other = logits_under_cap(paths[p], caps[ci], 16, &V);
            cr_assert_eq(memcmp(base, other, 16 * V * sizeof(float)), 0,
                         "%s: logits under BN_ISA=%s differ from %s", paths[p], caps[ci], caps[0]);
            free(other);
        }
        free(base);
    }
    bn_dispatch_configure(NULL, NULL);
}
