/*
 * test_tinystories.c - both TinyStories checkpoints convert, load in strict mode, and
 * every ternary weight read back through the loader and the unpack kernel equals the
 * checkpoint's code (decoded here independently of the converter, per the data README),
 * after undoing the documented RoPE row permutation of wq and wk.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/gen/gen.h"
#include "model/loader.h"
#include "tests/gguf_util.h"

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(*size);
    cr_assert_eq(fread(p, 1, *size, f), *size);
    fclose(f);
    return p;
}

static int32_t i32_at(const uint8_t *p, size_t at)
{
    int32_t v;
    memcpy(&v, p + at, 4);
    return v;
}

/* Original checkpoint value of element (i, j) of a packed [out][in] matrix at `at`. */
static int checkpoint_code(const uint8_t *ck, size_t at, size_t in, size_t i, size_t j)
{
    size_t e = i * in + j;
    unsigned code = (ck[at + 4 + e / 4] >> (6 - 2 * (e % 4))) & 3;
    cr_assert_neq(code, 2, "code 10 in the checkpoint");
    return code == 0 ? 0 : code == 1 ? 1 : -1;
}

/* The documented permutation: NeoX row r of a head holds interleaved row 2r (first half)
 * or 2(r - half) + 1 (second half). */
static size_t original_row(size_t r, size_t head_dim)
{
    size_t h = r / head_dim, i = r % head_dim;
    return h * head_dim + (i < head_dim / 2 ? 2 * i : 2 * (i - head_dim / 2) + 1);
}

static void check_model(const char *which)
{
    char ck_path[256], gguf[64];
    snprintf(ck_path, sizeof ck_path, "fixtures/tinystories/bitllama2-%s.bin", which);
    snprintf(gguf, sizeof gguf, "/tmp/bn-test-ts-%s-XXXXXX", which);
    int fd = mkstemp(gguf);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(bn_convert_tinystories(ck_path, "fixtures/tinystories/tokenizer.bin", gguf), BN_OK, "%s",
                 bn_last_error());
    size_t size;
    uint8_t *ck = slurp(ck_path, &size);
    size_t dim = (size_t)i32_at(ck, 8), hid = (size_t)i32_at(ck, 12), layers = (size_t)i32_at(ck, 16);
    size_t heads = (size_t)i32_at(ck, 20), kv_heads = (size_t)i32_at(ck, 24), vocab = (size_t)i32_at(ck, 28);
    size_t hd = dim / heads, kv = hd * kv_heads;

    bn_load_options o = bn_load_options_default();
    o.kernel_format = BN_FORMAT_TL2; /* converted through unpack + pack: the longest path */
    for (int pass = 0; pass < 2; pass++, o.kernel_format = BN_FORMAT_I2S) {
        bn_model *m;
        cr_assert_eq(bn_model_load(gguf, &o, &m), BN_OK, "strict load: %s", bn_last_error());
        cr_assert_eq(m->arch, BN_ARCH_BITNET);
        cr_assert_eq(m->hp.dim, dim);
        cr_assert_eq(m->hp.ffn_dim, hid);
        cr_assert_eq(m->hp.n_kv_heads, kv_heads);
        cr_assert_eq(m->hp.norm_eps, 0.0f);
        cr_assert_eq(m->token_embd_type, BN_GGML_F32);
        cr_assert(m->output_tied);
        cr_assert_null(m->warnings);
        /* the embedding and final norm are the checkpoint's f32 bytes */
        cr_assert_eq(memcmp(m->token_embd.data, ck + 256 + 4 * dim, 4 * dim * vocab), 0);
        cr_assert_eq(memcmp(m->output_norm, ck + 256, 4 * dim), 0);
        /* checkpoint order: all layers of wq, wk, wv, wo, w1 (gate), w2 (down), w3 (up) */
        const size_t rows[7] = {dim, kv, kv, dim, hid, dim, hid},
                     cols[7] = {dim, dim, dim, dim, dim, hid, dim};
        size_t at = 256 + 4 * dim + 4 * dim * vocab;
        for (int x = 0; x < 7; x++)
            for (size_t l = 0; l < layers; l++) {
                bn_layer_weights *L = &m->layers[l];
                bn_weights *w = x == 0   ? &L->wq
                                : x == 1 ? &L->wk
                                : x == 2 ? &L->wv
                                : x == 3 ? &L->wo
                                : x == 4 ? &L->wgate
                                : x == 5 ? &L->wdown
                                         : &L->wup;
                cr_assert_eq(w->rows, rows[x]);
                cr_assert_eq(w->cols, cols[x]);
                float ws;
                memcpy(&ws, ck + at, 4);
                cr_assert_eq(w->scale, ws, "matrix %d layer %zu: scale", x, l);
                const bn_kernel *unpack;
                cr_assert_eq(bn_kernel_select(w->format, BN_OP_UNPACK, &unpack), BN_OK);
                int8_t *t = malloc(w->rows * w->cols);
                cr_assert_eq(bn_weights_unpack(unpack, w, t, w->cols), BN_OK, "%s", bn_last_error());
                for (size_t r = 0; r < w->rows; r++) {
                    size_t src = x <= 1 ? original_row(r, hd) : r;
                    for (size_t c = 0; c < w->cols; c++)
                        cr_assert_eq(t[r * w->cols + c], checkpoint_code(ck, at, w->cols, src, c),
                                     "%s: matrix %d layer %zu (%s) row %zu col %zu", which, x, l,
                                     bn_format_name(w->format), r, c);
                }
                free(t);
                at += 4 + rows[x] * cols[x] / 4;
            }
        cr_assert_eq(at, size, "the checkpoint parse ends at the file size");
        for (size_t l = 0; l < layers; l++) {
            cr_assert_eq(m->layers[l].attn_norm[0], 1.0f / (float)dim);
            cr_assert_eq(m->layers[l].ffn_sub_norm[hid - 1], 1.0f / (float)hid);
        }
        bn_model_free(m);
    }
    /* the vocabulary: spaces back to U+2581, BOS/EOS as SentencePiece pieces */
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open(gguf, &g), BN_OK);
    bn_gguf_str *tokens = calloc(vocab, sizeof *tokens);
    cr_assert_eq(bn_gguf_array_strings(bn_gguf_find_kv(g, "tokenizer.ggml.tokens"), tokens), BN_OK);
    cr_assert(bn_gguf_str_eq(tokens[1], "<s>"));
    cr_assert(bn_gguf_str_eq(tokens[2], "</s>"));
    cr_assert(bn_gguf_str_eq(tokens[3 + 0x41], "<0x41>"));
    cr_assert(bn_gguf_str_eq(tokens[259], "\xe2\x96\x81t"), "token 259 is ' t' in tokenizer.bin");
    int64_t type;
    cr_assert_eq(bn_gguf_array_i64(bn_gguf_find_kv(g, "tokenizer.ggml.token_type"), 0, &type), BN_OK);
    cr_assert_eq(type, 2);
    cr_assert_eq(bn_gguf_array_i64(bn_gguf_find_kv(g, "tokenizer.ggml.token_type"), 258, &type), BN_OK);
    cr_assert_eq(type, 6);
    free(tokens);
    bn_gguf_close(g);
    free(ck);
    unlink(gguf);
}

Test(tinystories, checkpoint_1M_converts_loads_and_reads_back) { check_model("1M"); }
Test(tinystories, checkpoint_3M_converts_loads_and_reads_back) { check_model("3M"); }

Test(tinystories, rope_permutation_is_a_permutation_within_heads)
{
    for (size_t hd = 2; hd <= 32; hd += 2) {
        int seen[64] = {0};
        for (size_t r = 0; r < 2 * hd; r++) {
            size_t o = bn_tinystories_rope_row(r, hd);
            cr_assert_eq(o, original_row(r, hd));
            cr_assert_eq(o / hd, r / hd, "stays within its head");
            seen[o]++;
        }
        for (size_t r = 0; r < 2 * hd; r++) cr_assert_eq(seen[r], 1);
    }
}

Test(tinystories, broken_checkpoints_are_refused)
{
    size_t size;
    uint8_t *ck = slurp("fixtures/tinystories/bitllama2-1M.bin", &size);
    bn_tinystories h;
    cr_assert_eq(bn_tinystories_header(ck, size, "1M", &h), BN_OK);
    cr_assert_eq(bn_tinystories_header(ck, size - 1, "1M", &h), BN_E_FORMAT);
    cr_assert(strstr(bn_last_error(), "the header describes 558048 bytes, the file has 558047"), "%s",
              bn_last_error());
    ck[0] ^= 1;
    cr_assert_eq(bn_tinystories_header(ck, size, "1M", &h), BN_E_FORMAT);
    cr_assert(strstr(bn_last_error(), "bad magic"), "%s", bn_last_error());
    free(ck);
}
