/*
 * tokenizer.h - text <-> token ids from a GGUF vocabulary.
 *
 * Two models (docs/MODEL.md section 3):
 *   "gpt2"  byte-level BPE (Llama 3 / 2B4T): bytes -> GPT-2 printable alphabet, text split
 *           by a pre-tokenizer (Llama 3 split for tokenizer.ggml.pre = "llama-bpe",
 *           llama.cpp's default split when the key is absent), pieces merged by rank;
 *   "llama" SentencePiece BPE by score (Llama 2, TinyStories): U+2581 for spaces, a leading
 *           U+2581, highest-score pair merges, <0xNN> byte fallback.
 * Special (control) tokens are matched in text only when the caller asks for it.
 */
#ifndef BN_MODEL_TOKENIZER_H
#define BN_MODEL_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "model/gguf.h"

typedef struct bn_vocab bn_vocab;

typedef enum bn_vocab_kind { BN_VOCAB_BPE = 0, BN_VOCAB_SPM = 1 } bn_vocab_kind;

/* Token types (tokenizer.ggml.token_type; SentencePiece numbering). */
typedef enum bn_token_type {
    BN_TOKEN_UNDEFINED = 0,
    BN_TOKEN_NORMAL = 1,
    BN_TOKEN_UNKNOWN = 2,
    BN_TOKEN_CONTROL = 3, /* <|eot_id|>, <s>: matched in text only when asked, decoded as "" */
    BN_TOKEN_USER_DEFINED = 4, /* matched like control tokens, decoded as their text */
    BN_TOKEN_UNUSED = 5,
    BN_TOKEN_BYTE = 6, /* SentencePiece byte fallback <0xNN> */
} bn_token_type;

/* A string that need not be NUL-terminated. */
typedef struct bn_vocab_str {
    const char *ptr;
    size_t len;
} bn_vocab_str;

/* A vocabulary as plain arrays: what every loader (GGUF, tokenizer.json, llama2.c
 * tokenizer.bin) fills in before bn_vocab_create copies and indexes it. */
typedef struct bn_vocab_desc {
    const char *source; /* names the origin in error messages (a path) */
    const char *model; /* tokenizer.ggml.model: "gpt2" or "llama" */
    const char *pre; /* tokenizer.ggml.pre, NULL when the key is absent */
    size_t n_tokens;
    const bn_vocab_str *tokens; /* token text as stored (GPT-2 alphabet / U+2581) */
    const float *scores; /* NULL: all 0 */
    const int32_t *types; /* bn_token_type; NULL: all normal */
    size_t n_merges;
    const bn_vocab_str *merges; /* "left right" in rank order (gpt2 only) */
    int64_t bos, eos, unk, pad; /* -1: none */
    bool add_bos;
    bool raw_spaces; /* llama only: pieces write a space as ' ', not U+2581 (llama2.c tokenizer.bin) */
} bn_vocab_desc;

/* Validate, copy and index a vocabulary (hash tables for text -> id and pair -> rank).
 * BN_E_FORMAT naming the token or merge for any inconsistency. */
bn_status bn_vocab_create(const bn_vocab_desc *desc, bn_vocab **out);
/* A Hugging Face tokenizer.json of a byte-level BPE model (the Llama 3 one). */
bn_status bn_vocab_from_tokenizer_json(const char *path, bn_vocab **out);
/* A llama2.c tokenizer.bin (SentencePiece BPE with scores; TinyStories). */
bn_status bn_vocab_from_llama2c(const char *path, bn_vocab **out);
/* Choose the pre-tokenizer split of a gpt2 vocabulary ("llama-bpe" or "default"), e.g. to
 * give the released 2B4T file, which has no pre key, the Llama 3 split it was trained with. */
bn_status bn_vocab_set_split(bn_vocab *v, const char *name);

/* Build the vocabulary from tokenizer.ggml.* keys of a (possibly vocab-only) file. */
bn_status bn_vocab_from_gguf(const bn_gguf *g, bn_vocab **out);
/* Add the tokenizer.ggml.* keys that describe v to a GGUF writer (a vocab-only file is a
 * writer with nothing else): model, pre (gpt2), tokens, scores, token_type, merges (gpt2),
 * the special ids that exist and add_bos_token.  A raw_spaces (llama2.c) vocabulary is
 * written in SentencePiece form, ' ' as U+2581. */
bn_status bn_vocab_to_gguf(const bn_vocab *v, bn_gguf_writer *w);
void bn_vocab_free(bn_vocab *v);

bn_vocab_kind bn_vocab_kind_of(const bn_vocab *v);
size_t bn_vocab_size(const bn_vocab *v);
int32_t bn_vocab_bos(const bn_vocab *v); /* -1 if none */
int32_t bn_vocab_eos(const bn_vocab *v);
bool bn_vocab_add_bos(const bn_vocab *v); /* tokenizer.ggml.add_bos_token (default true) */
/* Is id an end-of-generation token (EOS, <|eot_id|>, <|end_of_text|>, ...)? */
bool bn_vocab_is_eog(const bn_vocab *v, int32_t id);
/* Which pre-tokenizer split is used: "llama-bpe", "default", or "spm". */
const char *bn_vocab_split_name(const bn_vocab *v);
/* The id of a token's exact text (e.g. "<|eot_id|>"), or -1. */
int32_t bn_vocab_find(const bn_vocab *v, const char *text);
/* A token's text as stored (not NUL-terminated; NULL if id is out of range), type
 * (-1 if out of range) and score. */
const char *bn_vocab_token_text(const bn_vocab *v, int32_t id, size_t *len);
int bn_vocab_token_type(const bn_vocab *v, int32_t id);
float bn_vocab_token_score(const bn_vocab *v, int32_t id);
/* The BPE merges in rank order (0 for SPM vocabularies). */
size_t bn_vocab_merge_count(const bn_vocab *v);
bn_status bn_vocab_merge_at(const bn_vocab *v, size_t rank, int32_t *left, int32_t *right);

/* Tokenize len bytes of UTF-8 text.  Writes at most cap ids and sets *n to the number
 * the text needs (so a too-small cap can be retried; BN_E_RANGE then). */
bn_status bn_tokenize(const bn_vocab *v, const char *text, size_t len, bool add_bos, bool parse_special,
                      int32_t *ids, size_t cap, size_t *n);

/* The bytes a token stands for when decoded (byte-level decoding for gpt2; U+2581 ->
 * space and <0xNN> -> byte for llama).  Control tokens give "" unless render_special. */
bn_status bn_token_bytes(const bn_vocab *v, int32_t id, bool render_special, char *buf, size_t cap,
                         size_t *len);

/* Decode a whole sequence to valid UTF-8 (through the streaming decoder): the tokens'
 * bytes concatenated, minus the space SentencePiece's dummy prefix put before the first
 * piece (SPM vocabularies only).  *len is the size needed (BN_E_RANGE if cap is short). */
bn_status bn_detokenize(const bn_vocab *v, const int32_t *ids, size_t n, bool render_special, char *buf,
                        size_t cap, size_t *len);

/* Streaming decoder: holds back the bytes of a UTF-8 character split across tokens, so
 * what it emits is always valid UTF-8 (invalid sequences become U+FFFD). */
typedef struct bn_utf8_stream {
    unsigned char pending[8];
    size_t npending;
} bn_utf8_stream;
/* Start with a zeroed struct: bn_utf8_stream s = {0}.
 * Feed bytes; writes the complete characters to out and returns how many bytes it wrote
 * (cap >= len + 8 suffices for valid UTF-8; 3 * len + 12 always, since every invalid byte
 * may become the 3-byte U+FFFD).  If the output needs more than cap, nothing is written or
 * consumed and the size needed (> cap) is returned. */
size_t bn_utf8_stream_feed(bn_utf8_stream *s, const char *bytes, size_t len, char *out, size_t cap);
/* End of stream: flush what is pending (as U+FFFD if incomplete; cap >= 3). */
size_t bn_utf8_stream_flush(bn_utf8_stream *s, char *out, size_t cap);

#endif /* BN_MODEL_TOKENIZER_H */
