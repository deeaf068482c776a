/*
 * tokenizer_llama2c.c - the llama2.c tokenizer.bin (TinyStories models) as a SentencePiece
 * vocabulary.
 *
 * Layout (little-endian): i32 max_token_length, then per token f32 score, i32 byte length,
 * the bytes; the token count is not stored, the file simply ends.  llama2.c's exporter wrote
 * SentencePiece's U+2581 as ' ' and BOS/EOS as "\n<s>\n" / "\n</s>\n".  The pieces keep their
 * ' ' (raw_spaces: the encoder then behaves exactly like llama2.c's, where a literal U+2581
 * is an ordinary character); BOS/EOS become the control tokens "<s>" and "</s>", "<unk>" the
 * unknown token and <0xNN> byte tokens.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/tokenizer_internal.h"

static int32_t read_i32(const unsigned char *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

static float read_f32(const unsigned char *p)
{
    uint32_t u = (uint32_t)read_i32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static bn_status read_file(const char *path, unsigned char **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return bn_fail(BN_E_IO, "%s: cannot open: %s", path, strerror(errno));
    bn_status st = BN_OK;
    long end = -1;
    if (fseek(f, 0, SEEK_END) != 0 || (end = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
        st = bn_fail(BN_E_IO, "%s: cannot determine the size: %s", path, strerror(errno));
    *data = st == BN_OK ? malloc((size_t)end + 1) : NULL;
    if (st == BN_OK && !*data) st = bn_fail(BN_E_NO_MEMORY, "%s: no memory for %ld bytes", path, end);
    if (st == BN_OK && fread(*data, 1, (size_t)end, f) != (size_t)end)
        st = bn_fail(BN_E_IO, "%s: short read", path);
    fclose(f);
    if (st != BN_OK) {
        free(*data);
        *data = NULL;
        return st;
    }
    *size = (size_t)end;
    return BN_OK;
}

static bool text_is(const bn_vocab_str *s, const char *c)
{
    return s->len == strlen(c) && !memcmp(s->ptr, c, s->len);
}

bn_status bn_vocab_from_llama2c(const char *path, bn_vocab **out)
{
    if (!path || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_vocab_from_llama2c: NULL argument");
    *out = NULL;
    unsigned char *data = NULL;
    size_t size = 0;
    bn_status st = read_file(path, &data, &size);
    if (st != BN_OK) return st;
    if (size < 4) {
        free(data);
        return bn_fail(BN_E_FORMAT, "%s: %zu bytes, too short for the max_token_length header", path, size);
    }
    int32_t max_len = read_i32(data);
    /* Pass 1 counts and checks the records, pass 2 converts them. */
    size_t count = 0;
    for (size_t at = 4; at < size && st == BN_OK; count++) {
        int32_t len = size - at >= 8 ? read_i32(data + at + 4) : -1;
        if (size - at < 8)
            st = bn_fail(BN_E_FORMAT,
                         "%s: token %zu at byte offset %zu: record header cut off by the end of the file",
                         path, count, at);
        else if (len < 0 || len > max_len)
            st = bn_fail(BN_E_FORMAT, "%s: token %zu at byte offset %zu has length %d (expected 0..%d)", path,
                         count, at, (int)len, (int)max_len);
        else if ((size_t)len > size - at - 8)
            st = bn_fail(BN_E_FORMAT, "%s: token %zu at byte offset %zu: %d bytes of text but only %zu left",
                         path, count, at, (int)len, size - at - 8);
        else
            at += 8 + (size_t)len;
    }
    if (st == BN_OK && count == 0) st = bn_fail(BN_E_FORMAT, "%s: no tokens", path);
    bn_vocab_str *tokens = NULL;
    float *scores = NULL;
    int32_t *types = NULL;
    if (st == BN_OK) {
        tokens = malloc(count * sizeof *tokens);
        scores = malloc(count * sizeof *scores);
        types = malloc(count * sizeof *types);
        if (!tokens || !scores || !types) st = bn_fail(BN_E_NO_MEMORY, "%s: no memory", path);
    }
    bn_vocab_desc d = {.source = path,
                       .model = "llama",
                       .n_tokens = count,
                       .tokens = tokens,
                       .scores = scores,
                       .types = types,
                       .bos = -1,
                       .eos = -1,
                       .unk = -1,
                       .pad = -1,
                       .add_bos = true,
                       .raw_spaces = true};
    size_t at = 4;
    for (size_t i = 0; i < count && st == BN_OK; i++) {
        scores[i] = read_f32(data + at);
        size_t len = (size_t)read_i32(data + at + 4);
        const unsigned char *s = data + at + 8;
        at += 8 + len;
        bn_vocab_str raw = {(const char *)s, len};
        types[i] = BN_TOKEN_NORMAL;
        if (text_is(&raw, "\n<s>\n") || text_is(&raw, "\n</s>\n")) {
            bool bos = raw.len == 5;
            raw.ptr = bos ? "<s>" : "</s>";
            raw.len -= 2;
            types[i] = BN_TOKEN_CONTROL;
            if (bos)
                d.bos = (int64_t)i;
            else
                d.eos = (int64_t)i;
        } else if (text_is(&raw, "<unk>")) {
            types[i] = BN_TOKEN_UNKNOWN;
            d.unk = (int64_t)i;
        } else if (len == 6 && !memcmp(s, "<0x", 3) && s[5] == '>') {
            types[i] = BN_TOKEN_BYTE;
        }
        tokens[i] = raw;
    }
    if (st == BN_OK) st = bn_vocab_create(&d, out);
    free(tokens);
    free(scores);
    free(types);
    free(data);
    return st;
}
