/*
 * generate.c - the generation loop: prompt, then sample / evaluate until a stop
 * condition.  Text reaches the callback as valid UTF-8 only (split characters are held
 * back) and never contains a stop string or the bytes of a possible stop string's start
 * until it is known not to be one.  Nothing here allocates per token.
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/context.h"
#include "model/tokenizer.h"

#define PIECE_MAX 256 /* bytes of one token's text */
#define HOLD_MAX 1024 /* bytes held back while they may begin a stop string */
#define STOP_STRING_MAX 256

typedef struct text_gate {
    const char *const *stops;
    char held[HOLD_MAX];
    size_t held_len;
} text_gate;

/* Length of the longest suffix of s[0..n) that is a proper prefix of some stop string. */
static size_t partial_stop(const text_gate *g, const char *s, size_t n)
{
    size_t best = 0;
    for (size_t i = 0; g->stops && g->stops[i]; i++) {
        size_t len = strlen(g->stops[i]);
        for (size_t k = len - 1 < n ? len - 1 : n; k > best; k--)
            if (memcmp(s + n - k, g->stops[i], k) == 0) {
                best = k;
                break;
            }
    }
    return best;
}

/* Add text; emit what is certainly not part of a stop string.  Returns 1 when a whole
 * stop string appeared (the text before it has been emitted). */
static int gate_feed(text_gate *g, const char *text, size_t len, char *emit, size_t *emit_len)
{
    memcpy(g->held + g->held_len, text, len);
    g->held_len += len;
    *emit_len = 0;
    for (size_t i = 0; g->stops && g->stops[i]; i++) {
        const char *hit = memmem(g->held, g->held_len, g->stops[i], strlen(g->stops[i]));
        if (hit) {
            *emit_len = (size_t)(hit - g->held);
            memcpy(emit, g->held, *emit_len);
            g->held_len = 0;
            return 1;
        }
    }
    size_t keep = partial_stop(g, g->held, g->held_len);
    *emit_len = g->held_len - keep;
    memcpy(emit, g->held, *emit_len);
    memmove(g->held, g->held + *emit_len, keep);
    g->held_len = keep;
    return 0;
}

bn_status bn_generate(bn_context *c, bn_sampler *s, const int32_t *prompt, size_t n_prompt,
                      const bn_generate_params *params, bn_token_callback cb, void *user,
                      bn_generate_result *result)
{
    if (!c || !s || (!prompt && n_prompt))
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_generate: NULL argument");
    bn_generate_params p = params ? *params : (bn_generate_params){0};
    bn_generate_result r = {n_prompt, 0, BN_STOP_MAX_TOKENS, 0.0, 0.0};
    text_gate gate = {p.stop_strings, {0}, 0};
    for (size_t i = 0; p.stop_strings && p.stop_strings[i]; i++) {
        size_t len = strlen(p.stop_strings[i]);
        if (len == 0 || len > STOP_STRING_MAX)
            return bn_fail(BN_E_INVALID_ARGUMENT, "stop string %zu: length %zu not in [1, %d]", i, len,
                           STOP_STRING_MAX);
    }
    const bn_vocab *vocab = c->model->vocab;
    bn_status st = BN_OK;
    uint64_t t0 = bn_now_ns();
    if (n_prompt) st = bn_eval(c, prompt, n_prompt, c->logits);
    r.prefill_seconds = (double)(bn_now_ns() - t0) * 1e-9;
    for (size_t i = 0; i < n_prompt; i++) bn_sampler_accept(s, prompt[i]);
    if (st == BN_OK && !n_prompt && c->pos == 0)
        st = bn_fail(BN_E_INVALID_ARGUMENT,
                     "bn_generate: nothing to continue (empty prompt and empty context)");

    /* SentencePiece puts a space before the first word (the dummy prefix); like llama.cpp,
     * do not print it for the token right after BOS. */
    int32_t prev = n_prompt ? prompt[n_prompt - 1] : -1;
    const bool strip_after_bos = bn_vocab_kind_of(vocab) == BN_VOCAB_SPM && bn_vocab_bos(vocab) >= 0;
    bn_utf8_stream utf8 = {{0}, 0};
    char piece[PIECE_MAX], text[PIECE_MAX + 8], emit[HOLD_MAX + PIECE_MAX + 8];
    uint64_t t1 = bn_now_ns();
    while (st == BN_OK) {
        if (p.max_tokens && r.generated_tokens >= p.max_tokens) {
            r.stop = BN_STOP_MAX_TOKENS;
            break;
        }
        int32_t tok = bn_sampler_sample(s, c->logits);
        if (bn_vocab_is_eog(vocab, tok)) {
            r.stop = BN_STOP_EOG;
            break;
        }
        bn_sampler_accept(s, tok);
        r.generated_tokens++;
        size_t piece_len = 0, text_len, emit_len;
        st = bn_token_bytes(vocab, tok, p.echo_special != 0, piece, sizeof piece, &piece_len);
        if (st != BN_OK) break;
        const char *bytes = piece;
        if (strip_after_bos && prev == bn_vocab_bos(vocab) && piece_len && piece[0] == ' ')
            bytes++, piece_len--;
        prev = tok;
        text_len = bn_utf8_stream_feed(&utf8, bytes, piece_len, text, sizeof text);
        int stopped = gate_feed(&gate, text, text_len, emit, &emit_len);
        if (cb && cb(user, tok, emit, emit_len)) {
            r.stop = BN_STOP_CALLBACK;
            break;
        }
        if (stopped) {
            r.stop = BN_STOP_STRING;
            break;
        }
        if (c->pos >= c->n_ctx) {
            r.stop = BN_STOP_CONTEXT_FULL;
            break;
        }
        st = bn_eval(c, &tok, 1, c->logits);
    }
    if (st == BN_OK && cb && r.stop != BN_STOP_STRING && r.stop != BN_STOP_CALLBACK) {
        size_t n = bn_utf8_stream_flush(&utf8, text, sizeof text), emit_len;
        memcpy(gate.held + gate.held_len, text, n); /* whatever is left is not a stop string */
        emit_len = gate.held_len + n;
        if (emit_len) cb(user, -1, gate.held, emit_len);
    }
    r.decode_seconds = (double)(bn_now_ns() - t1) * 1e-9;
    if (result) *result = r;
    return st;
}
