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

/* Build the vocabulary from tokenizer.ggml.* keys of a (possibly vocab-only) file. */
bn_status bn_vocab_from_gguf(const bn_gguf *g, bn_vocab **out);
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

/* Tokenize len bytes of UTF-8 text.  Writes at most cap ids and sets *n to the number
 * the text needs (so a too-small cap can be retried; BN_E_RANGE then). */
bn_status bn_tokenize(const bn_vocab *v, const char *text, size_t len, bool add_bos, bool parse_special,
                      int32_t *ids, size_t cap, size_t *n);

/* The bytes a token stands for when decoded (byte-level decoding for gpt2; U+2581 ->
 * space and <0xNN> -> byte for llama).  Control tokens give "" unless render_special. */
bn_status bn_token_bytes(const bn_vocab *v, int32_t id, bool render_special, char *buf, size_t cap,
                         size_t *len);

/* Streaming decoder: holds back the bytes of a UTF-8 character split across tokens, so
 * what it emits is always valid UTF-8 (invalid sequences become U+FFFD). */
typedef struct bn_utf8_stream {
    unsigned char pending[8];
    size_t npending;
} bn_utf8_stream;
/* Feed bytes; writes the complete characters to out (cap >= len + 8 suffices). */
size_t bn_utf8_stream_feed(bn_utf8_stream *s, const char *bytes, size_t len, char *out, size_t cap);
/* End of stream: flush what is pending (as U+FFFD if incomplete). */
size_t bn_utf8_stream_flush(bn_utf8_stream *s, char *out, size_t cap);

#endif /* BN_MODEL_TOKENIZER_H */
