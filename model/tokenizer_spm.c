/*
 * tokenizer_spm.c - SentencePiece BPE (Llama 2, TinyStories) of one text segment.
 *
 * What SentencePiece does with the Llama 2 model (normalizer "identity", add_dummy_prefix,
 * escape_whitespace, byte_fallback; no other normalisation, runs of spaces kept):
 *   1. a U+2581 is put in front of the segment and every ' ' becomes U+2581;
 *   2. the text starts as one symbol per UTF-8 character;
 *   3. of all adjacent pairs whose concatenation is a (normal or user-defined) piece, the
 *      one with the highest piece score is merged (ties: the leftmost), until none is left;
 *   4. a symbol that is not a piece (a character outside the vocabulary) becomes its bytes'
 *      <0xNN> tokens, or the unknown token where a byte token is missing.
 * This is also llama2.c's encoder; its tokenizer.bin stores ' ' where SentencePiece stores
 * U+2581 (raw_spaces), so there a literal U+2581 in the text is an ordinary character, as in
 * llama2.c, while with a SentencePiece vocabulary it is the same as a space.  Pairs wait in a max-heap and are checked when
 * popped, as in tokenizer_bpe.c.
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

typedef struct spm_pair {
    float score;
    int32_t pos; /* left symbol (its byte offset in the escaped text) */
    uint32_t len; /* bytes of the pair when queued */
} spm_pair;

static bool pair_before(const spm_pair *a, const spm_pair *b)
{
    return a->score > b->score || (a->score == b->score && a->pos < b->pos);
}

static void heap_push(spm_pair *heap, size_t *n, spm_pair e)
{
    size_t i = (*n)++;
    while (i > 0 && pair_before(&e, &heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = e;
}

static spm_pair heap_pop(spm_pair *heap, size_t *n)
{
    spm_pair top = heap[0], last = heap[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && pair_before(&heap[c + 1], &heap[c])) c++;
        if (!pair_before(&heap[c], &last)) break;
        heap[i] = heap[c];
        i = c;
    }
    if (*n > 0) heap[i] = last;
    return top;
}

static bool mergeable(const bn_vocab *v, int32_t id)
{
    return id >= 0 && (v->types[id] == BN_TOKEN_NORMAL || v->types[id] == BN_TOKEN_USER_DEFINED);
}

/* Symbols are indexed by their first byte; len[p] == 0 marks a merged-away symbol. */
typedef struct spm_state {
    const char *text;
    uint32_t *len;
    int32_t *prev, *next;
    spm_pair *heap;
    size_t nheap;
} spm_state;

static void queue_pair(const bn_vocab *v, spm_state *s, int32_t p)
{
    if (p < 0 || s->next[p] < 0) return;
    uint32_t len = s->len[p] + s->len[s->next[p]];
    int32_t id = bn_vocab_lookup(v, s->text + p, len);
    if (!mergeable(v, id)) return;
    spm_pair e = {v->scores[id], p, len};
    heap_push(s->heap, &s->nheap, e);
}

bn_status bn_spm_encode_segment(const bn_vocab *v, const char *text, size_t len, bn_scratch *work,
                                bn_tok_out *out)
{
    static const char escaped_space[3] = {(char)0xE2, (char)0x96, (char)0x81}; /* U+2581 */
    const char *marker = v->raw_spaces ? " " : escaped_space;
    size_t mlen = v->raw_spaces ? 1 : sizeof escaped_space;
    size_t cap = (3 * (len + 1) + 7) & ~(size_t)7; /* the int32 arrays that follow stay aligned */
    size_t need = cap + cap * (3 * sizeof(int32_t) + sizeof(spm_pair));
    unsigned char *mem = bn_scratch_get(work, need);
    if (!mem) return BN_E_NO_MEMORY;
    char *esc = (char *)mem;
    spm_state s = {esc,
                   (uint32_t *)(mem + cap),
                   (int32_t *)(mem + cap) + cap,
                   (int32_t *)(mem + cap) + 2 * cap,
                   (spm_pair *)((int32_t *)(mem + cap) + 3 * cap),
                   0};
    memcpy(esc, marker, mlen);
    size_t n = mlen;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == ' ') {
            memcpy(esc + n, marker, mlen);
            n += mlen;
        } else {
            esc[n++] = text[i];
        }
    }
    /* One symbol per character (the text was validated as UTF-8). */
    int32_t last = -1;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = bn_utf8_decode((const unsigned char *)esc + i, n - i, &cp);
        s.len[i] = (uint32_t)k;
        s.prev[i] = last;
        s.next[i] = -1;
        if (last >= 0) s.next[last] = (int32_t)i;
        last = (int32_t)i;
        i += k;
    }
    for (int32_t p = 0; p >= 0; p = s.next[p]) queue_pair(v, &s, p);
    while (s.nheap > 0) {
        spm_pair e = heap_pop(s.heap, &s.nheap);
        int32_t p = e.pos, q = s.next[p];
        if (s.len[p] == 0 || q < 0 || s.len[p] + s.len[q] != e.len) continue; /* stale */
        s.len[p] = e.len;
        s.len[q] = 0;
        s.next[p] = s.next[q];
        if (s.next[q] >= 0) s.prev[s.next[q]] = p;
        queue_pair(v, &s, s.prev[p]);
        queue_pair(v, &s, p);
    }
    for (int32_t p = 0; p >= 0; p = s.next[p]) {
        int32_t id = bn_vocab_lookup(v, esc + p, s.len[p]);
        if (mergeable(v, id)) {
            bn_tok_push(out, id);
            continue;
        }
        for (uint32_t i = 0; i < s.len[p]; i++) {
            int32_t b = v->byte_ids[(unsigned char)esc[p + i]];
            if (b < 0) b = v->unk;
            if (b < 0)
                return bn_fail(BN_E_NOT_FOUND,
                               "text byte 0x%02X: the vocabulary has neither the byte token <0x%02X> nor an "
                               "unknown token",
                               (unsigned char)esc[p + i], (unsigned char)esc[p + i]);
            bn_tok_push(out, b);
        }
    }
    return BN_OK;
}
