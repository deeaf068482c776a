/*
 * tokenizer_utf8.c - strict UTF-8 decoding and the streaming decoder that never prints a
 * broken character.
 *
 * Strict means what RFC 3629 allows: no overlong forms, no surrogates (U+D800..DFFF), nothing
 * above U+10FFFF.  An invalid sequence becomes one U+FFFD per maximal valid prefix (the
 * Unicode "substitution of maximal subparts" practice), so "\xE2\x82" followed by "A" gives
 * U+FFFD then "A".
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

/* Bytes a lead byte announces (0: not a lead byte) and the range of its first continuation
 * byte, which is where overlongs, surrogates and > 10FFFF are excluded. */
static size_t lead_length(unsigned char b, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (b < 0x80) return 1;
    if (b < 0xC2) return 0;
    if (b < 0xE0) return 2;
    if (b < 0xF0) {
        if (b == 0xE0) *lo = 0xA0;
        if (b == 0xED) *hi = 0x9F;
        return 3;
    }
    if (b < 0xF5) {
        if (b == 0xF0) *lo = 0x90;
        if (b == 0xF4) *hi = 0x8F;
        return 4;
    }
    return 0;
}

/* How many bytes at s[0..len) form a valid prefix of one character (0 if s[0] cannot start
 * one); *need is the character's full length. */
static size_t valid_prefix(const unsigned char *s, size_t len, size_t *need)
{
    unsigned char lo, hi;
    *need = lead_length(s[0], &lo, &hi);
    if (*need == 0) return 0;
    size_t k = 1;
    for (; k < *need && k < len; k++) {
        unsigned char c = s[k];
        if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF)) break;
    }
    return k;
}

size_t bn_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    size_t need;
    size_t k = valid_prefix(s, len, &need);
    if (k == 0 || k < need) return 0;
    static const unsigned char lead_mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    uint32_t c = s[0] & lead_mask[need];
    for (size_t i = 1; i < need; i++) c = c << 6 | (s[i] & 0x3F);
    *cp = c;
    return need;
}

size_t bn_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bn_status bn_utf8_validate(const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < len;) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = bn_utf8_decode(s + i, len - i, &cp);
        if (k == 0)
            return bn_fail(BN_E_INVALID_ARGUMENT, "text is not valid UTF-8 at byte offset %zu (byte 0x%02X)",
                           i, s[i]);
        i += k;
    }
    return BN_OK;
}

/* ---- streaming */

static const char replacement[3] = {(char)0xEF, (char)0xBF, (char)0xBD}; /* U+FFFD */

/* Run the decoder over pending + bytes.  With out == NULL only count; otherwise write and
 * leave the unfinished tail (a valid beginning of at most 3 bytes) in s->pending. */
static size_t stream_run(bn_utf8_stream *s, const char *bytes, size_t len, char *out)
{
    size_t produced = 0, np = s->npending, total = np + len, i = 0;
#define BYTE_AT(j) ((j) < np ? s->pending[(j)] : (unsigned char)bytes[(j)-np])
    while (i < total) {
        unsigned char window[4];
        size_t avail = total - i < 4 ? total - i : 4;
        for (size_t j = 0; j < avail; j++) window[j] = BYTE_AT(i + j);
        size_t need;
        size_t k = valid_prefix(window, avail, &need);
        if (k > 0 && k == need) {
            if (out) memcpy(out + produced, window, k);
            produced += k;
            i += k;
        } else if (k == avail && k > 0) {
            break; /* a valid beginning cut off by the end of the input: hold it back */
        } else {
            if (out) memcpy(out + produced, replacement, sizeof replacement);
            produced += sizeof replacement;
            i += k ? k : 1;
        }
    }
    if (out) {
        unsigned char tail[4];
        size_t nt = total - i;
        for (size_t j = 0; j < nt; j++) tail[j] = BYTE_AT(i + j);
        memcpy(s->pending, tail, nt);
        s->npending = nt;
    }
#undef BYTE_AT
    return produced;
}

size_t bn_utf8_stream_feed(bn_utf8_stream *s, const char *bytes, size_t len, char *out, size_t cap)
{
    size_t need = stream_run(s, bytes, len, NULL);
    if (need > cap) return need; /* nothing written or consumed: retry with a larger buffer */
    return stream_run(s, bytes, len, out);
}

size_t bn_utf8_stream_flush(bn_utf8_stream *s, char *out, size_t cap)
{
    if (s->npending == 0) return 0;
    if (cap < sizeof replacement) return sizeof replacement;
    memcpy(out, replacement, sizeof replacement);
    s->npending = 0;
    return sizeof replacement;
}
