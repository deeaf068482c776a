/*
 * test_tokenizer_utf8.c - the streaming UTF-8 decoder and the text checks of bn_tokenize.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "model/tokenizer_internal.h"
#include "tests/tokenizer_util.h"

static size_t feed(bn_utf8_stream *s, const char *bytes, size_t len, char *out)
{
    return bn_utf8_stream_feed(s, bytes, len, out, 64);
}

#define FFFD "\xEF\xBF\xBD"

Test(tokenizer_utf8, characters_split_across_feeds_are_held_back)
{
    bn_utf8_stream s = {0};
    char out[64];
    cr_expect_eq(feed(&s, "a\xC3", 2, out), 1, "'a' out, the lead byte of e-acute held");
    cr_expect_eq(out[0], 'a');
    cr_expect_eq(feed(&s, "\xA9", 1, out), 2);
    cr_expect(!memcmp(out, "\xC3\xA9", 2));
    /* U+1F600 in three feeds */
    cr_expect_eq(feed(&s, "\xF0", 1, out), 0);
    cr_expect_eq(feed(&s, "\x9F", 1, out), 0);
    cr_expect_eq(feed(&s, "\x98\x80!", 3, out), 5);
    cr_expect(!memcmp(out, "\xF0\x9F\x98\x80!", 5));
    cr_expect_eq(bn_utf8_stream_flush(&s, out, 64), 0, "nothing pending");
}

Test(tokenizer_utf8, invalid_sequences_become_replacement_characters)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"\xFF", FFFD},
        {"\x80x", FFFD "x"},
        {"\xE2\x82"
         "A",
         FFFD "A"}, /* a truncated character: one U+FFFD for its valid prefix */
        {"\xC0\xAF", FFFD FFFD}, /* overlong '/' */
        {"\xED\xA0\x80", FFFD FFFD FFFD}, /* a surrogate */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD}, /* above U+10FFFF */
        {"\xE0\x9F\x80", FFFD FFFD FFFD}, /* overlong 3-byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bn_utf8_stream s = {0};
        char out[64];
        size_t n = feed(&s, cases[i].in, strlen(cases[i].in), out);
        n += bn_utf8_stream_flush(&s, out + n, 64 - n);
        cr_expect(n == strlen(cases[i].out) && !memcmp(out, cases[i].out, n), "case %zu: %zu bytes out", i,
                  n);
    }
    bn_utf8_stream s = {0};
    char out[64];
    cr_expect_eq(feed(&s, "\xE2\x82", 2, out), 0, "a valid beginning is held");
    cr_expect_eq(bn_utf8_stream_flush(&s, out, 64), 3, "and flushed as U+FFFD at the end");
    cr_expect(!memcmp(out, FFFD, 3));
}

Test(tokenizer_utf8, short_output_buffer_consumes_nothing)
{
    bn_utf8_stream s = {0};
    char out[8];
    cr_expect_eq(bn_utf8_stream_feed(&s, "\xFF\xFF\xFF", 3, out, 8), 9, "9 bytes needed, 8 available");
    cr_expect_eq(s.npending, 0);
    cr_expect_eq(bn_utf8_stream_feed(&s, "\xFF\xFF", 2, out, 8), 6, "the retry with what fits works");
}

Test(tokenizer_utf8, tokenize_rejects_invalid_text_and_reports_sizes)
{
    bn_vocab *v = bn_tok_load_tinystories();
    int32_t ids[4];
    size_t n = 99;
    cr_expect_eq(bn_tokenize(v, "abc\xC3(", 5, false, false, ids, 4, &n), BN_E_INVALID_ARGUMENT);
    cr_expect(strstr(bn_last_error(), "byte offset 3") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_tokenize(v, "a b c d e f", 11, true, false, ids, 4, &n), BN_E_RANGE);
    cr_expect_gt(n, 4, "the count needed is reported");
    int32_t big[32];
    size_t m = 0;
    cr_expect_eq(bn_tokenize(v, "a b c d e f", 11, true, false, big, 32, &m), BN_OK);
    cr_expect_eq(m, n);
    cr_expect(!memcmp(big, ids, 4 * sizeof *ids), "the first ids were written before running out");
    cr_expect_eq(bn_tokenize(NULL, "a", 1, false, false, ids, 4, &n), BN_E_INVALID_ARGUMENT);
    bn_vocab_free(v);
}
