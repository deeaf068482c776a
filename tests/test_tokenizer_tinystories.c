/*
 * test_tokenizer_tinystories.c - the TinyStories llama2.c vocabulary (tokenizer.bin):
 * decoding the reference program's golden ids, and encoding exactly like llama2.c, checked
 * against a direct transcription of llama2.c's algorithm (the folder's README) that works
 * on the file's raw strings with no heap, no U+2581 and no shared code.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tokenizer_util.h"

/* The first 99 ids the 3M model generates from BOS (tinystories-ternary/README.md). */
static const int32_t golden_3m[] = {
    403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337,
    410, 408, 419, 292, 411, 269, 344, 444, 427, 421, 414, 276, 265, 263, 304, 341, 261, 420, 277, 264,
    311, 426, 385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 286, 384, 393, 269,
    391, 266, 267, 337, 335, 312, 426, 13,  445, 323, 265, 416, 432, 358, 394, 261, 370, 268, 388, 426,
    338, 286, 262, 429, 295, 266, 269, 279, 292, 416, 439, 413, 409, 416, 327, 263, 415, 294, 267, 400};

Test(tokenizer_tinystories, golden_ids_decode_to_the_story)
{
    bn_vocab *v = bn_tok_load_tinystories();
    cr_expect_eq(bn_vocab_size(v), 512);
    cr_expect_eq(bn_vocab_bos(v), 1);
    cr_expect_eq(bn_vocab_eos(v), 2);
    char text[1024];
    size_t len = 0;
    bn_status st =
        bn_detokenize(v, golden_3m, sizeof golden_3m / sizeof golden_3m[0], false, text, sizeof text, &len);
    cr_assert_eq(st, BN_OK, "%s", bn_last_error());
    static const char want[] =
        "Once upon a time, there was a little girl named Lily. She loved to play outside and "
        "explore the world around her. One day, she saw a big,";
    cr_expect(len >= strlen(want) && !memcmp(text, want, strlen(want)), "decoded: \"%.*s\"", (int)len, text);
    bn_vocab_free(v);
}

/* ---- llama2.c's encoder, transcribed from the README's description */

typedef struct raw_vocab {
    char **str;
    int *len;
    float *score;
    int n;
} raw_vocab;

static raw_vocab read_raw(void)
{
    char *path = bn_tok_data_path("tinystories-ternary/tokenizer.bin");
    FILE *f = fopen(path, "rb");
    cr_assert(f);
    raw_vocab r = {calloc(512, sizeof(char *)), calloc(512, sizeof(int)), calloc(512, sizeof(float)), 0};
    int max_len;
    cr_assert_eq(fread(&max_len, 4, 1, f), 1);
    while (r.n < 512 && fread(&r.score[r.n], 4, 1, f) == 1) {
        cr_assert_eq(fread(&r.len[r.n], 4, 1, f), 1);
        r.str[r.n] = malloc((size_t)r.len[r.n] + 1);
        cr_assert_eq(fread(r.str[r.n], 1, (size_t)r.len[r.n], f), (size_t)r.len[r.n]);
        r.n++;
    }
    fclose(f);
    free(path);
    return r;
}

static int raw_lookup(const raw_vocab *r, const char *s, int len)
{
    for (int i = 0; i < r->n; i++)
        if (r->len[i] == len && !memcmp(r->str[i], s, (size_t)len)) return i;
    return -1;
}

static size_t llama2c_encode(const raw_vocab *r, const char *text, int32_t *out)
{
    size_t n = 0, tlen = strlen(text);
    if (tlen) out[n++] = raw_lookup(r, " ", 1); /* the dummy prefix */
    for (size_t i = 0; i < tlen;) {
        size_t k = 1;
        while (i + k < tlen && ((unsigned char)text[i + k] & 0xC0) == 0x80 && k < 4) k++;
        int id = raw_lookup(r, text + i, (int)k);
        if (id >= 0) {
            out[n++] = id;
        } else {
            for (size_t b = 0; b < k; b++) out[n++] = (unsigned char)text[i + b] + 3;
        }
        i += k;
    }
    for (;;) {
        float best = -1e10f;
        int best_id = -1;
        size_t best_at = 0;
        char buf[64];
        for (size_t i = 0; i + 1 < n; i++) {
            int a = r->len[out[i]], b = r->len[out[i + 1]];
            if (a + b > (int)sizeof buf) continue;
            memcpy(buf, r->str[out[i]], (size_t)a);
            memcpy(buf + a, r->str[out[i + 1]], (size_t)b);
            int id = raw_lookup(r, buf, a + b);
            if (id >= 0 && r->score[id] > best) {
                best = r->score[id];
                best_id = id;
                best_at = i;
            }
        }
        if (best_id < 0) break;
        out[best_at] = best_id;
        memmove(out + best_at + 1, out + best_at + 2, (n - best_at - 2) * sizeof *out);
        n--;
    }
    return n;
}

Test(tokenizer_tinystories, encodes_like_llama2c)
{
    bn_vocab *v = bn_tok_load_tinystories();
    raw_vocab r = read_raw();
    cr_assert_eq(r.n, 512);
    bn_tok_case *cases;
    size_t ncases = bn_tok_read_jsonl("tokenizer/llama3-public.jsonl", &cases), bad = 0;
    static const char *const stories[] = {
        "Once upon a time, there was a little girl named Lily. She loved to play outside.",
        "Tom and Sue went to the park. \"Look!\" said Tom. They saw a big red ball.",
        "",
        " ",
        "  two  spaces  ",
        "The end.\nThe beginning?",
        "caf\xC3\xA9 \xE2\x98\x83 \xF0\x9F\x98\x80"};
    size_t total = ncases + sizeof stories / sizeof stories[0];
    for (size_t t = 0; t < total; t++) {
        const char *text = t < ncases ? cases[t].text : stories[t - ncases];
        size_t len = strlen(text), n = 0;
        int32_t *want = malloc((4 * len + 2) * sizeof *want), *got = malloc((4 * len + 2) * sizeof *got);
        size_t nwant = llama2c_encode(&r, text, want);
        cr_assert_eq(bn_tokenize(v, text, len, false, false, got, 4 * len + 2, &n), BN_OK, "%s",
                     bn_last_error());
        if ((n != nwant || memcmp(got, want, n * sizeof *got)) && bad++ < 5)
            fprintf(stderr, "tinystories: \"%.60s\": %zu ids, llama2.c gives %zu\n", text, n, nwant);
        free(want);
        free(got);
    }
    cr_expect_eq(bad, 0, "%zu of %zu strings encode differently from llama2.c", bad, total);
    /* The story's opening, with BOS, is what the model generated from BOS. */
    int32_t ids[16];
    size_t n = 0;
    cr_assert_eq(bn_tokenize(v, "Once upon a time", 16, true, false, ids, 16, &n), BN_OK);
    cr_expect(n == 5 && ids[0] == 1 && ids[1] == 403 && ids[2] == 407 && ids[3] == 261 && ids[4] == 378);
    bn_tok_free_cases(cases, ncases);
    for (int i = 0; i < r.n; i++) free(r.str[i]);
    free(r.str);
    free(r.len);
    free(r.score);
    bn_vocab_free(v);
}
