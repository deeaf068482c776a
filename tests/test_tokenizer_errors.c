/*
 * test_tokenizer_errors.c - malformed vocabularies and files fail with a status and a
 * message that names what is wrong; nothing crashes and nothing is guessed.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/tokenizer_internal.h"
#include "tests/tokenizer_util.h"

#define S(text)               \
    {                         \
        text, sizeof text - 1 \
    }

static void expect_create_error(const bn_vocab_desc *d, bn_status status, const char *needle)
{
    bn_vocab *v = (bn_vocab *)d; /* must be reset to NULL on failure */
    bn_status st = bn_vocab_create(d, &v);
    cr_expect_eq(st, status, "status %d, expected %d (%s)", st, status, bn_last_error());
    cr_expect_null(v);
    cr_expect(strstr(bn_last_error(), needle) != NULL, "message \"%s\" lacks \"%s\"", bn_last_error(),
              needle);
}

static const bn_vocab_str spm_tokens[] = {S("<unk>"), S("<s>"), S("</s>"), S("\xE2\x96\x81"), S("a")};
static const int32_t spm_types[] = {2, 3, 3, 1, 1};

static bn_vocab_desc spm_desc(void)
{
    return (bn_vocab_desc){.source = "test.spm",
                           .model = "llama",
                           .n_tokens = 5,
                           .tokens = spm_tokens,
                           .types = spm_types,
                           .bos = 1,
                           .eos = 2,
                           .unk = 0,
                           .pad = -1,
                           .add_bos = true};
}

Test(tokenizer_errors, vocabulary_descriptions)
{
    bn_vocab_desc d = spm_desc();
    bn_vocab *v = NULL;
    cr_assert_eq(bn_vocab_create(&d, &v), BN_OK, "the base description is valid: %s", bn_last_error());
    int32_t ids[8];
    size_t n = 0;
    cr_expect_eq(bn_tokenize(v, "a\xC3\xA9", 3, false, false, ids, 8, &n), BN_OK);
    cr_expect(n == 4 && ids[0] == 3 && ids[1] == 4 && ids[2] == 0 && ids[3] == 0,
              "no byte tokens: an unknown character becomes <unk> per byte");
    bn_vocab_free(v);

    d = spm_desc();
    d.model = "bert";
    expect_create_error(&d, BN_E_UNSUPPORTED, "\"bert\"");
    d = spm_desc();
    d.bos = 5;
    expect_create_error(&d, BN_E_FORMAT, "BOS token id 5");
    static const int32_t bad_types[] = {2, 3, 3, 9, 1};
    d = spm_desc();
    d.types = bad_types;
    expect_create_error(&d, BN_E_FORMAT, "token 3 has type 9");
    static const bn_vocab_str dup[] = {S("<unk>"), S("<s>"), S("</s>"), S("a"), S("a")};
    d = spm_desc();
    d.tokens = dup;
    expect_create_error(&d, BN_E_FORMAT, "tokens 3 and 4 have the same text \"a\"");
    static const bn_vocab_str bad_byte[] = {S("<unk>"), S("<s>"), S("</s>"), S("<0xZZ>"), S("a")};
    static const int32_t byte_types[] = {2, 3, 3, 6, 1};
    d = spm_desc();
    d.tokens = bad_byte;
    d.types = byte_types;
    expect_create_error(&d, BN_E_FORMAT, "byte token 3 is \"<0xZZ>\"");
    static const bn_vocab_str bad_utf8[] = {S("<unk>"), S("<s>"), S("</s>"), S("\xC3"), S("a")};
    d = spm_desc();
    d.tokens = bad_utf8;
    expect_create_error(&d, BN_E_FORMAT, "token 3 is not valid UTF-8");
    static const float nan_scores[] = {0, 0, 0, __builtin_nanf(""), 0};
    d = spm_desc();
    d.scores = nan_scores;
    expect_create_error(&d, BN_E_FORMAT, "token 3 has score NaN");
}

/* A gpt2 vocabulary: the 256 byte tokens, "ab", and merges given by the test. */
static void expect_gpt2_error(const bn_vocab_str *merges, size_t n_merges, const char *pre, bn_status status,
                              const char *needle)
{
    char buf[257][4];
    bn_vocab_str tokens[257];
    for (int b = 0; b < 256; b++)
        tokens[b] = (bn_vocab_str){buf[b], bn_utf8_encode(bn_gpt2_byte_to_cp((uint8_t)b), buf[b])};
    tokens[256] = (bn_vocab_str){"ab", 2};
    bn_vocab_desc d = {.source = "test.gpt2",
                       .model = "gpt2",
                       .pre = pre,
                       .n_tokens = 257,
                       .tokens = tokens,
                       .n_merges = n_merges,
                       .merges = merges,
                       .bos = -1,
                       .eos = -1,
                       .unk = -1,
                       .pad = -1};
    if (status == BN_OK) {
        bn_vocab *v = NULL;
        cr_expect_eq(bn_vocab_create(&d, &v), BN_OK, "%s", bn_last_error());
        int32_t ids[4];
        size_t n = 0;
        cr_expect_eq(bn_tokenize(v, "ab", 2, false, false, ids, 4, &n), BN_OK);
        cr_expect(n == 1 && ids[0] == 256, "the merge a+b gives token 256");
        bn_vocab_free(v);
        return;
    }
    expect_create_error(&d, status, needle);
    d.n_tokens = 200; /* without the byte tokens 200..255 */
    d.n_merges = 0;
    if (!pre) expect_create_error(&d, BN_E_FORMAT, "lacks the token");
}

Test(tokenizer_errors, merges_and_byte_alphabet)
{
    static const bn_vocab_str good[] = {S("a b")};
    expect_gpt2_error(good, 1, NULL, BN_OK, "");
    static const bn_vocab_str no_space[] = {S("ab")};
    expect_gpt2_error(no_space, 1, NULL, BN_E_FORMAT, "merge 0 \"ab\" is not two tokens");
    static const bn_vocab_str two_spaces[] = {S("a b"), S("a  b")};
    expect_gpt2_error(two_spaces, 2, NULL, BN_E_FORMAT, "merge 1 \"a  b\"");
    static const bn_vocab_str unknown[] = {S("a c")};
    expect_gpt2_error(unknown, 1, NULL, BN_E_FORMAT, "\"ac\" is not a token");
    expect_gpt2_error(good, 1, "gpt-4o", BN_E_UNSUPPORTED, "pre-tokenizer \"gpt-4o\"");
}

static char *temp_copy(const char *path, size_t keep)
{
    FILE *in = fopen(path, "rb");
    cr_assert(in);
    char *buf = malloc(keep);
    cr_assert_eq(fread(buf, 1, keep, in), keep);
    fclose(in);
    char *name = strdup("/tmp/bn-tokenizer-XXXXXX");
    int fd = mkstemp(name);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, buf, keep), (ssize_t)keep);
    close(fd);
    free(buf);
    return name;
}

Test(tokenizer_errors, files)
{
    bn_vocab *v = NULL;
    cr_expect_eq(bn_vocab_from_llama2c("/nonexistent/tokenizer.bin", &v), BN_E_IO);
    cr_expect(strstr(bn_last_error(), "/nonexistent/tokenizer.bin") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_vocab_from_tokenizer_json("/nonexistent/tokenizer.json", &v), BN_E_IO);
    cr_expect(strstr(bn_last_error(), "/nonexistent/tokenizer.json") != NULL, "%s", bn_last_error());
    char *bin = bn_tok_data_path("tinystories-ternary/tokenizer.bin");
    char *cut = temp_copy(bin, 1000); /* ends inside a record */
    cr_expect_eq(bn_vocab_from_llama2c(cut, &v), BN_E_FORMAT);
    cr_expect(strstr(bn_last_error(), "byte offset") && strstr(bn_last_error(), cut), "%s", bn_last_error());
    cr_expect_null(v);
    unlink(cut);
    free(cut);
    free(bin);
    char *json = bn_tok_data_path("tokenizer/llama3-public.jsonl"); /* JSON lines, not one document */
    cr_expect_eq(bn_vocab_from_tokenizer_json(json, &v), BN_E_FORMAT);
    cr_expect(strstr(bn_last_error(), "line 2") != NULL, "%s", bn_last_error());
    free(json);
}
