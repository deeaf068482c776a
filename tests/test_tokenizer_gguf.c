/*
 * test_tokenizer_gguf.c - vocabularies through GGUF: the Llama 3 vocabulary written as a
 * vocab-only GGUF (bn_vocab_to_gguf) and read back passes the same vectors; key errors.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "model/gguf.h"
#include "model/tokenizer_internal.h"
#include "tests/tokenizer_util.h"

/* Write v as a vocab-only GGUF in memory and read it back. */
static bn_vocab *through_gguf(const bn_vocab *v, void **mem, bn_gguf **g)
{
    bn_gguf_writer *w = NULL;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    cr_assert_eq(bn_vocab_to_gguf(v, w), BN_OK, "%s", bn_last_error());
    size_t size = 0;
    cr_assert_eq(bn_gguf_writer_write_memory(w, mem, &size), BN_OK, "%s", bn_last_error());
    bn_gguf_writer_free(w);
    cr_assert_eq(bn_gguf_open_memory(*mem, size, "vocab-only.gguf", g), BN_OK, "%s", bn_last_error());
    bn_vocab *back = NULL;
    cr_assert_eq(bn_vocab_from_gguf(*g, &back), BN_OK, "%s", bn_last_error());
    return back;
}

Test(tokenizer_gguf, llama3_vocab_only_gguf_passes_the_vectors)
{
    bn_vocab *json = bn_tok_load_llama3();
    void *mem = NULL;
    bn_gguf *g = NULL;
    bn_vocab *v = through_gguf(json, &mem, &g);
    bn_gguf_close(g);
    free(mem); /* the vocabulary owns copies */
    cr_expect_eq(bn_vocab_size(v), 128256);
    cr_expect_eq(bn_vocab_merge_count(v), 280147);
    cr_expect_str_eq(bn_vocab_split_name(v), "llama-bpe");
    cr_expect_eq(bn_vocab_bos(v), 128000);
    cr_expect_eq(bn_vocab_token_type(v, 128009), BN_TOKEN_CONTROL);
    bn_tok_case *cases;
    size_t n = bn_tok_read_jsonl("tokenizer/llama3-public.jsonl", &cases);
    cr_expect_eq(bn_tok_check_cases(v, cases, n, false, false, "llama3-public via GGUF"), 0);
    bn_tok_free_cases(cases, n);
    n = bn_tok_read_inp_out("tokenizer/ggml-vocab-llama-bpe.gguf.inp",
                            "tokenizer/ggml-vocab-llama-bpe.gguf.out", &cases);
    cr_expect_eq(bn_tok_check_cases(v, cases, n, false, false, "llama-bpe.gguf via GGUF"), 0);
    bn_tok_free_cases(cases, n);
    bn_vocab_free(v);
    bn_vocab_free(json);
}

/* TinyStories in GGUF form is SentencePiece with U+2581 and encodes the same. */
Test(tokenizer_gguf, tinystories_round_trip)
{
    bn_vocab *bin = bn_tok_load_tinystories();
    void *mem = NULL;
    bn_gguf *g = NULL;
    bn_vocab *v = through_gguf(bin, &mem, &g);
    size_t len = 0;
    const char *t = bn_vocab_token_text(v, 403, &len);
    cr_expect(len == 7 && !memcmp(t, "\xE2\x96\x81Once", 7), "token 403 is U+2581 Once in GGUF form");
    static const char text[] = "Once upon a time, there was a little girl named Lily.  She said: \"Hi!\"";
    int32_t a[64], b[64];
    size_t na = 0, nb = 0;
    cr_assert_eq(bn_tokenize(bin, text, strlen(text), true, false, a, 64, &na), BN_OK);
    cr_assert_eq(bn_tokenize(v, text, strlen(text), true, false, b, 64, &nb), BN_OK);
    cr_expect(na == nb && !memcmp(a, b, na * sizeof *a));
    bn_vocab_free(v);
    bn_gguf_close(g);
    free(mem);
    bn_vocab_free(bin);
}

/* A gpt2 vocabulary of the 256 byte tokens, written key by key. */
static void *byte_vocab_gguf(bool with_pre, bool bad_types, size_t *size)
{
    bn_gguf_writer *w = NULL;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    char buf[256][4];
    const char *strs[256];
    size_t lens[256];
    int32_t types[255];
    for (int b = 0; b < 256; b++) {
        lens[b] = bn_utf8_encode(bn_gpt2_byte_to_cp((uint8_t)b), buf[b]);
        strs[b] = buf[b];
        if (b < 255) types[b] = BN_TOKEN_NORMAL;
    }
    bn_gguf_add_str(w, "tokenizer.ggml.model", "gpt2", 4);
    if (with_pre) bn_gguf_add_str(w, "tokenizer.ggml.pre", "llama-bpe", 9);
    bn_gguf_add_str_array(w, "tokenizer.ggml.tokens", 256, strs, lens);
    if (bad_types) bn_gguf_add_array(w, "tokenizer.ggml.token_type", BN_GGUF_INT32, 255, types);
    void *mem = NULL;
    cr_assert_eq(bn_gguf_writer_write_memory(w, &mem, size), BN_OK, "%s", bn_last_error());
    bn_gguf_writer_free(w);
    return mem;
}

Test(tokenizer_gguf, no_pre_key_means_the_default_split)
{
    size_t size;
    void *mem = byte_vocab_gguf(false, false, &size);
    bn_gguf *g = NULL;
    cr_assert_eq(bn_gguf_open_memory(mem, size, "bytes.gguf", &g), BN_OK);
    bn_vocab *v = NULL;
    cr_assert_eq(bn_vocab_from_gguf(g, &v), BN_OK, "%s", bn_last_error());
    cr_expect_str_eq(bn_vocab_split_name(v), "default");
    cr_expect_eq(bn_vocab_bos(v), -1, "no bos_token_id key: no BOS");
    int32_t ids[8];
    size_t n = 0;
    cr_expect_eq(bn_tokenize(v, "hi", 2, false, false, ids, 8, &n), BN_OK);
    cr_expect(n == 2 && ids[0] == bn_vocab_find(v, "h") && ids[1] == bn_vocab_find(v, "i"));
    cr_expect_eq(bn_tokenize(v, "hi", 2, true, false, ids, 8, &n), BN_E_NOT_FOUND,
                 "BOS asked for, none there");
    bn_vocab_free(v);
    bn_gguf_close(g);
    free(mem);
    mem = byte_vocab_gguf(true, false, &size);
    cr_assert_eq(bn_gguf_open_memory(mem, size, "bytes.gguf", &g), BN_OK);
    cr_assert_eq(bn_vocab_from_gguf(g, &v), BN_OK, "%s", bn_last_error());
    cr_expect_str_eq(bn_vocab_split_name(v), "llama-bpe");
    bn_vocab_free(v);
    bn_gguf_close(g);
    free(mem);
}

Test(tokenizer_gguf, key_errors_name_the_key)
{
    size_t size;
    void *mem = byte_vocab_gguf(true, true, &size);
    bn_gguf *g = NULL;
    cr_assert_eq(bn_gguf_open_memory(mem, size, "bad.gguf", &g), BN_OK);
    bn_vocab *v = NULL;
    cr_expect_eq(bn_vocab_from_gguf(g, &v), BN_E_FORMAT);
    cr_expect(strstr(bn_last_error(), "tokenizer.ggml.token_type") && strstr(bn_last_error(), "256"), "%s",
              bn_last_error());
    cr_expect_null(v);
    bn_gguf_close(g);
    free(mem);

    bn_gguf_writer *w = NULL;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    bn_gguf_add_str(w, "tokenizer.ggml.model", "llama", 5);
    cr_assert_eq(bn_gguf_writer_write_memory(w, &mem, &size), BN_OK);
    bn_gguf_writer_free(w);
    cr_assert_eq(bn_gguf_open_memory(mem, size, "empty.gguf", &g), BN_OK);
    cr_expect_eq(bn_vocab_from_gguf(g, &v), BN_E_FORMAT);
    cr_expect(strstr(bn_last_error(), "tokenizer.ggml.tokens is missing") != NULL, "%s", bn_last_error());
    bn_gguf_close(g);
    free(mem);
}
