/*
 * tokenizer.c - text -> ids (special tokens, then the split and BPE of each text segment)
 * and ids -> bytes.
 *
 * Special tokens (control and user-defined) are looked for only when the caller asks
 * (parse_special).  The text is scanned left to right and at each position the longest
 * special token that starts there wins (Hugging Face's added-vocabulary rule); the text
 * between two matches is a segment of its own, encoded without seeing its neighbours, so
 * the pre-tokenizer split never runs across a special token and every SentencePiece
 * segment gets its own dummy prefix (as llama.cpp does).
 */
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"
#include "model/unicode.h"

void *bn_scratch_get(bn_scratch *s, size_t bytes)
{
    if (bytes <= s->cap) return s->p;
    void *p = malloc(bytes);
    if (!p) {
        bn_fail(BN_E_NO_MEMORY, "tokenizer: no memory for %zu bytes of scratch", bytes);
        return NULL;
    }
    free(s->p);
    s->p = p;
    s->cap = bytes;
    return p;
}

/* The longest special token starting at text[i], or -1. */
static int32_t special_at(const bn_vocab *v, const char *text, size_t len, size_t i)
{
    unsigned char b = (unsigned char)text[i];
    for (uint32_t k = v->special_start[b]; k < v->special_start[b + 1]; k++) {
        int32_t id = v->special_ids[k];
        size_t n = bn_vocab_text_len(v, id);
        if (n <= len - i && memcmp(text + i, bn_vocab_text_ptr(v, id), n) == 0) return id;
    }
    return -1;
}

/* Pre-tokenize a segment and BPE each piece. */
static bn_status encode_bpe_segment(const bn_vocab *v, const char *text, size_t len, bn_scratch *split_work,
                                    bn_scratch *piece_work, bn_tok_out *out)
{
    /* Per code point: value, byte offset, class; cut flags; at most len code points. */
    size_t need = (len + 1) * (2 * sizeof(uint32_t) + 2);
    unsigned char *mem = bn_scratch_get(split_work, need);
    if (!mem) return BN_E_NO_MEMORY;
    uint32_t *cps = (uint32_t *)mem, *offs = cps + (len + 1);
    uint8_t *cls = (uint8_t *)(offs + (len + 1)), *cut = cls + (len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        offs[n] = (uint32_t)i;
        i += bn_utf8_decode((const unsigned char *)text + i, len - i, &cps[n]);
        cls[n] = (uint8_t)bn_unicode_class(cps[n]);
    }
    offs[n] = (uint32_t)len;
    memset(cut, 0, n + 1);
    bn_split_cps(v->split, cps, cls, n, cut);
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && !cut[end]) end++;
        bn_status st = bn_bpe_encode_piece(v, text + offs[start], offs[end] - offs[start], piece_work, out);
        if (st != BN_OK) return st;
        start = end;
    }
    return BN_OK;
}

bn_status bn_tokenize(const bn_vocab *v, const char *text, size_t len, bool add_bos, bool parse_special,
                      int32_t *ids, size_t cap, size_t *n)
{
    if (!v || !n || (!text && len) || (!ids && cap))
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_tokenize: NULL vocabulary, text, ids or count");
    *n = 0;
    if (len > UINT32_MAX - 16)
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_tokenize: %zu bytes of text is more than 4 GiB", len);
    bn_status st = bn_utf8_validate(text, len);
    if (st != BN_OK) return st;
    bn_tok_out out = {ids, cap, 0};
    if (add_bos) {
        if (v->bos < 0)
            return bn_fail(BN_E_NOT_FOUND, "bn_tokenize: BOS requested but the vocabulary has none");
        bn_tok_push(&out, v->bos);
    }
    bn_scratch split_work = {0}, piece_work = {0};
    size_t seg = 0;
    for (size_t i = 0; i <= len && st == BN_OK;) {
        int32_t special = -1;
        if (i < len && parse_special) special = special_at(v, text, len, i);
        if (special < 0 && i < len) {
            i++;
            continue;
        }
        if (i > seg) {
            if (v->kind == BN_VOCAB_BPE)
                st = encode_bpe_segment(v, text + seg, i - seg, &split_work, &piece_work, &out);
            else
                st = bn_spm_encode_segment(v, text + seg, i - seg, &piece_work, &out);
        }
        if (special < 0) break; /* i == len */
        bn_tok_push(&out, special);
        i += bn_vocab_text_len(v, special);
        seg = i;
    }
    free(split_work.p);
    free(piece_work.p);
    if (st != BN_OK) return st;
    *n = out.n;
    if (out.n > cap)
        return bn_fail(BN_E_RANGE, "bn_tokenize: the text needs %zu ids, the buffer holds %zu", out.n, cap);
    return BN_OK;
}

static bool renders_empty(const bn_vocab *v, int32_t id, bool render_special)
{
    return !render_special && (v->types[id] == BN_TOKEN_CONTROL || v->types[id] == BN_TOKEN_UNKNOWN);
}

bn_status bn_token_bytes(const bn_vocab *v, int32_t id, bool render_special, char *buf, size_t cap,
                         size_t *len)
{
    if (!v || !len || (!buf && cap)) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_token_bytes: NULL argument");
    *len = 0;
    if (id < 0 || (size_t)id >= v->n)
        return bn_fail(BN_E_INVALID_ARGUMENT,
                       "bn_token_bytes: token id %d is out of range (vocabulary of %zu)", (int)id, v->n);
    if (renders_empty(v, id, render_special)) return BN_OK;
    size_t n = v->piece_off[id + 1] - v->piece_off[id];
    *len = n;
    if (n > cap)
        return bn_fail(BN_E_RANGE, "bn_token_bytes: token %d needs %zu bytes, the buffer holds %zu", (int)id,
                       n, cap);
    if (n) memcpy(buf, v->piece + v->piece_off[id], n);
    return BN_OK;
}

bn_status bn_detokenize(const bn_vocab *v, const int32_t *ids, size_t n, bool render_special, char *buf,
                        size_t cap, size_t *len)
{
    if (!v || !len || (!ids && n) || (!buf && cap))
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_detokenize: NULL argument");
    *len = 0;
    bn_utf8_stream stream = {0};
    size_t need = 0;
    bool first_text = v->kind == BN_VOCAB_SPM;
    char out[3 * 64 + 12];
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 0 || (size_t)ids[i] >= v->n)
            return bn_fail(BN_E_INVALID_ARGUMENT,
                           "bn_detokenize: ids[%zu] = %d is out of range (vocabulary of %zu)", i, (int)ids[i],
                           v->n);
        if (renders_empty(v, ids[i], render_special)) continue;
        const char *p = v->piece + v->piece_off[ids[i]];
        size_t plen = v->piece_off[ids[i] + 1] - v->piece_off[ids[i]];
        bool text_token = v->types[ids[i]] != BN_TOKEN_CONTROL && v->types[ids[i]] != BN_TOKEN_UNKNOWN;
        if (first_text && text_token) {
            if (plen && p[0] == ' ') p++, plen--; /* the dummy prefix */
            first_text = false;
        }
        /* Feed in chunks the stack buffer always holds (3 bytes out per byte in, at worst). */
        for (size_t at = 0; at < plen; at += 64) {
            size_t chunk = plen - at < 64 ? plen - at : 64;
            size_t k = bn_utf8_stream_feed(&stream, p + at, chunk, out, sizeof out);
            if (need + k <= cap) memcpy(buf + need, out, k);
            need += k;
        }
    }
    size_t k = bn_utf8_stream_flush(&stream, out, sizeof out);
    if (need + k <= cap) memcpy(buf + need, out, k);
    need += k;
    *len = need;
    if (need > cap)
        return bn_fail(BN_E_RANGE, "bn_detokenize: the text needs %zu bytes, the buffer holds %zu", need,
                       cap);
    return BN_OK;
}
