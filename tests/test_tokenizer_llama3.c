/*
 * test_tokenizer_llama3.c - the Llama 3 byte-level BPE tokenizer (BitNet b1.58 2B4T's
 * vocabulary) against independent implementations' ids, from tokenizer.json.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model/tokenizer_internal.h"
#include "tests/tokenizer_util.h"

/* llama.cpp's own vectors (tests/test-tokenizer-0 with ggml-vocab-llama-bpe): no BOS, no
 * special-token parsing. */
Test(tokenizer_llama3, llamacpp_vectors)
{
    bn_vocab *v = bn_tok_load_llama3();
    cr_assert_str_eq(bn_vocab_split_name(v), "llama-bpe");
    bn_tok_case *cases;
    size_t n = bn_tok_read_inp_out("tokenizer/ggml-vocab-llama-bpe.gguf.inp",
                                   "tokenizer/ggml-vocab-llama-bpe.gguf.out", &cases);
    cr_assert_eq(n, 46, "expected the 46 llama.cpp cases, read %zu", n);
    cr_expect_eq(bn_tok_check_cases(v, cases, n, false, false, "llama-bpe.gguf"), 0);
    bn_tok_free_cases(cases, n);
    bn_vocab_free(v);
}

/* The 150 public strings (Unicode spaces, contractions, digits, code, emoji, 1000-char
 * words ...), ids from Hugging Face tokenizers and tiktoken, which agree. */
Test(tokenizer_llama3, public_corpus)
{
    bn_vocab *v = bn_tok_load_llama3();
    bn_tok_case *cases;
    size_t n = bn_tok_read_jsonl("tokenizer/llama3-public.jsonl", &cases);
    cr_assert_eq(n, 150, "expected 150 cases, read %zu", n);
    cr_expect_eq(bn_tok_check_cases(v, cases, n, false, false, "llama3-public"), 0);
    bn_tok_free_cases(cases, n);
    bn_vocab_free(v);
}

static void expect_ids(const bn_vocab *v, const char *text, bool bos, bool special, const int32_t *want,
                       size_t nwant)
{
    int32_t ids[256];
    size_t n = 0;
    bn_status st = bn_tokenize(v, text, strlen(text), bos, special, ids, 256, &n);
    cr_assert_eq(st, BN_OK, "\"%s\": %s", text, bn_last_error());
    cr_expect_eq(n, nwant, "\"%s\": %zu ids, expected %zu", text, n, nwant);
    for (size_t i = 0; i < n && i < nwant; i++)
        cr_expect_eq(ids[i], want[i], "\"%s\": id %zu is %d, expected %d", text, i, ids[i], want[i]);
}

#define EXPECT_IDS(v, text, bos, special, ...)                                    \
    do {                                                                          \
        static const int32_t want_[] = {__VA_ARGS__};                             \
        expect_ids(v, text, bos, special, want_, sizeof want_ / sizeof want_[0]); \
    } while (0)

/* The 2B4T chat examples of llama3-tokenizer/SOURCE.md: BOS and special tokens on. */
Test(tokenizer_llama3, chat_examples_with_special_tokens)
{
    bn_vocab *v = bn_tok_load_llama3();
    cr_expect_eq(bn_vocab_bos(v), 128000);
    cr_expect_eq(bn_vocab_eos(v), 128001);
    cr_expect_eq(bn_vocab_find(v, "<|eot_id|>"), 128009);
    cr_expect(bn_vocab_is_eog(v, 128001) && bn_vocab_is_eog(v, 128009) && !bn_vocab_is_eog(v, 128000));
    EXPECT_IDS(v, "User: What is 2+2? Answer with only the number.<|eot_id|>Assistant:", true, true, 128000,
               1502, 25, 3639, 374, 220, 17, 10, 17, 30, 22559, 449, 1193, 279, 1396, 13, 128009, 72803, 25);
    EXPECT_IDS(v, "User: What is the capital of France? Answer with one word.<|eot_id|>Assistant:", true,
               true, 128000, 1502, 25, 3639, 374, 279, 6864, 315, 9822, 30, 22559, 449, 832, 3492, 13, 128009,
               72803, 25);
    /* Without special parsing the same text is ordinary text (SOURCE.md of the corpus). */
    EXPECT_IDS(v, "<|eot_id|>", false, false, 27, 91, 68, 354, 851, 91, 29);
    EXPECT_IDS(v, "<|eot_id|>", false, true, 128009);
    EXPECT_IDS(v, "<|begin_of_text|><|eot_id|>", true, true, 128000, 128000, 128009);
    bn_vocab_free(v);
}

/* U+0085 is \s (White_Space), U+FEFF is not: the corpus's probes, pinned here by name. */
Test(tokenizer_llama3, regex_whitespace_set)
{
    bn_vocab *v = bn_tok_load_llama3();
    EXPECT_IDS(v, "x \xC2\x85!", false, false, 87, 220, 116360, 0);
    EXPECT_IDS(v, "x \xEF\xBB\xBF!", false, false, 87, 76880, 0);
    bn_vocab_free(v);
}

/* Token by token through the streaming decoder: every chunk is valid UTF-8 (a character
 * split across tokens is held back, never printed broken) and the chunks add up to the
 * text: byte-level BPE loses nothing. */
Test(tokenizer_llama3, streaming_decode_round_trip)
{
    bn_vocab *v = bn_tok_load_llama3();
    bn_tok_case *cases;
    size_t n = bn_tok_read_jsonl("tokenizer/llama3-public.jsonl", &cases), held_back = 0;
    for (size_t c = 0; c < n; c++) {
        char *text = malloc(cases[c].len + 16);
        size_t len = 0;
        bn_utf8_stream s = {0};
        for (size_t i = 0; i < cases[c].n; i++) {
            char piece[256], out[3 * 256 + 12];
            size_t plen = 0;
            cr_assert_eq(bn_token_bytes(v, cases[c].ids[i], false, piece, sizeof piece, &plen), BN_OK);
            size_t k = bn_utf8_stream_feed(&s, piece, plen, out, sizeof out);
            cr_assert_leq(len + k, cases[c].len, "case %zu: more bytes out than in", c);
            cr_expect_eq(bn_utf8_validate(out, k), BN_OK, "case %zu token %zu: %s", c, i, bn_last_error());
            memcpy(text + len, out, k);
            len += k;
            held_back += s.npending > 0;
        }
        len += bn_utf8_stream_flush(&s, text + len, 16);
        cr_expect(len == cases[c].len && !memcmp(text, cases[c].text, len), "case %zu does not round-trip",
                  c);
        free(text);
    }
    cr_expect_gt(held_back, 0, "some characters were split across tokens (emoji, CJK)");
    bn_tok_free_cases(cases, n);
    bn_vocab_free(v);
}
