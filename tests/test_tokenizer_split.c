/*
 * test_tokenizer_split.c - the pre-tokenizer splits and the Unicode classes behind them.
 *
 * The "default" split (llama.cpp's regex list for a gpt2 vocabulary without a pre key, the
 * released 2B4T file's case) has no independent reference ids here.  The expected ids below
 * were derived by hand from the documented patterns (docs/tokenizers.md): the pieces are
 * written next to each case, and each piece's ids are its BPE merges by rank without
 * ignore_merges (computed from tokenizer.json's merges).  Every case is one where the Llama 3
 * split gives different ids, which the test checks too.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model/unicode.h"
#include "tests/tokenizer_util.h"

typedef struct split_case {
    const char *text;
    const char *pieces; /* the default split's pieces, for the reader */
    int32_t ids[8];
    size_t n;
} split_case;

static const split_case default_cases[] = {
    /* pass 1 takes the apostrophe, so pass 2's contractions never match */
    {"I'm here", "I | ' | m | ' here'", {40, 6, 76, 1618}, 4},
    {"DON'T", "DON | ' | T", {85741, 6, 51}, 3},
    /* punctuation runs stand alone; Llama 3 glues a leading mark to a word: ".bar" */
    {"foo.bar()", "foo | . | bar | ()", {8134, 13, 2308, 368}, 4},
    {"a+b", "a | + | b", {64, 10, 65}, 3},
    /* \s+(?!\S) leaves the last newline before a letter alone; Llama 3 keeps "\n\n" */
    {"a\n\nb", "a | \\n | \\n | b", {64, 198, 198, 65}, 4},
    /* Llama 3's punctuation alternative takes trailing newlines along: "!!\n" */
    {"hello!!\n", "hello | !! | \\n", {15339, 3001, 198}, 3},
    /* no ignore_merges in llama.cpp's default: the whole-word token 101673 is not reached */
    {"ektedir", "ektedir", {1247, 6702, 404}, 3},
};

static size_t tokenize(const bn_vocab *v, const char *text, int32_t *ids, size_t cap)
{
    size_t n = 0;
    cr_assert_eq(bn_tokenize(v, text, strlen(text), false, false, ids, cap, &n), BN_OK, "%s",
                 bn_last_error());
    return n;
}

Test(tokenizer_split, default_split_where_it_differs_from_llama3)
{
    bn_vocab *v = bn_tok_load_llama3();
    for (size_t c = 0; c < sizeof default_cases / sizeof default_cases[0]; c++) {
        const split_case *k = &default_cases[c];
        int32_t llama3[16], dflt[16];
        cr_assert_eq(bn_vocab_set_split(v, "llama-bpe"), BN_OK);
        size_t n3 = tokenize(v, k->text, llama3, 16);
        cr_assert_eq(bn_vocab_set_split(v, "default"), BN_OK);
        cr_assert_str_eq(bn_vocab_split_name(v), "default");
        size_t nd = tokenize(v, k->text, dflt, 16);
        cr_expect(nd == k->n && !memcmp(dflt, k->ids, nd * sizeof *dflt),
                  "\"%s\" (pieces %s): %zu ids, first %d", k->text, k->pieces, nd, dflt[0]);
        cr_expect(n3 != nd || memcmp(llama3, dflt, nd * sizeof *dflt),
                  "\"%s\": Llama 3 split gives the same ids", k->text);
    }
    cr_expect_eq(bn_vocab_set_split(v, "qwen2"), BN_E_UNSUPPORTED);
    cr_expect(strstr(bn_last_error(), "qwen2") != NULL, "%s", bn_last_error());
    bn_vocab_free(v);
}

/* The code points the test vectors single out (tokenizer/SOURCE.md). */
Test(tokenizer_split, unicode_classes)
{
    cr_expect_str_eq(bn_unicode_version, "15.0.0");
    cr_expect_eq(bn_unicode_class(0x0085), BN_UCLASS_SPACE, "NEL is White_Space");
    cr_expect_eq(bn_unicode_class(0x00A0), BN_UCLASS_SPACE);
    cr_expect_eq(bn_unicode_class(0x2028), BN_UCLASS_SPACE);
    cr_expect_eq(bn_unicode_class(0x2029), BN_UCLASS_SPACE);
    cr_expect_eq(bn_unicode_class(0x3000), BN_UCLASS_SPACE);
    cr_expect_eq(bn_unicode_class(0x000B), BN_UCLASS_SPACE);
    cr_expect_eq(bn_unicode_class(0xFEFF), BN_UCLASS_OTHER, "BOM is not White_Space");
    cr_expect_eq(bn_unicode_class(0x200B), BN_UCLASS_OTHER, "ZWSP is not White_Space");
    cr_expect_eq(bn_unicode_class(0x200D), BN_UCLASS_OTHER);
    cr_expect_eq(bn_unicode_class(0x180E), BN_UCLASS_OTHER,
                 "Mongolian vowel separator left White_Space in 6.3");
    cr_expect_eq(bn_unicode_class('a'), BN_UCLASS_LETTER);
    cr_expect_eq(bn_unicode_class(0x4F60), BN_UCLASS_LETTER, "CJK ideographs (a First/Last range)");
    cr_expect_eq(bn_unicode_class(0x20000), BN_UCLASS_LETTER, "CJK Ext-B");
    cr_expect_eq(bn_unicode_class(0xAC00), BN_UCLASS_LETTER, "Hangul syllables");
    cr_expect_eq(bn_unicode_class(0x0301), BN_UCLASS_OTHER, "combining marks are not \\p{L}");
    cr_expect_eq(bn_unicode_class(0x00B2), BN_UCLASS_NUMBER, "superscript two is No");
    cr_expect_eq(bn_unicode_class(0x2167), BN_UCLASS_NUMBER, "Roman numeral eight is Nl");
    cr_expect_eq(bn_unicode_class(0x0664), BN_UCLASS_NUMBER);
    cr_expect_eq(bn_unicode_class(0x00BF), BN_UCLASS_PUNCT);
    cr_expect_eq(bn_unicode_class('$'), BN_UCLASS_OTHER, "$ is a symbol (Sc), not \\p{P}");
    cr_expect_eq(bn_unicode_class(0x1F600), BN_UCLASS_OTHER);
    cr_expect_eq(bn_unicode_class(0x0378), BN_UCLASS_OTHER, "unassigned");
    cr_expect_eq(bn_unicode_class(0x110000), BN_UCLASS_OTHER);
    cr_expect_eq(bn_unicode_fold_ascii(0x017F), 's', "LONG S folds to s");
    cr_expect_eq(bn_unicode_fold_ascii('S'), 's');
    cr_expect_eq(bn_unicode_fold_ascii(0x212A), 'k', "KELVIN SIGN folds to k");
    cr_expect_eq(bn_unicode_fold_ascii(0x00DF), 0);
}

/* (?i:'s|...) also matches the letters that fold to s, t, ...: 'ſ is one piece. */
Test(tokenizer_split, contractions_fold_case)
{
    bn_vocab *v = bn_tok_load_llama3();
    int32_t a[16], b[16];
    size_t na = tokenize(v, "it'S", a, 16), nb = tokenize(v, "it'\xC5\xBF", b, 16);
    cr_expect(na == 2 && nb >= 2, "it'S -> it 'S; it'\xC5\xBF -> it '\xC5\xBF (%zu, %zu ids)", na, nb);
    cr_expect_eq(a[0], b[0], "same first piece \"it\"");
    na = tokenize(v, "x'RE", a, 16);
    cr_expect_eq(na, 2);
    cr_expect_eq(a[1], bn_vocab_find(v, "'RE"), "'RE is one piece and one token");
    bn_vocab_free(v);
}

/* Special tokens: at each position the longest one starting there wins (leftmost-longest),
 * the text between them is encoded on its own (with its own dummy prefix), and a
 * user-defined token decodes to its text while a control token decodes to nothing. */
Test(tokenizer_split, special_tokens_leftmost_longest)
{
    static const bn_vocab_str tokens[] = {{"<unk>", 5}, {"<s>", 3}, {"</s>", 4}, {"\xE2\x96\x81", 3},
                                          {"a", 1},     {"b", 1},   {"c", 1},    {"d", 1},
                                          {"ab", 2},    {"abc", 3}, {"bcd", 3}};
    static const int32_t types[] = {2, 3, 3, 1, 1, 1, 1, 1, 4, 4, 4};
    bn_vocab_desc d = {.source = "specials",
                       .model = "llama",
                       .n_tokens = 11,
                       .tokens = tokens,
                       .types = types,
                       .bos = 1,
                       .eos = 2,
                       .unk = 0,
                       .pad = -1,
                       .add_bos = true};
    bn_vocab *v = NULL;
    cr_assert_eq(bn_vocab_create(&d, &v), BN_OK, "%s", bn_last_error());
    int32_t ids[16];
    size_t n = 0;
    cr_assert_eq(bn_tokenize(v, "abcdab", 6, false, true, ids, 16, &n), BN_OK, "%s", bn_last_error());
    cr_expect(n == 4 && ids[0] == 9 && ids[1] == 3 && ids[2] == 7 && ids[3] == 8,
              "abc | \xE2\x96\x81 d | ab, not ab | bcd | ab (%zu ids)", n);
    char buf[8];
    size_t len = 0;
    cr_expect_eq(bn_token_bytes(v, 9, false, buf, sizeof buf, &len), BN_OK);
    cr_expect(len == 3 && !memcmp(buf, "abc", 3), "user-defined tokens decode to their text");
    cr_expect_eq(bn_token_bytes(v, 2, false, buf, sizeof buf, &len), BN_OK);
    cr_expect_eq(len, 0);
    bn_vocab_free(v);
}
