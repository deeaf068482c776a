/*
 * head-effect.c - what the int8 output head (head_format q8) does to a model's logits.
 *
 *   head-effect MODEL [--tokens N] [--text FILE] [--greedy N] [-t THREADS]
 *
 * Loads MODEL once with the Q8 head (the stored F16/F32 head stays mapped), then for N
 * positions (default 256) evaluates one token at a time and computes, on the same final
 * hidden state, the logits of the stored head and of the Q8 head (bn_forward_head).  The
 * tokens are BOS + the text of FILE (tokenized), continued greedily by the stored head
 * when the text runs out (without --text: the stored head's greedy story from BOS).
 * Prints the largest |difference| over all positions and the vocabulary, the mean
 * |difference|, the largest |logit| of the stored head for scale, and how often the two
 * heads agree on the top-1 token.  With --greedy N it also generates N tokens greedily
 * from BOS with each head (two KV caches) and reports where the two outputs first differ.
 * Deterministic: every kernel is bit-exact, so the figures do not depend on the ISA cap.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/context.h"
#include "model/forward.h"

static size_t argmax(const float *x, size_t n) /* first maximum, as the greedy sampler */
{
    size_t best = 0;
    for (size_t i = 1; i < n; i++)
        if (x[i] > x[best]) best = i;
    return best;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) free(buf), buf = NULL;
    fclose(f);
    if (buf) buf[n] = '\0', *len = (size_t)n;
    return buf;
}

typedef struct effect {
    double max_abs, sum_abs, max_logit;
    size_t max_pos, max_id, agree, positions;
} effect;

/* N positions: both heads on each position's hidden state. */
static int measure(bn_context *c, bn_format stored, const int32_t *text, size_t n_text, size_t n, effect *e)
{
    const size_t vocab = bn_model_vocab_size(c->model);
    float *lq = malloc(vocab * sizeof(float)), *ls = malloc(vocab * sizeof(float));
    int32_t tok = n_text ? text[0] : bn_model_bos(c->model);
    memset(e, 0, sizeof *e);
    for (size_t p = 0; p < n; p++) {
        if (bn_eval(c, &tok, 1, lq) != BN_OK || bn_forward_head(c, stored, ls) != BN_OK) {
            fprintf(stderr, "head-effect: position %zu: %s\n", p, bn_last_error());
            free(lq), free(ls);
            return 1;
        }
        for (size_t v = 0; v < vocab; v++) {
            const double d = fabs((double)lq[v] - (double)ls[v]);
            e->sum_abs += d;
            if (d > e->max_abs) e->max_abs = d, e->max_pos = p, e->max_id = v;
            if (fabs((double)ls[v]) > e->max_logit) e->max_logit = fabs((double)ls[v]);
        }
        const size_t top = argmax(ls, vocab);
        e->agree += top == argmax(lq, vocab);
        e->positions++;
        tok = p + 1 < n_text ? text[p + 1] : (int32_t)top;
    }
    free(lq), free(ls);
    return 0;
}

/* Greedy from BOS with one head: the ids into out[n]. */
static int greedy(const bn_model *m, unsigned threads, bn_format head, size_t n, int32_t *out)
{
    bn_context *c;
    bn_context_params cp = {(uint32_t)n + 1, 0, threads};
    if (bn_context_new(m, &cp, &c) != BN_OK) return 1;
    const size_t vocab = bn_model_vocab_size(m);
    float *l = malloc(vocab * sizeof(float)), *lq = malloc(vocab * sizeof(float));
    int32_t tok = bn_model_bos(m);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (bn_eval(c, &tok, 1, lq) != BN_OK ||
            (head != BN_FORMAT_Q8 && bn_forward_head(c, head, l) != BN_OK))
            rc = 1;
        out[i] = tok = (int32_t)argmax(head == BN_FORMAT_Q8 ? lq : l, vocab);
    }
    free(l), free(lq);
    bn_context_free(c);
    return rc;
}

int main(int argc, char **argv)
{
    const char *model = NULL, *text_path = NULL;
    size_t n = 256, n_greedy = 0;
    unsigned threads = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tokens") && i + 1 < argc)
            n = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--text") && i + 1 < argc)
            text_path = argv[++i];
        else if (!strcmp(argv[i], "--greedy") && i + 1 < argc)
            n_greedy = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc)
            threads = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (!model && argv[i][0] != '-')
            model = argv[i];
        else
            model = NULL, i = argc;
    }
    if (!model || n == 0) {
        fprintf(stderr, "usage: head-effect MODEL [--tokens N] [--text FILE] [--greedy N] [-t THREADS]\n");
        return 2;
    }
    bn_model_params mp;
    bn_model_params_default(&mp);
    mp.head_format = BN_FORMAT_Q8;
    bn_model *m;
    if (bn_model_open(model, &mp, &m) != BN_OK) {
        fprintf(stderr, "head-effect: %s\n", bn_last_error());
        return 1;
    }
    const bn_format stored = m->output_type == BN_GGML_F16 ? BN_FORMAT_F16 : BN_FORMAT_F32;
    size_t n_text = 0;
    int32_t *text = calloc(n + 1, sizeof(int32_t));
    if (text_path) {
        size_t len;
        char *s = slurp(text_path, &len);
        if (!s) {
            fprintf(stderr, "head-effect: cannot read %s\n", text_path);
            return 1;
        }
        size_t need;
        bn_status st = bn_model_tokenize(m, s, len, 1, 0, text, n, &need);
        n_text = st == BN_OK ? need : n; /* BN_E_RANGE: the first n ids were written */
        free(s);
    }
    bn_context *c;
    bn_context_params cp = {(uint32_t)n + 1, 0, threads};
    if (bn_context_new(m, &cp, &c) != BN_OK) {
        fprintf(stderr, "head-effect: %s\n", bn_last_error());
        return 1;
    }
    effect e;
    int rc = measure(c, stored, text, n_text, n, &e);
    bn_context_free(c);
    if (rc == 0) {
        printf("%s: %s head (%zu x %zu) vs q8, %zu positions (%zu from %s, then the stored head's greedy "
               "continuation)\n",
               model, bn_format_name(stored), m->output.rows, m->output.cols, e.positions, n_text,
               text_path ? text_path : "BOS");
        printf(
            "  max |logit diff| %.4f (position %zu, token %zu); mean |logit diff| %.5f; max |logit| %.2f\n",
            e.max_abs, e.max_pos, e.max_id, e.sum_abs / ((double)e.positions * m->hp.vocab_size),
            e.max_logit);
        printf("  top-1 agreement %zu / %zu = %.1f%%\n", e.agree, e.positions,
               100.0 * (double)e.agree / (double)e.positions);
    }
    if (rc == 0 && n_greedy) {
        int32_t *a = calloc(n_greedy, sizeof(int32_t)), *b = calloc(n_greedy, sizeof(int32_t));
        rc = greedy(m, threads, stored, n_greedy, a) || greedy(m, threads, BN_FORMAT_Q8, n_greedy, b);
        size_t first = 0;
        while (first < n_greedy && a[first] == b[first]) first++;
        if (rc == 0 && first == n_greedy)
            printf("  greedy from BOS, %zu tokens: identical\n", n_greedy);
        else if (rc == 0)
            printf("  greedy from BOS, %zu tokens: first difference at generated token %zu (%s %d, q8 %d)\n",
                   n_greedy, first, bn_format_name(stored), a[first], b[first]);
        printf("  q8 greedy ids:");
        for (size_t i = 0; i < n_greedy && i < 100; i++) printf(" %d", b[i]);
        printf("\n");
        free(a), free(b);
    }
    free(text);
    bn_model_close(m);
    return rc;
}
