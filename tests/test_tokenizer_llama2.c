/*
 * test_tokenizer_llama2.c - SentencePiece BPE with the Llama 2 vocabulary, read from
 * llama.cpp's vocab-only GGUF, against Google SentencePiece's ids.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tokenizer_util.h"

Test(tokenizer_llama2, vocabulary_from_gguf)
{
    bn_vocab *v = bn_tok_load_llama2();
    cr_expect_eq(bn_vocab_kind_of(v), BN_VOCAB_SPM);
    cr_expect_eq(bn_vocab_size(v), 32000);
    cr_expect_eq(bn_vocab_bos(v), 1);
    cr_expect_eq(bn_vocab_eos(v), 2);
    cr_expect(bn_vocab_add_bos(v));
    cr_expect_str_eq(bn_vocab_split_name(v), "spm");
    cr_expect_eq(bn_vocab_token_type(v, 0), BN_TOKEN_UNKNOWN);
    cr_expect_eq(bn_vocab_token_type(v, 1), BN_TOKEN_CONTROL);
    cr_expect_eq(bn_vocab_token_type(v, 3), BN_TOKEN_BYTE);
    cr_expect_eq(bn_vocab_find(v, "\xE2\x96\x81Hello"), 15043);
    cr_expect(bn_vocab_is_eog(v, 2) && !bn_vocab_is_eog(v, 1));
    cr_expect_eq(bn_vocab_set_split(v, "llama-bpe"), BN_E_UNSUPPORTED,
                 "SentencePiece has no split to choose");
    bn_vocab_free(v);
}

Test(tokenizer_llama2, public_corpus)
{
    bn_vocab *v = bn_tok_load_llama2();
    bn_tok_case *cases;
    size_t n = bn_tok_read_jsonl("tokenizer/llama2-public.jsonl", &cases);
    cr_assert_eq(n, 150, "expected 150 cases, read %zu", n);
    cr_expect_eq(bn_tok_check_cases(v, cases, n, false, false, "llama2-public"), 0);
    bn_tok_free_cases(cases, n);
    bn_vocab_free(v);
}

static size_t tokenize(const bn_vocab *v, const char *text, bool bos, bool special, int32_t *ids)
{
    size_t n = 0;
    bn_status st = bn_tokenize(v, text, strlen(text), bos, special, ids, 64, &n);
    cr_assert_eq(st, BN_OK, "\"%s\": %s", text, bn_last_error());
    return n;
}

/* Facts stated in tokenizer/SOURCE.md, and the segment rule around special tokens. */
Test(tokenizer_llama2, dummy_prefix_special_tokens_and_bos)
{
    bn_vocab *v = bn_tok_load_llama2();
    int32_t ids[64];
    cr_expect_eq(tokenize(v, "", false, false, ids), 0, "the empty string gives no tokens");
    cr_expect_eq(tokenize(v, "", true, false, ids), 1);
    cr_expect_eq(ids[0], 1);
    cr_expect_eq(tokenize(v, " ", false, false, ids), 1);
    cr_expect_eq(ids[0], 259, "\" \" is the dummy prefix plus a space: \xE2\x96\x81\xE2\x96\x81");
    cr_expect_eq(tokenize(v, "\xE2\x96\x81", false, false, ids), 1);
    cr_expect_eq(ids[0], 259, "a literal U+2581 is the same as a space");
    size_t n = tokenize(v, "<s>", false, false, ids);
    cr_expect(n == 3 && ids[0] == 529 && ids[1] == 29879 && ids[2] == 29958, "<s> as ordinary text");
    n = tokenize(v, "<s>", false, true, ids);
    cr_expect(n == 1 && ids[0] == 1, "<s> parsed as the control token");
    /* Every segment after a special token gets its own dummy prefix (llama.cpp's rule). */
    n = tokenize(v, "Hello</s>Hello", true, true, ids);
    cr_expect(n == 4 && ids[0] == 1 && ids[1] == 15043 && ids[2] == 2 && ids[3] == 15043);
    bn_vocab_free(v);
}

Test(tokenizer_llama2, token_bytes)
{
    bn_vocab *v = bn_tok_load_llama2();
    char buf[16];
    size_t len = 99;
    cr_assert_eq(bn_token_bytes(v, 15043, false, buf, sizeof buf, &len), BN_OK);
    cr_expect(len == 6 && !memcmp(buf, " Hello", 6), "U+2581 decodes to a space");
    cr_assert_eq(bn_token_bytes(v, 3 + 0x0A, false, buf, sizeof buf, &len), BN_OK);
    cr_expect(len == 1 && buf[0] == '\n', "<0x0A> decodes to the byte");
    cr_assert_eq(bn_token_bytes(v, 1, false, buf, sizeof buf, &len), BN_OK);
    cr_expect_eq(len, 0, "control tokens decode to nothing by default");
    cr_assert_eq(bn_token_bytes(v, 1, true, buf, sizeof buf, &len), BN_OK);
    cr_expect(len == 3 && !memcmp(buf, "<s>", 3));
    cr_expect_eq(bn_token_bytes(v, 15043, false, buf, 3, &len), BN_E_RANGE);
    cr_expect_eq(len, 6, "a short buffer reports the size needed");
    cr_expect_eq(bn_token_bytes(v, 32000, false, buf, sizeof buf, &len), BN_E_INVALID_ARGUMENT);
    cr_expect(strstr(bn_last_error(), "32000") != NULL, "%s", bn_last_error());
    bn_vocab_free(v);
}

/* Decoding what was encoded gives the text back (SentencePiece's identity normaliser keeps
 * everything; the dummy prefix is dropped), except where the text has a literal U+2581. */
Test(tokenizer_llama2, round_trip)
{
    bn_vocab *v = bn_tok_load_llama2();
    bn_tok_case *cases;
    size_t n = bn_tok_read_jsonl("tokenizer/llama2-public.jsonl", &cases), checked = 0;
    for (size_t i = 0; i < n; i++) {
        if (strstr(cases[i].text, "\xE2\x96\x81")) continue;
        size_t cap = cases[i].len + 16, len = 0;
        char *buf = malloc(cap);
        cr_assert_eq(bn_detokenize(v, cases[i].ids, cases[i].n, false, buf, cap, &len), BN_OK, "%s",
                     bn_last_error());
        cr_expect(len == cases[i].len && !memcmp(buf, cases[i].text, len),
                  "case %zu: \"%s\" decoded as \"%.*s\"", i, cases[i].text, (int)len, buf);
        free(buf);
        checked++;
    }
    cr_expect_gt(checked, 140);
    bn_tok_free_cases(cases, n);
    bn_vocab_free(v);
}
