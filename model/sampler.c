/*
 * sampler.c - choosing the next token from logits.
 *
 * Order of the steps (as llama.cpp users expect): repetition penalty over the last
 * `repeat_last_n` accepted tokens (a positive logit is divided by the penalty, a negative
 * one multiplied), then greedy if temperature <= 0; otherwise top-k, temperature, softmax,
 * top-p (smallest set whose mass reaches p), min-p (drop tokens below min_p times the
 * best probability), renormalise, draw with a seeded generator.  Buffers are allocated
 * once, at creation; sampling allocates nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model/sampler.h"

struct bn_sampler {
    bn_sampler_params p;
    size_t vocab;
    uint64_t rng;
    int32_t *history; /* ring of the last repeat_last_n accepted tokens */
    size_t history_len, history_next;
    uint32_t *stamp; /* per token: the sample call that last penalised it */
    uint32_t calls;
    float *work; /* penalised logits */
    int32_t *ids; /* candidate ids (a heap, then sorted best first) */
    float *probs; /* candidate probabilities */
};

void bn_sampler_params_default(bn_sampler_params *p)
{
    p->temperature = 0.8f;
    p->top_k = 40;
    p->top_p = 0.95f;
    p->min_p = 0.05f;
    p->repeat_penalty = 1.0f;
    p->repeat_last_n = 64;
    p->seed = 0x5EEDull;
}

bn_status bn_sampler_new(size_t vocab, const bn_sampler_params *params, bn_sampler **out)
{
    if (!out || vocab == 0)
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_sampler_new: NULL out or empty vocabulary");
    bn_sampler_params p;
    if (params)
        p = *params;
    else
        bn_sampler_params_default(&p);
    if (p.top_k < 0 || p.top_p <= 0.0f || p.top_p > 1.0f || p.min_p < 0.0f || p.min_p > 1.0f ||
        p.repeat_penalty <= 0.0f || p.repeat_last_n < 0 || isnan(p.temperature))
        return bn_fail(BN_E_INVALID_ARGUMENT,
                       "sampler: need top_k >= 0, 0 < top_p <= 1, 0 <= min_p <= 1, repeat_penalty > 0, "
                       "repeat_last_n >= 0 (got %d, %g, %g, %g, %d)",
                       p.top_k, (double)p.top_p, (double)p.min_p, (double)p.repeat_penalty, p.repeat_last_n);
    bn_sampler *s = calloc(1, sizeof *s);
    if (!s) return bn_fail(BN_E_NO_MEMORY, "sampler: out of memory");
    s->p = p;
    s->vocab = vocab;
    s->rng = p.seed ^ 0x9E3779B97F4A7C15ull;
    s->history = calloc((size_t)p.repeat_last_n + 1, sizeof(int32_t));
    s->stamp = calloc(vocab, sizeof(uint32_t));
    s->work = malloc(vocab * sizeof(float));
    s->ids = malloc(vocab * sizeof(int32_t));
    s->probs = malloc(vocab * sizeof(float));
    if (!s->history || !s->stamp || !s->work || !s->ids || !s->probs) {
        bn_sampler_free(s);
        return bn_fail(BN_E_NO_MEMORY, "sampler: out of memory for %zu candidates", vocab);
    }
    *out = s;
    return BN_OK;
}

void bn_sampler_free(bn_sampler *s)
{
    if (!s) return;
    free(s->history), free(s->stamp), free(s->work), free(s->ids), free(s->probs);
    free(s);
}

void bn_sampler_accept(bn_sampler *s, int32_t token)
{
    if (s->p.repeat_last_n == 0) return;
    s->history[s->history_next] = token;
    s->history_next = (s->history_next + 1) % (size_t)s->p.repeat_last_n;
    if (s->history_len < (size_t)s->p.repeat_last_n) s->history_len++;
}

void bn_sampler_reset(bn_sampler *s) { s->history_len = s->history_next = 0; }

static double next_uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}

/* Candidate order: higher logit first; equal logits: lower id first (stable results). */
static bool better(const float *w, int32_t a, int32_t b) { return w[a] > w[b] || (w[a] == w[b] && a < b); }

/* Sift the worst-at-root heap of n ids down from i. */
static void sift_down(const float *w, int32_t *heap, size_t n, size_t i)
{
    for (;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < n && better(w, heap[worst], heap[l])) worst = l;
        if (r < n && better(w, heap[worst], heap[r])) worst = r;
        if (worst == i) return;
        int32_t t = heap[i];
        heap[i] = heap[worst];
        heap[worst] = t;
        i = worst;
    }
}

/* The k best ids of w[0..vocab) into ids[0..k), sorted best first: a heap of the k best
 * seen so far (O(vocab log k)), then heap-sorted in place. */
static void top_candidates(const float *w, size_t vocab, int32_t *ids, size_t k)
{
    for (size_t i = 0; i < k; i++) ids[i] = (int32_t)i;
    for (size_t i = k / 2; i-- > 0;) sift_down(w, ids, k, i);
    for (size_t i = k; i < vocab; i++)
        if (better(w, (int32_t)i, ids[0])) {
            ids[0] = (int32_t)i;
            sift_down(w, ids, k, 0);
        }
    for (size_t n = k; n > 1; n--) { /* move the worst to the end: ends sorted best first */
        int32_t t = ids[0];
        ids[0] = ids[n - 1];
        ids[n - 1] = t;
        sift_down(w, ids, n - 1, 0);
    }
}

int32_t bn_sampler_sample(bn_sampler *s, const float *logits)
{
    float *w = s->work;
    memcpy(w, logits, s->vocab * sizeof(float));
    s->calls++;
    if (s->p.repeat_penalty != 1.0f)
        for (size_t i = 0; i < s->history_len; i++) {
            int32_t t = s->history[i];
            if (t < 0 || (size_t)t >= s->vocab || s->stamp[t] == s->calls) continue; /* each token once */
            s->stamp[t] = s->calls;
            w[t] = w[t] > 0.0f ? w[t] / s->p.repeat_penalty : w[t] * s->p.repeat_penalty;
        }
    if (s->p.temperature <= 0.0f) {
        size_t best = 0;
        for (size_t i = 1; i < s->vocab; i++)
            if (w[i] > w[best]) best = i;
        return (int32_t)best;
    }
    size_t n = s->p.top_k > 0 && (size_t)s->p.top_k < s->vocab ? (size_t)s->p.top_k : s->vocab;
    top_candidates(w, s->vocab, s->ids, n);
    const float inv_t = 1.0f / s->p.temperature, top = w[s->ids[0]];
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += s->probs[i] = expf((w[s->ids[i]] - top) * inv_t);
    double mass = 0.0;
    size_t keep = n;
    for (size_t i = 0; i < n; i++) {
        mass += s->probs[i] / sum;
        if (mass >= s->p.top_p) {
            keep = i + 1;
            break;
        }
    }
    const float floor = s->p.min_p * s->probs[0];
    while (keep > 1 && s->probs[keep - 1] < floor) keep--;
    double total = 0.0;
    for (size_t i = 0; i < keep; i++) total += s->probs[i];
    double r = next_uniform(&s->rng) * total;
    for (size_t i = 0; i < keep; i++) {
        r -= s->probs[i];
        if (r < 0.0) return s->ids[i];
    }
    return s->ids[keep - 1];
}
