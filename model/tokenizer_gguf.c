/*
 * tokenizer_gguf.c - a vocabulary from the tokenizer.ggml.* keys of a GGUF file (a model or
 * a vocab-only file), through the GGUF reader (model/gguf.h).
 *
 * Keys (llama.cpp's names):
 *   tokenizer.ggml.model        string, required: "gpt2" or "llama"
 *   tokenizer.ggml.tokens       array of string, required
 *   tokenizer.ggml.scores       array of float32, optional (SentencePiece merge priority)
 *   tokenizer.ggml.token_type   array of int32, optional (bn_token_type; default normal)
 *   tokenizer.ggml.merges       array of string "a b", gpt2 only
 *   tokenizer.ggml.pre          string, optional: "llama-bpe" or absent/"default"
 *   tokenizer.ggml.{bos,eos,unknown,padding}_token_id   uint32, optional (absent: none)
 *   tokenizer.ggml.add_bos_token bool, optional (default true)
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

/* An optional string key as a NUL-terminated copy in buf; *out NULL when absent. */
static bn_status get_cstr(const bn_gguf *g, const char *key, char *buf, size_t cap, const char **out)
{
    bn_gguf_str s;
    *out = NULL;
    bn_status st = bn_gguf_get_str(g, key, &s);
    if (st == BN_E_NOT_FOUND) {
        bn_clear_error();
        return BN_OK;
    }
    if (st != BN_OK) return st;
    if (s.len >= cap || memchr(s.ptr, 0, s.len))
        return bn_fail(BN_E_FORMAT, "%s: key %s: value of %llu bytes is not a plausible name",
                       bn_gguf_path(g), key, (unsigned long long)s.len);
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = 0;
    *out = buf;
    return BN_OK;
}

static bn_status get_id(const bn_gguf *g, const char *key, int64_t *out)
{
    uint32_t v;
    bn_status st = bn_gguf_get_u32(g, key, &v);
    *out = -1;
    if (st == BN_E_NOT_FOUND) {
        bn_clear_error();
        return BN_OK;
    }
    if (st == BN_OK) *out = v;
    return st;
}

/* A string array key: its strings, or NULL/0 when the key is absent and optional. */
static bn_status get_strings(const bn_gguf *g, const char *key, bool required, bn_vocab_str **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const bn_gguf_kv *kv = bn_gguf_find_kv(g, key);
    if (!kv) return required ? bn_fail(BN_E_FORMAT, "%s: key %s is missing", bn_gguf_path(g), key) : BN_OK;
    if (kv->type != BN_GGUF_ARRAY || kv->array_type != BN_GGUF_STRING)
        return bn_fail(BN_E_FORMAT, "%s: key %s at byte offset %llu: expected an array of string",
                       bn_gguf_path(g), key, (unsigned long long)kv->offset);
    if (kv->count >= INT32_MAX)
        return bn_fail(BN_E_FORMAT, "%s: key %s has %llu entries", bn_gguf_path(g), key,
                       (unsigned long long)kv->count);
    bn_gguf_str *views = malloc((kv->count ? kv->count : 1) * sizeof *views);
    *out = malloc((kv->count ? kv->count : 1) * sizeof **out);
    bn_status st =
        views && *out ? bn_gguf_array_strings(kv, views) : bn_fail(BN_E_NO_MEMORY, "%s: no memory", key);
    for (uint64_t i = 0; st == BN_OK && i < kv->count; i++)
        (*out)[i] = (bn_vocab_str){views[i].ptr, views[i].len};
    free(views);
    *n = (size_t)kv->count;
    return st;
}

/* A numeric array key with exactly n elements, or absent (*present false). */
static bn_status get_numbers(const bn_gguf *g, const char *key, size_t n, bool *present, double *out)
{
    const bn_gguf_kv *kv = bn_gguf_find_kv(g, key);
    *present = kv != NULL;
    if (!kv) return BN_OK;
    if (kv->type != BN_GGUF_ARRAY || kv->count != n)
        return bn_fail(
            BN_E_FORMAT, "%s: key %s at byte offset %llu: expected an array of %zu numbers, found %s%llu",
            bn_gguf_path(g), key, (unsigned long long)kv->offset, n,
            kv->type == BN_GGUF_ARRAY ? "an array of " : "a scalar, count ", (unsigned long long)kv->count);
    for (size_t i = 0; i < n; i++) {
        bn_status st = bn_gguf_array_f64(kv, i, &out[i]);
        if (st != BN_OK) return st;
    }
    return BN_OK;
}

bn_status bn_vocab_from_gguf(const bn_gguf *g, bn_vocab **out)
{
    if (!g || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_vocab_from_gguf: NULL argument");
    *out = NULL;
    const char *path = bn_gguf_path(g);
    char model_buf[64], pre_buf[64];
    bn_vocab_desc d = {.source = path, .add_bos = true};
    bn_vocab_str *tokens = NULL, *merges = NULL;
    double *numbers = NULL;
    float *scores = NULL;
    int32_t *types = NULL;
    size_t n = 0;
    bn_status st = get_cstr(g, "tokenizer.ggml.model", model_buf, sizeof model_buf, &d.model);
    if (st == BN_OK && !d.model) st = bn_fail(BN_E_FORMAT, "%s: key tokenizer.ggml.model is missing", path);
    if (st == BN_OK) st = get_cstr(g, "tokenizer.ggml.pre", pre_buf, sizeof pre_buf, &d.pre);
    if (st == BN_OK) st = get_strings(g, "tokenizer.ggml.tokens", true, &tokens, &n);
    if (st == BN_OK) st = get_strings(g, "tokenizer.ggml.merges", false, &merges, &d.n_merges);
    if (st == BN_OK) {
        numbers = malloc((n ? n : 1) * sizeof *numbers);
        scores = malloc((n ? n : 1) * sizeof *scores);
        types = malloc((n ? n : 1) * sizeof *types);
        if (!numbers || !scores || !types)
            st = bn_fail(BN_E_NO_MEMORY, "%s: no memory for %zu tokens", path, n);
    }
    bool present = false;
    if (st == BN_OK) st = get_numbers(g, "tokenizer.ggml.scores", n, &present, numbers);
    if (st == BN_OK && present) {
        for (size_t i = 0; i < n; i++) scores[i] = (float)numbers[i];
        d.scores = scores;
    }
    if (st == BN_OK) st = get_numbers(g, "tokenizer.ggml.token_type", n, &present, numbers);
    for (size_t i = 0; st == BN_OK && present && i < n; i++) {
        if (numbers[i] != (double)(int32_t)numbers[i])
            st = bn_fail(BN_E_FORMAT, "%s: tokenizer.ggml.token_type[%zu] = %g is not an integer", path, i,
                         numbers[i]);
        else
            types[i] = (int32_t)numbers[i];
    }
    if (st == BN_OK && present) d.types = types;
    if (st == BN_OK) st = get_id(g, "tokenizer.ggml.bos_token_id", &d.bos);
    if (st == BN_OK) st = get_id(g, "tokenizer.ggml.eos_token_id", &d.eos);
    if (st == BN_OK) st = get_id(g, "tokenizer.ggml.unknown_token_id", &d.unk);
    if (st == BN_OK) st = get_id(g, "tokenizer.ggml.padding_token_id", &d.pad);
    if (st == BN_OK) {
        st = bn_gguf_get_bool(g, "tokenizer.ggml.add_bos_token", &d.add_bos);
        if (st == BN_E_NOT_FOUND) {
            bn_clear_error();
            d.add_bos = true;
            st = BN_OK;
        }
    }
    /* The SentencePiece vocabularies llama.cpp writes carry pre = "default"; it means nothing there. */
    if (st == BN_OK && !strcmp(d.model, "llama")) d.pre = NULL;
    d.n_tokens = n;
    d.tokens = tokens;
    d.merges = merges;
    if (st == BN_OK) st = bn_vocab_create(&d, out);
    free(tokens);
    free(merges);
    free(numbers);
    free(scores);
    free(types);
    return st;
}
