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

/* Token i's text as GGUF stores it: U+2581 for the spaces of a raw_spaces vocabulary. */
static size_t gguf_token_text(const bn_vocab *v, int32_t id, char *out)
{
    const char *s = bn_vocab_text_ptr(v, id);
    size_t len = bn_vocab_text_len(v, id), n = 0;
    bool escape = v->raw_spaces && v->types[id] != BN_TOKEN_CONTROL && v->types[id] != BN_TOKEN_UNKNOWN;
    for (size_t i = 0; i < len; i++) {
        if (escape && s[i] == ' ') {
            memcpy(out + n, "\xE2\x96\x81", 3);
            n += 3;
        } else {
            out[n++] = s[i];
        }
    }
    return n;
}

static bn_status add_id(bn_gguf_writer *w, const char *key, int32_t id)
{
    return id < 0 ? BN_OK : bn_gguf_add_u32(w, key, (uint32_t)id);
}

bn_status bn_vocab_to_gguf(const bn_vocab *v, bn_gguf_writer *w)
{
    if (!v || !w) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_vocab_to_gguf: NULL argument");
    bool bpe = v->kind == BN_VOCAB_BPE;
    size_t n = v->n, nm = v->n_merges;
    char **strs = malloc((n + nm) * sizeof *strs);
    size_t *lens = malloc((n + nm) * sizeof *lens);
    int32_t *types = malloc(n * sizeof *types);
    size_t merge_bytes = 0;
    for (size_t r = 0; r < nm; r++)
        merge_bytes += bn_vocab_text_len(v, v->merges[r].left) + 1 + bn_vocab_text_len(v, v->merges[r].right);
    char *text = malloc(3 * (size_t)v->text_off[n] + merge_bytes + 1);
    bn_status st =
        strs && lens && types && text ? BN_OK : bn_fail(BN_E_NO_MEMORY, "bn_vocab_to_gguf: no memory");
    size_t at = 0;
    for (size_t i = 0; st == BN_OK && i < n; i++) {
        strs[i] = text + at;
        lens[i] = gguf_token_text(v, (int32_t)i, text + at);
        at += lens[i];
        types[i] = v->types[i];
    }
    for (size_t r = 0; st == BN_OK && r < nm; r++) { /* "left right" */
        const bn_merge *m = &v->merges[r];
        char *p = strs[n + r] = text + at;
        memcpy(p, bn_vocab_text_ptr(v, m->left), bn_vocab_text_len(v, m->left));
        p += bn_vocab_text_len(v, m->left);
        *p++ = ' ';
        memcpy(p, bn_vocab_text_ptr(v, m->right), bn_vocab_text_len(v, m->right));
        p += bn_vocab_text_len(v, m->right);
        lens[n + r] = (size_t)(p - strs[n + r]);
        at += lens[n + r];
    }
    const char *model = bpe ? "gpt2" : "llama";
    if (st == BN_OK) st = bn_gguf_add_str(w, "tokenizer.ggml.model", model, strlen(model));
    if (st == BN_OK && bpe) {
        const char *pre = bn_vocab_split_name(v);
        st = bn_gguf_add_str(w, "tokenizer.ggml.pre", pre, strlen(pre));
    }
    if (st == BN_OK)
        st = bn_gguf_add_str_array(w, "tokenizer.ggml.tokens", n, (const char *const *)strs, lens);
    if (st == BN_OK) st = bn_gguf_add_array(w, "tokenizer.ggml.scores", BN_GGUF_FLOAT32, n, v->scores);
    if (st == BN_OK) st = bn_gguf_add_array(w, "tokenizer.ggml.token_type", BN_GGUF_INT32, n, types);
    if (st == BN_OK && bpe)
        st = bn_gguf_add_str_array(w, "tokenizer.ggml.merges", nm, (const char *const *)strs + n, lens + n);
    if (st == BN_OK) st = add_id(w, "tokenizer.ggml.bos_token_id", v->bos);
    if (st == BN_OK) st = add_id(w, "tokenizer.ggml.eos_token_id", v->eos);
    if (st == BN_OK) st = add_id(w, "tokenizer.ggml.unknown_token_id", v->unk);
    if (st == BN_OK) st = add_id(w, "tokenizer.ggml.padding_token_id", v->pad);
    if (st == BN_OK) st = bn_gguf_add_bool(w, "tokenizer.ggml.add_bos_token", v->add_bos);
    free(strs);
    free(lens);
    free(types);
    free(text);
    return st;
}
