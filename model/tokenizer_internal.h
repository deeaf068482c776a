/*
 * tokenizer_internal.h - what the tokenizer files (model/tokenizer*.c) share: the vocabulary
 * object, its hash tables, the pre-tokenizer splits and the encoders' entry points.
 */
#ifndef BN_MODEL_TOKENIZER_INTERNAL_H
#define BN_MODEL_TOKENIZER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/tokenizer.h"

typedef enum bn_split {
    BN_SPLIT_LLAMA3 = 0, /* "llama-bpe": the Llama 3 regex, one pass */
    BN_SPLIT_DEFAULT = 1, /* "default": llama.cpp's four-regex list, applied in sequence */
    BN_SPLIT_NONE = 2, /* "spm": SentencePiece does not pre-tokenize */
} bn_split;

/* One merge: rank r joins tokens left and right into result. */
typedef struct bn_merge {
    int32_t left, right, result;
} bn_merge;

struct bn_vocab {
    bn_vocab_kind kind;
    size_t n;
    /* Token text as stored (GPT-2 alphabet for BPE, U+2581 for SPM): arena + n+1 offsets. */
    char *text;
    uint32_t *text_off;
    /* The bytes each token decodes to (bn_token_bytes): arena + n+1 offsets. */
    char *piece;
    uint32_t *piece_off;
    uint8_t *types; /* bn_token_type */
    float *scores; /* SPM merge priority; zeros for BPE */
    /* text -> id: open addressing, slot = id + 1, 0 = empty; mask = capacity - 1. */
    uint32_t *tok_slots;
    size_t tok_mask;
    /* (left, right) -> merge index, open addressing with the same conventions. */
    bn_merge *merges;
    size_t n_merges;
    uint32_t *merge_slots;
    size_t merge_mask;
    /* BPE: id of the GPT-2 character of byte b.  SPM: id of <0xNN>, -1 if absent. */
    int32_t byte_ids[256];
    int32_t bos, eos, unk, pad;
    bool add_bos;
    bool raw_spaces; /* SPM: the space marker is ' ' itself, not U+2581 */
    int32_t *eog;
    size_t n_eog;
    bn_split split;
    bool ignore_merges; /* emit a piece that is itself a token whole (Llama 3) */
    /* Tokens matched in text when parse_special: control and user-defined ones, grouped
     * by first byte (special_start[b] .. special_start[b + 1]) and longest first. */
    int32_t *special_ids;
    uint32_t special_start[257];
};

/* ---- vocabulary (tokenizer_vocab.c) */

/* Hash lookup of a token's exact text; -1 if absent. */
int32_t bn_vocab_lookup(const bn_vocab *v, const char *s, size_t len);
/* The merge of (left, right), or NULL. */
const bn_merge *bn_vocab_merge_of(const bn_vocab *v, int32_t left, int32_t right);
static inline const char *bn_vocab_text_ptr(const bn_vocab *v, int32_t id)
{
    return v->text + v->text_off[id];
}
static inline size_t bn_vocab_text_len(const bn_vocab *v, int32_t id)
{
    return v->text_off[id + 1] - v->text_off[id];
}

/* ---- UTF-8 (tokenizer_utf8.c) */

/* Decode one strict UTF-8 character at s[0..len) (len >= 1): its byte count (1..4), or 0
 * if the bytes there are not a valid character (overlong, surrogate, truncated, > 10FFFF). */
size_t bn_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encode cp (<= 10FFFF) into out[4]; returns the byte count. */
size_t bn_utf8_encode(uint32_t cp, char *out);
/* Check that text is valid UTF-8; BN_E_INVALID_ARGUMENT naming the byte offset if not. */
bn_status bn_utf8_validate(const char *text, size_t len);

/* ---- GPT-2 byte alphabet (tokenizer_bpe.c) */

/* The code point byte b is written as in byte-level BPE vocabularies. */
uint32_t bn_gpt2_byte_to_cp(uint8_t b);
/* The byte a code point of the GPT-2 alphabet stands for, or -1. */
int bn_gpt2_cp_to_byte(uint32_t cp);

/* ---- encoders: append ids to a growing output that counts past its capacity */

typedef struct bn_tok_out {
    int32_t *ids;
    size_t cap;
    size_t n;
} bn_tok_out;
static inline void bn_tok_push(bn_tok_out *o, int32_t id)
{
    if (o->n < o->cap) o->ids[o->n] = id;
    o->n++;
}

/* Pre-tokenizer split of one text segment (between special tokens), decoded to code
 * points cps[0..n) of classes cls[0..n) (bn_uclass): sets cut[i] for every i in [1, n)
 * where a piece starts.  cut has n + 1 entries, cleared by the caller (tokenizer_split.c). */
void bn_split_cps(bn_split split, const uint32_t *cps, const uint8_t *cls, size_t n, uint8_t *cut);

/* Growable scratch memory, reused across the pieces of one bn_tokenize call. */
typedef struct bn_scratch {
    void *p;
    size_t cap;
} bn_scratch;
/* At least bytes of scratch (old contents not kept), or NULL after bn_fail. */
void *bn_scratch_get(bn_scratch *s, size_t bytes);

/* Byte-level BPE of one piece (tokenizer_bpe.c). */
bn_status bn_bpe_encode_piece(const bn_vocab *v, const char *piece, size_t len, bn_scratch *work,
                              bn_tok_out *out);
/* SentencePiece BPE of one non-empty text segment, dummy prefix included (tokenizer_spm.c). */
bn_status bn_spm_encode_segment(const bn_vocab *v, const char *text, size_t len, bn_scratch *work,
                                bn_tok_out *out);

#endif /* BN_MODEL_TOKENIZER_INTERNAL_H */
