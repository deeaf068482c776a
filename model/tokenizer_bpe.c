/*
 * tokenizer_bpe.c - byte-level BPE (GPT-2 style, Llama 3) of one pre-tokenized piece.
 *
 * Bytes are written in the GPT-2 printable alphabet: the 188 printable Latin-1 bytes
 * ('!'..'~', U+00A1..U+00AC, U+00AE..U+00FF) stand for themselves, the other 68 bytes
 * (0x00..0x20, 0x7F..0xA0, 0xAD) take U+0100.. in byte order, so ' ' is U+0120 'Ġ' and
 * '\n' is U+010A 'Ċ'.  Every vocabulary token is text in that alphabet.
 *
 * A piece starts as one symbol per byte and repeatedly merges the adjacent pair of lowest
 * merge rank (ties: leftmost).  Symbols are a doubly linked list; candidate pairs sit in a
 * binary heap and are checked when popped (a pair whose symbols changed since it was queued
 * is stale and skipped), so a piece of n bytes costs O(n log n), not O(n^2).
 * With ignore_merges (the Llama 3 tokenizer.json sets it) a piece that is itself a token is
 * emitted whole: 588 of Llama 3's tokens cannot be reached through its merges.
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

uint32_t bn_gpt2_byte_to_cp(uint8_t b)
{
    if (b <= 0x20) return 0x100 + b;
    if (b >= 0x7F && b <= 0xA0) return b + 0xA2; /* 0x7F -> U+0121 */
    if (b == 0xAD) return 0x143;
    return b;
}

int bn_gpt2_cp_to_byte(uint32_t cp)
{
    if ((cp >= 0x21 && cp <= 0x7E) || (cp >= 0xA1 && cp <= 0xAC) || (cp >= 0xAE && cp <= 0xFF))
        return (int)cp;
    if (cp >= 0x100 && cp <= 0x120) return (int)(cp - 0x100);
    if (cp >= 0x121 && cp <= 0x142) return (int)(cp - 0xA2);
    if (cp == 0x143) return 0xAD;
    return -1;
}

typedef struct pair_entry {
    uint32_t rank;
    int32_t pos; /* the left symbol */
    int32_t left, right; /* the ids the pair had when queued */
} pair_entry;

static bool entry_before(const pair_entry *a, const pair_entry *b)
{
    return a->rank < b->rank || (a->rank == b->rank && a->pos < b->pos);
}

static void heap_push(pair_entry *heap, size_t *n, pair_entry e)
{
    size_t i = (*n)++;
    while (i > 0 && entry_before(&e, &heap[(i - 1) / 2])) {
        heap[i] = heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    heap[i] = e;
}

static pair_entry heap_pop(pair_entry *heap, size_t *n)
{
    pair_entry top = heap[0], last = heap[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n) break;
        if (c + 1 < *n && entry_before(&heap[c + 1], &heap[c])) c++;
        if (!entry_before(&heap[c], &last)) break;
        heap[i] = heap[c];
        i = c;
    }
    if (*n > 0) heap[i] = last;
    return top;
}

typedef struct symbols {
    int32_t *id, *prev, *next;
    pair_entry *heap;
    size_t nheap;
} symbols;

static void queue_pair(const bn_vocab *v, symbols *s, int32_t p)
{
    if (p < 0 || s->next[p] < 0) return;
    const bn_merge *m = bn_vocab_merge_of(v, s->id[p], s->id[s->next[p]]);
    if (!m) return;
    pair_entry e = {(uint32_t)(m - v->merges), p, s->id[p], s->id[s->next[p]]};
    heap_push(s->heap, &s->nheap, e);
}

bn_status bn_bpe_encode_piece(const bn_vocab *v, const char *piece, size_t len, bn_scratch *work,
                              bn_tok_out *out)
{
    const unsigned char *b = (const unsigned char *)piece;
    if (len == 1) {
        bn_tok_push(out, v->byte_ids[b[0]]);
        return BN_OK;
    }
    /* Each merge removes one symbol and queues at most two pairs: 3 * len entries. */
    size_t need = 3 * len * sizeof(int32_t) + 3 * len * sizeof(pair_entry) + 2 * len;
    unsigned char *mem = bn_scratch_get(work, need);
    if (!mem) return BN_E_NO_MEMORY;
    symbols s = {(int32_t *)mem, (int32_t *)mem + len, (int32_t *)mem + 2 * len,
                 (pair_entry *)(mem + 3 * len * sizeof(int32_t)), 0};

    if (v->ignore_merges) {
        char *mapped = (char *)(s.heap + 3 * len);
        size_t m = 0;
        for (size_t i = 0; i < len; i++) m += bn_utf8_encode(bn_gpt2_byte_to_cp(b[i]), mapped + m);
        int32_t whole = bn_vocab_lookup(v, mapped, m);
        /* Added (control, user-defined) tokens are not part of the BPE model's own vocabulary. */
        if (whole >= 0 && v->types[whole] != BN_TOKEN_CONTROL && v->types[whole] != BN_TOKEN_USER_DEFINED) {
            bn_tok_push(out, whole);
            return BN_OK;
        }
    }
    for (size_t i = 0; i < len; i++) {
        s.id[i] = v->byte_ids[b[i]];
        s.prev[i] = (int32_t)i - 1;
        s.next[i] = i + 1 < len ? (int32_t)i + 1 : -1;
    }
    for (size_t i = 0; i + 1 < len; i++) queue_pair(v, &s, (int32_t)i);
    while (s.nheap > 0) {
        pair_entry e = heap_pop(s.heap, &s.nheap);
        int32_t p = e.pos, q = s.next[p];
        if (s.id[p] != e.left || q < 0 || s.id[q] != e.right) continue; /* stale */
        s.id[p] = v->merges[e.rank].result;
        s.next[p] = s.next[q];
        if (s.next[q] >= 0) s.prev[s.next[q]] = p;
        s.id[q] = -1;
        queue_pair(v, &s, s.prev[p]);
        queue_pair(v, &s, p);
    }
    for (int32_t p = 0; p >= 0; p = s.next[p]) bn_tok_push(out, s.id[p]);
    return BN_OK;
}
