/*
 * tokenizer_json.c - a Hugging Face tokenizer.json of a byte-level BPE model (Llama 3) as a
 * gpt2 vocabulary, the same arrays a GGUF converter would write:
 *   model.vocab (text -> id)        -> tokens, type normal
 *   added_tokens (id, content)      -> type control when "special", else user-defined
 *   model.merges ("a b" or [a, b])  -> merges in rank order
 *   the Split regex of pre_tokenizer -> "llama-bpe" (the only pattern supported)
 * BOS/EOS and add_bos_token come from tokenizer_config.json in the same directory when it
 * is there (bos_token / eos_token as strings or {"content": ...}); otherwise there is no
 * BOS/EOS and add_bos is false.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

/* The Llama 3 split pattern exactly as tokenizer.json spells it. */
static const char llama3_pattern[] =
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| "
    "?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/* Find the Split pre-tokenizer's regex (alone or inside a Sequence). */
static const char *split_pattern(json_t *pre)
{
    const char *type = json_string_value(json_object_get(pre, "type"));
    if (!type) return NULL;
    if (!strcmp(type, "Split"))
        return json_string_value(json_object_get(json_object_get(pre, "pattern"), "Regex"));
    if (!strcmp(type, "Sequence")) {
        size_t i;
        json_t *p;
        json_array_foreach(json_object_get(pre, "pretokenizers"), i, p)
        {
            const char *found = split_pattern(p);
            if (found) return found;
        }
    }
    return NULL;
}

typedef struct json_vocab {
    const char *path;
    size_t n;
    bn_vocab_str *tokens;
    int32_t *types;
    bn_vocab_str *merges;
    char *merge_text; /* "a b" built from array-form merges */
} json_vocab;

static bn_status set_token(json_vocab *jv, json_int_t id, const char *text, size_t len, int32_t type)
{
    if (id < 0 || (size_t)id >= jv->n)
        return bn_fail(BN_E_FORMAT, "%s: token \"%.*s\" has id %lld (expected 0..%zu)", jv->path, (int)len,
                       text, (long long)id, jv->n - 1);
    bn_vocab_str *t = &jv->tokens[id];
    if (t->ptr && (t->len != len || memcmp(t->ptr, text, len)))
        return bn_fail(BN_E_FORMAT, "%s: id %lld is both \"%.*s\" and \"%.*s\"", jv->path, (long long)id,
                       (int)t->len, t->ptr, (int)len, text);
    t->ptr = text;
    t->len = len;
    jv->types[id] = type;
    return BN_OK;
}

static bn_status collect_merges(json_vocab *jv, json_t *merges)
{
    size_t n = json_array_size(merges), i, extra = 0;
    json_t *m;
    json_array_foreach(merges, i, m) if (json_is_array(m)) extra +=
        json_string_length(json_array_get(m, 0)) + json_string_length(json_array_get(m, 1)) + 1;
    jv->merges = malloc((n ? n : 1) * sizeof *jv->merges);
    jv->merge_text = malloc(extra + 1);
    if (!jv->merges || !jv->merge_text)
        return bn_fail(BN_E_NO_MEMORY, "%s: no memory for %zu merges", jv->path, n);
    size_t at = 0;
    json_array_foreach(merges, i, m)
    {
        if (json_is_string(m)) {
            jv->merges[i] = (bn_vocab_str){json_string_value(m), json_string_length(m)};
            continue;
        }
        json_t *a = json_array_get(m, 0), *b = json_array_get(m, 1);
        if (!json_is_array(m) || json_array_size(m) != 2 || !json_is_string(a) || !json_is_string(b))
            return bn_fail(BN_E_FORMAT, "%s: model.merges[%zu] is neither \"a b\" nor [\"a\", \"b\"]",
                           jv->path, i);
        jv->merges[i].ptr = jv->merge_text + at;
        memcpy(jv->merge_text + at, json_string_value(a), json_string_length(a));
        at += json_string_length(a);
        jv->merge_text[at++] = ' ';
        memcpy(jv->merge_text + at, json_string_value(b), json_string_length(b));
        at += json_string_length(b);
        jv->merges[i].len = (size_t)(jv->merge_text + at - jv->merges[i].ptr);
    }
    return BN_OK;
}

/* bos_token / eos_token of tokenizer_config.json: a string or {"content": string}. */
static const char *config_token(json_t *config, const char *key)
{
    json_t *t = json_object_get(config, key);
    if (json_is_object(t)) t = json_object_get(t, "content");
    return json_string_value(t);
}

static bn_status read_config(const char *path, bn_vocab_desc *d, json_vocab *jv)
{
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path + 1) : 0;
    char *cfg_path = malloc(dir + sizeof "tokenizer_config.json");
    if (!cfg_path) return bn_fail(BN_E_NO_MEMORY, "%s: no memory", path);
    memcpy(cfg_path, path, dir);
    strcpy(cfg_path + dir, "tokenizer_config.json");
    json_error_t err;
    /* Its model_max_length (1e30) is beyond jansson's integers: read numbers as reals. */
    json_t *config =
        access(cfg_path, F_OK) == 0 ? json_load_file(cfg_path, JSON_DECODE_INT_AS_REAL, &err) : NULL;
    bn_status st = BN_OK;
    if (!config && access(cfg_path, F_OK) == 0)
        st = bn_fail(BN_E_FORMAT, "%s: line %d column %d: %s", cfg_path, err.line, err.column, err.text);
    if (config) {
        const char *names[2] = {config_token(config, "bos_token"), config_token(config, "eos_token")};
        int64_t *ids[2] = {&d->bos, &d->eos};
        for (int k = 0; k < 2 && st == BN_OK; k++) {
            if (!names[k]) continue;
            *ids[k] = -1;
            for (size_t id = 0; id < jv->n; id++)
                if (jv->tokens[id].len == strlen(names[k]) &&
                    !memcmp(jv->tokens[id].ptr, names[k], jv->tokens[id].len))
                    *ids[k] = (int64_t)id;
            if (*ids[k] < 0)
                st = bn_fail(BN_E_FORMAT, "%s: %s \"%s\" is not a token of %s", cfg_path,
                             k ? "eos_token" : "bos_token", names[k], path);
        }
        json_t *add = json_object_get(config, "add_bos_token");
        d->add_bos = json_is_boolean(add) ? json_is_true(add) : d->bos >= 0;
        json_decref(config);
    }
    free(cfg_path);
    return st;
}

bn_status bn_vocab_from_tokenizer_json(const char *path, bn_vocab **out)
{
    if (!path || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_vocab_from_tokenizer_json: NULL argument");
    *out = NULL;
    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    if (!root)
        return bn_fail(err.line < 0 ? BN_E_IO : BN_E_FORMAT, "%s: line %d column %d: %s", path, err.line,
                       err.column, err.text);
    json_t *model = json_object_get(root, "model"), *vocab = json_object_get(model, "vocab");
    json_t *added = json_object_get(root, "added_tokens"), *merges = json_object_get(model, "merges");
    const char *model_type = json_string_value(json_object_get(model, "type"));
    const char *pattern = split_pattern(json_object_get(root, "pre_tokenizer"));
    json_vocab jv = {.path = path};
    bn_status st = BN_OK;
    if (!model_type || strcmp(model_type, "BPE") || !json_is_object(vocab) || !json_is_array(merges))
        st =
            bn_fail(BN_E_FORMAT, "%s: model is not a BPE model with a vocab object and a merges array", path);
    else if (!pattern || strcmp(pattern, llama3_pattern))
        st = bn_fail(BN_E_UNSUPPORTED,
                     "%s: pre-tokenizer pattern %s%s%s is not the Llama 3 one (the only supported)", path,
                     pattern ? "\"" : "", pattern ? pattern : "(none)", pattern ? "\"" : "");
    /* The vocabulary size is one past the largest id. */
    const char *key;
    json_t *val;
    size_t i;
    json_int_t max_id = -1;
    if (st == BN_OK) {
        json_object_foreach(vocab, key, val) if (json_integer_value(val) > max_id) max_id =
            json_integer_value(val);
        json_array_foreach(added, i, val)
        {
            json_int_t id = json_integer_value(json_object_get(val, "id"));
            if (id > max_id) max_id = id;
        }
        if (max_id < 0 || max_id >= INT32_MAX) st = bn_fail(BN_E_FORMAT, "%s: no usable token ids", path);
    }
    if (st == BN_OK) {
        jv.n = (size_t)max_id + 1;
        jv.tokens = calloc(jv.n, sizeof *jv.tokens);
        jv.types = calloc(jv.n, sizeof *jv.types);
        if (!jv.tokens || !jv.types) st = bn_fail(BN_E_NO_MEMORY, "%s: no memory", path);
    }
    if (st == BN_OK) {
        json_object_foreach(vocab, key, val)
        {
            if (!json_is_integer(val)) {
                st = bn_fail(BN_E_FORMAT, "%s: model.vocab[\"%s\"] is not an integer id", path, key);
                break;
            }
            st = set_token(&jv, json_integer_value(val), key, strlen(key), BN_TOKEN_NORMAL);
            if (st != BN_OK) break;
        }
    }
    if (st == BN_OK) {
        json_array_foreach(added, i, val)
        {
            json_t *content = json_object_get(val, "content"), *id = json_object_get(val, "id");
            if (!json_is_string(content) || !json_is_integer(id)) {
                st = bn_fail(BN_E_FORMAT, "%s: added_tokens[%zu] lacks a string content or an integer id",
                             path, i);
                break;
            }
            int32_t type =
                json_is_true(json_object_get(val, "special")) ? BN_TOKEN_CONTROL : BN_TOKEN_USER_DEFINED;
            st = set_token(&jv, json_integer_value(id), json_string_value(content),
                           json_string_length(content), type);
            if (st != BN_OK) break;
        }
    }
    for (size_t id = 0; st == BN_OK && id < jv.n; id++)
        if (!jv.tokens[id].ptr)
            st = bn_fail(BN_E_FORMAT, "%s: no token has id %zu (ids must be 0..%zu)", path, id, jv.n - 1);
    if (st == BN_OK) st = collect_merges(&jv, merges);
    bn_vocab_desc d = {.source = path,
                       .model = "gpt2",
                       .pre = "llama-bpe",
                       .n_tokens = jv.n,
                       .tokens = jv.tokens,
                       .types = jv.types,
                       .n_merges = json_array_size(merges),
                       .merges = jv.merges,
                       .bos = -1,
                       .eos = -1,
                       .unk = -1,
                       .pad = -1,
                       .add_bos = false};
    if (st == BN_OK) st = read_config(path, &d, &jv);
    if (st == BN_OK) st = bn_vocab_create(&d, out);
    free(jv.tokens);
    free(jv.types);
    free(jv.merges);
    free(jv.merge_text);
    json_decref(root);
    return st;
}
