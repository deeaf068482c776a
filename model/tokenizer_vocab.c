/*
 * tokenizer_vocab.c - building a vocabulary from plain arrays (bn_vocab_desc): validation,
 * the text -> id and (left, right) -> merge hash tables, decoded pieces, special tokens.
 *
 * Every loader (GGUF, tokenizer.json, llama2.c tokenizer.bin) ends here, so every check
 * lives in one place.  Both hash tables use open addressing with linear probing at a load
 * factor of at most 1/2, built once: tokenizing 128k-token Llama 3 then costs one hash
 * per lookup.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h ^ (h >> 29);
}

static uint64_t hash_pair(int32_t a, int32_t b)
{
    uint64_t h = ((uint64_t)(uint32_t)a << 32 | (uint32_t)b) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 31);
}

static size_t table_capacity(size_t n)
{
    size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    return cap;
}

int32_t bn_vocab_lookup(const bn_vocab *v, const char *s, size_t len)
{
    for (size_t i = hash_bytes(s, len) & v->tok_mask;; i = (i + 1) & v->tok_mask) {
        uint32_t slot = v->tok_slots[i];
        if (slot == 0) return -1;
        int32_t id = (int32_t)(slot - 1);
        if (bn_vocab_text_len(v, id) == len && memcmp(bn_vocab_text_ptr(v, id), s, len) == 0) return id;
    }
}

const bn_merge *bn_vocab_merge_of(const bn_vocab *v, int32_t left, int32_t right)
{
    if (v->n_merges == 0) return NULL;
    for (size_t i = hash_pair(left, right) & v->merge_mask;; i = (i + 1) & v->merge_mask) {
        uint32_t slot = v->merge_slots[i];
        if (slot == 0) return NULL;
        const bn_merge *m = &v->merges[slot - 1];
        if (m->left == left && m->right == right) return m;
    }
}

void bn_vocab_free(bn_vocab *v)
{
    if (!v) return;
    free(v->text);
    free(v->text_off);
    free(v->piece);
    free(v->piece_off);
    free(v->types);
    free(v->scores);
    free(v->tok_slots);
    free(v->merges);
    free(v->merge_slots);
    free(v->eog);
    free(v->special_ids);
    free(v);
}

static bn_status copy_tokens(bn_vocab *v, const bn_vocab_desc *d)
{
    size_t total = 0;
    for (size_t i = 0; i < d->n_tokens; i++) {
        if (d->tokens[i].len > 0 && !d->tokens[i].ptr)
            return bn_fail(BN_E_INVALID_ARGUMENT, "%s: token %zu has no text", d->source, i);
        total += d->tokens[i].len;
        if (total > UINT32_MAX / 2)
            return bn_fail(BN_E_FORMAT, "%s: token texts exceed 2 GiB at token %zu", d->source, i);
    }
    v->text = malloc(total + 1);
    v->text_off = malloc((d->n_tokens + 1) * sizeof *v->text_off);
    v->types = malloc(d->n_tokens);
    v->scores = calloc(d->n_tokens, sizeof *v->scores);
    if (!v->text || !v->text_off || !v->types || !v->scores)
        return bn_fail(BN_E_NO_MEMORY, "%s: no memory for %zu tokens", d->source, d->n_tokens);
    size_t at = 0;
    for (size_t i = 0; i < d->n_tokens; i++) {
        v->text_off[i] = (uint32_t)at;
        if (d->tokens[i].len) memcpy(v->text + at, d->tokens[i].ptr, d->tokens[i].len);
        at += d->tokens[i].len;
        int32_t type = d->types ? d->types[i] : BN_TOKEN_NORMAL;
        if (type < BN_TOKEN_UNDEFINED || type > BN_TOKEN_BYTE)
            return bn_fail(BN_E_FORMAT, "%s: token %zu has type %d (expected 0..6)", d->source, i, (int)type);
        v->types[i] = (uint8_t)type;
        if (d->scores) {
            if (isnan(d->scores[i])) return bn_fail(BN_E_FORMAT, "%s: token %zu has score NaN", d->source, i);
            v->scores[i] = d->scores[i];
        }
    }
    v->text_off[d->n_tokens] = (uint32_t)at;
    return BN_OK;
}

static bn_status index_tokens(bn_vocab *v, const char *source)
{
    size_t cap = table_capacity(v->n);
    v->tok_slots = calloc(cap, sizeof *v->tok_slots);
    if (!v->tok_slots) return bn_fail(BN_E_NO_MEMORY, "%s: no memory for the token table", source);
    v->tok_mask = cap - 1;
    for (size_t id = 0; id < v->n; id++) {
        const char *s = bn_vocab_text_ptr(v, (int32_t)id);
        size_t len = bn_vocab_text_len(v, (int32_t)id);
        if (len == 0) continue; /* an empty token can never be looked up */
        size_t i = hash_bytes(s, len) & v->tok_mask;
        for (; v->tok_slots[i]; i = (i + 1) & v->tok_mask) {
            int32_t other = (int32_t)(v->tok_slots[i] - 1);
            if (bn_vocab_text_len(v, other) == len && memcmp(bn_vocab_text_ptr(v, other), s, len) == 0)
                return bn_fail(BN_E_FORMAT, "%s: tokens %d and %zu have the same text \"%.*s\"", source,
                               other, id, (int)len, s);
        }
        v->tok_slots[i] = (uint32_t)id + 1;
    }
    return BN_OK;
}

static bn_status index_merges(bn_vocab *v, const bn_vocab_desc *d)
{
    v->n_merges = d->n_merges;
    if (d->n_merges == 0) return BN_OK;
    if (d->n_merges >= UINT32_MAX / 2)
        return bn_fail(BN_E_FORMAT, "%s: %zu merges is too many", d->source, d->n_merges);
    size_t cap = table_capacity(d->n_merges);
    v->merges = malloc(d->n_merges * sizeof *v->merges);
    v->merge_slots = calloc(cap, sizeof *v->merge_slots);
    if (!v->merges || !v->merge_slots)
        return bn_fail(BN_E_NO_MEMORY, "%s: no memory for the merges", d->source);
    v->merge_mask = cap - 1;
    size_t longest = 0; /* a merge joins two tokens: at most twice the longest token */
    for (size_t id = 0; id < v->n; id++)
        if (bn_vocab_text_len(v, (int32_t)id) > longest) longest = bn_vocab_text_len(v, (int32_t)id);
    char *joined = malloc(2 * longest + 1);
    if (!joined) return bn_fail(BN_E_NO_MEMORY, "%s: no memory", d->source);
    bn_status st = BN_OK;
    for (size_t r = 0; r < d->n_merges && st == BN_OK; r++) {
        const char *s = d->merges[r].ptr;
        size_t len = d->merges[r].len;
        const char *sp = len ? memchr(s, ' ', len) : NULL;
        if (!sp || sp == s || sp == s + len - 1 || memchr(sp + 1, ' ', len - (size_t)(sp + 1 - s))) {
            st = bn_fail(BN_E_FORMAT, "%s: merge %zu \"%.*s\" is not two tokens separated by one space",
                         d->source, r, (int)len, s ? s : "");
            break;
        }
        size_t llen = (size_t)(sp - s), rlen = len - llen - 1;
        bn_merge m = {bn_vocab_lookup(v, s, llen), bn_vocab_lookup(v, sp + 1, rlen), -1};
        if (m.left < 0 || m.right < 0) {
            st = bn_fail(BN_E_FORMAT, "%s: merge %zu \"%.*s\": \"%.*s\" is not a token", d->source, r,
                         (int)len, s, (int)(m.left < 0 ? llen : rlen), m.left < 0 ? s : sp + 1);
            break;
        }
        memcpy(joined, s, llen);
        memcpy(joined + llen, sp + 1, rlen);
        m.result = bn_vocab_lookup(v, joined, llen + rlen);
        if (m.result < 0) {
            st = bn_fail(BN_E_FORMAT, "%s: merge %zu \"%.*s\": \"%.*s\" is not a token", d->source, r,
                         (int)len, s, (int)(llen + rlen), joined);
            break;
        }
        size_t i = hash_pair(m.left, m.right) & v->merge_mask;
        for (; v->merge_slots[i]; i = (i + 1) & v->merge_mask) {
            const bn_merge *o = &v->merges[v->merge_slots[i] - 1];
            if (o->left == m.left && o->right == m.right) break;
        }
        v->merges[r] = m;
        if (!v->merge_slots[i])
            v->merge_slots[i] = (uint32_t)r + 1; /* a repeated pair keeps its first rank */
    }
    free(joined);
    return st;
}

/* <0xNN> -> NN, or -1. */
static int parse_byte_token(const char *s, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    if (len != 6 || memcmp(s, "<0x", 3) != 0 || s[5] != '>') return -1;
    const char *hi = memchr(hex, s[3], 16), *lo = memchr(hex, s[4], 16);
    if (!hi || !lo || !s[3] || !s[4]) return -1;
    return (int)((hi - hex) * 16 + (lo - hex));
}

/* What each token decodes to: GPT-2 alphabet -> bytes (BPE), U+2581 -> space and <0xNN> ->
 * byte (SPM); control, unknown and user-defined tokens keep their text. */
static bn_status decode_pieces(bn_vocab *v, const char *source)
{
    v->piece = malloc(v->text_off[v->n] + 1);
    v->piece_off = malloc((v->n + 1) * sizeof *v->piece_off);
    if (!v->piece || !v->piece_off) return bn_fail(BN_E_NO_MEMORY, "%s: no memory", source);
    uint32_t at = 0;
    for (size_t id = 0; id < v->n; id++) {
        const unsigned char *s = (const unsigned char *)bn_vocab_text_ptr(v, (int32_t)id);
        size_t len = bn_vocab_text_len(v, (int32_t)id);
        int type = v->types[id];
        v->piece_off[id] = at;
        bool verbatim = type == BN_TOKEN_CONTROL || type == BN_TOKEN_UNKNOWN || type == BN_TOKEN_USER_DEFINED;
        if (type == BN_TOKEN_BYTE && v->kind == BN_VOCAB_SPM) {
            int b = parse_byte_token((const char *)s, len);
            if (b < 0)
                return bn_fail(BN_E_FORMAT, "%s: byte token %zu is \"%.*s\" (expected <0xNN>)", source, id,
                               (int)len, (const char *)s);
            v->piece[at++] = (char)b;
            continue;
        }
        for (size_t i = 0; i < len;) {
            uint32_t cp;
            size_t k = bn_utf8_decode(s + i, len - i, &cp);
            if (k == 0)
                return bn_fail(BN_E_FORMAT, "%s: token %zu is not valid UTF-8 at byte %zu", source, id, i);
            if (verbatim) {
                memcpy(v->piece + at, s + i, k);
                at += (uint32_t)k;
            } else if (v->kind == BN_VOCAB_SPM) {
                if (cp == 0x2581 && !v->raw_spaces) {
                    v->piece[at++] = ' ';
                } else {
                    memcpy(v->piece + at, s + i, k);
                    at += (uint32_t)k;
                }
            } else {
                int b = bn_gpt2_cp_to_byte(cp);
                if (b < 0)
                    return bn_fail(BN_E_FORMAT,
                                   "%s: token %zu \"%.*s\" contains U+%04X, which is not in the byte-level "
                                   "BPE alphabet",
                                   source, id, (int)len, (const char *)s, (unsigned)cp);
                v->piece[at++] = (char)b;
            }
            i += k;
        }
    }
    v->piece_off[v->n] = at;
    return BN_OK;
}

static bn_status find_byte_tokens(bn_vocab *v, const char *source)
{
    for (int b = 0; b < 256; b++) v->byte_ids[b] = -1;
    if (v->kind == BN_VOCAB_SPM) {
        for (size_t id = 0; id < v->n; id++) {
            if (v->types[id] != BN_TOKEN_BYTE) continue;
            int b = (unsigned char)v->piece[v->piece_off[id]];
            if (v->byte_ids[b] < 0) v->byte_ids[b] = (int32_t)id;
        }
        return BN_OK;
    }
    for (int b = 0; b < 256; b++) {
        char buf[4];
        size_t k = bn_utf8_encode(bn_gpt2_byte_to_cp((uint8_t)b), buf);
        v->byte_ids[b] = bn_vocab_lookup(v, buf, k);
        if (v->byte_ids[b] < 0)
            return bn_fail(BN_E_FORMAT,
                           "%s: byte-level BPE vocabulary lacks the token \"%.*s\" of byte 0x%02X", source,
                           (int)k, buf, b);
    }
    return BN_OK;
}

/* Sort key of a special token: first byte, then longest first, then id.  The keys are
 * copied out because qsort has no context argument (and a global would not be thread-safe). */
typedef struct special_key {
    unsigned char first;
    uint32_t len;
    int32_t id;
} special_key;

static int cmp_special(const void *a, const void *b)
{
    const special_key *x = a, *y = b;
    if (x->first != y->first) return x->first < y->first ? -1 : 1;
    if (x->len != y->len) return x->len > y->len ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* End-of-generation tokens besides EOS, by the texts chat models use. */
static const char *const eog_texts[] = {"<|eot_id|>",    "<|end_of_text|>", "<|eom_id|>", "<|im_end|>",
                                        "<|endoftext|>", "<end_of_turn>",   "</s>"};

static bn_status find_specials(bn_vocab *v, const char *source)
{
    size_t count = 0;
    for (size_t id = 0; id < v->n; id++)
        if ((v->types[id] == BN_TOKEN_CONTROL || v->types[id] == BN_TOKEN_USER_DEFINED) &&
            bn_vocab_text_len(v, (int32_t)id) > 0)
            count++;
    size_t n_eog_max = 1 + sizeof eog_texts / sizeof eog_texts[0];
    v->special_ids = malloc((count ? count : 1) * sizeof *v->special_ids);
    v->eog = malloc(n_eog_max * sizeof *v->eog);
    if (!v->special_ids || !v->eog) return bn_fail(BN_E_NO_MEMORY, "%s: no memory", source);
    count = 0;
    for (size_t id = 0; id < v->n; id++)
        if ((v->types[id] == BN_TOKEN_CONTROL || v->types[id] == BN_TOKEN_USER_DEFINED) &&
            bn_vocab_text_len(v, (int32_t)id) > 0)
            v->special_ids[count++] = (int32_t)id;
    special_key *keys = malloc((count ? count : 1) * sizeof *keys);
    if (!keys) return bn_fail(BN_E_NO_MEMORY, "%s: no memory", source);
    for (size_t i = 0; i < count; i++) {
        int32_t id = v->special_ids[i];
        keys[i] =
            (special_key){(unsigned char)bn_vocab_text_ptr(v, id)[0], (uint32_t)bn_vocab_text_len(v, id), id};
    }
    qsort(keys, count, sizeof *keys, cmp_special);
    for (size_t i = 0; i < count; i++) v->special_ids[i] = keys[i].id;
    free(keys);
    memset(v->special_start, 0, sizeof v->special_start);
    for (size_t i = 0; i < count; i++)
        v->special_start[(unsigned char)bn_vocab_text_ptr(v, v->special_ids[i])[0] + 1]++;
    for (int b = 0; b < 256; b++) v->special_start[b + 1] += v->special_start[b];

    if (v->eos >= 0) v->eog[v->n_eog++] = v->eos;
    for (size_t i = 0; i < sizeof eog_texts / sizeof eog_texts[0]; i++) {
        int32_t id = bn_vocab_lookup(v, eog_texts[i], strlen(eog_texts[i]));
        if (id >= 0 && id != v->eos && v->types[id] == BN_TOKEN_CONTROL) v->eog[v->n_eog++] = id;
    }
    return BN_OK;
}

static bn_status check_special_id(const bn_vocab_desc *d, const char *what, int64_t id, int32_t *out)
{
    if (id < -1 || id >= (int64_t)d->n_tokens)
        return bn_fail(BN_E_FORMAT, "%s: %s token id %lld is out of range (vocabulary of %zu)", d->source,
                       what, (long long)id, d->n_tokens);
    *out = (int32_t)id;
    return BN_OK;
}

bn_status bn_vocab_create(const bn_vocab_desc *d, bn_vocab **out)
{
    if (!d || !out || !d->model || !d->tokens)
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_vocab_create: NULL description, model or tokens");
    *out = NULL;
    const char *source = d->source ? d->source : "vocabulary";
    if (d->n_tokens == 0 || d->n_tokens >= INT32_MAX)
        return bn_fail(BN_E_FORMAT, "%s: %zu tokens (expected 1 .. 2^31-2)", source, d->n_tokens);
    bn_vocab *v = calloc(1, sizeof *v);
    if (!v) return bn_fail(BN_E_NO_MEMORY, "%s: no memory", source);
    v->n = d->n_tokens;
    v->add_bos = d->add_bos;
    v->raw_spaces = d->raw_spaces;
    bn_status st = BN_OK;
    if (strcmp(d->model, "gpt2") == 0) {
        v->kind = BN_VOCAB_BPE;
        v->split = BN_SPLIT_DEFAULT;
    } else if (strcmp(d->model, "llama") == 0) {
        v->kind = BN_VOCAB_SPM;
        v->split = BN_SPLIT_NONE;
        if (d->n_merges)
            st = bn_fail(BN_E_FORMAT, "%s: a SentencePiece (llama) vocabulary has merges", source);
    } else {
        st = bn_fail(BN_E_UNSUPPORTED,
                     "%s: tokenizer model \"%s\" is not supported (expected \"gpt2\" or \"llama\")", source,
                     d->model);
    }
    if (st == BN_OK && v->kind == BN_VOCAB_BPE && d->pre) st = bn_vocab_set_split(v, d->pre);
    if (st == BN_OK) st = check_special_id(d, "BOS", d->bos, &v->bos);
    if (st == BN_OK) st = check_special_id(d, "EOS", d->eos, &v->eos);
    if (st == BN_OK) st = check_special_id(d, "unknown", d->unk, &v->unk);
    if (st == BN_OK) st = check_special_id(d, "padding", d->pad, &v->pad);
    if (st == BN_OK) st = copy_tokens(v, d);
    if (st == BN_OK) st = index_tokens(v, source);
    if (st == BN_OK) st = index_merges(v, d);
    if (st == BN_OK) st = decode_pieces(v, source);
    if (st == BN_OK) st = find_byte_tokens(v, source);
    if (st == BN_OK) st = find_specials(v, source);
    if (st != BN_OK) {
        bn_vocab_free(v);
        return st;
    }
    *out = v;
    return BN_OK;
}

bn_status bn_vocab_set_split(bn_vocab *v, const char *name)
{
    if (!v || !name) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_vocab_set_split: NULL argument");
    if (v->kind != BN_VOCAB_BPE)
        return bn_fail(BN_E_UNSUPPORTED, "split \"%s\": a SentencePiece vocabulary has no pre-tokenizer",
                       name);
    /* llama.cpp's names for the Llama 3 split; it ignores merges only there. */
    if (!strcmp(name, "llama-bpe") || !strcmp(name, "llama3") || !strcmp(name, "llama-v3")) {
        v->split = BN_SPLIT_LLAMA3;
        v->ignore_merges = true;
    } else if (!strcmp(name, "default")) {
        v->split = BN_SPLIT_DEFAULT;
        v->ignore_merges = false;
    } else {
        return bn_fail(BN_E_UNSUPPORTED,
                       "pre-tokenizer \"%s\" is not supported (expected \"llama-bpe\" or \"default\")", name);
    }
    return BN_OK;
}

bn_vocab_kind bn_vocab_kind_of(const bn_vocab *v) { return v->kind; }
size_t bn_vocab_size(const bn_vocab *v) { return v->n; }
int32_t bn_vocab_bos(const bn_vocab *v) { return v->bos; }
int32_t bn_vocab_eos(const bn_vocab *v) { return v->eos; }
bool bn_vocab_add_bos(const bn_vocab *v) { return v->add_bos; }

bool bn_vocab_is_eog(const bn_vocab *v, int32_t id)
{
    for (size_t i = 0; i < v->n_eog; i++)
        if (v->eog[i] == id) return true;
    return false;
}

const char *bn_vocab_split_name(const bn_vocab *v)
{
    switch (v->split) {
    case BN_SPLIT_LLAMA3: return "llama-bpe";
    case BN_SPLIT_DEFAULT: return "default";
    case BN_SPLIT_NONE: break;
    }
    return "spm";
}

int32_t bn_vocab_find(const bn_vocab *v, const char *text) { return bn_vocab_lookup(v, text, strlen(text)); }

const char *bn_vocab_token_text(const bn_vocab *v, int32_t id, size_t *len)
{
    if (id < 0 || (size_t)id >= v->n) return NULL;
    if (len) *len = bn_vocab_text_len(v, id);
    return bn_vocab_text_ptr(v, id);
}

int bn_vocab_token_type(const bn_vocab *v, int32_t id)
{
    return id < 0 || (size_t)id >= v->n ? -1 : v->types[id];
}

float bn_vocab_token_score(const bn_vocab *v, int32_t id)
{
    return id < 0 || (size_t)id >= v->n ? 0.0f : v->scores[id];
}

size_t bn_vocab_merge_count(const bn_vocab *v) { return v->n_merges; }

bn_status bn_vocab_merge_at(const bn_vocab *v, size_t rank, int32_t *left, int32_t *right)
{
    if (rank >= v->n_merges)
        return bn_fail(BN_E_RANGE, "merge rank %zu is out of range (%zu merges)", rank, v->n_merges);
    *left = v->merges[rank].left;
    *right = v->merges[rank].right;
    return BN_OK;
}
