/*
 * test_loader.c - the model loader on synthetic models: both architectures, every kernel
 * format (weights read back through the unpack kernels equal the generated values), zero
 * copy where the bytes allow, TQ2_0/TQ1_0 conversion, scales, tied and explicit heads.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "fixtures/gen/gen.h"
#include "model/loader.h"
#include "tests/gguf_util.h"

static void quiet(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

static bn_load_options opts(bn_load_mode mode, int format)
{
    bn_load_options o = bn_load_options_default();
    o.mode = mode;
    o.kernel_format = format;
    o.warn = quiet;
    return o;
}

static bn_model *load_ok(bn_test_file f, bn_load_mode mode, int format)
{
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "model.gguf", &g), BN_OK, "%s", bn_last_error());
    bn_load_options o = opts(mode, format);
    bn_model *m;
    bn_status st = bn_model_load_gguf(g, &o, &m);
    cr_assert_eq(st, BN_OK, "load failed: %s", bn_last_error());
    return m;
}

/* Every ternary matrix of the model, in the generator's seed order. */
static bn_weights *ternary_at(bn_model *m, uint32_t l, int i)
{
    bn_layer_weights *L = &m->layers[l];
    bn_weights *all[7] = {&L->wq, &L->wk, &L->wv, &L->wo, &L->wgate, &L->wup, &L->wdown};
    return all[i];
}

/* Unpack every ternary tensor through the kernels and compare with the generator. */
static void check_weights(bn_model *m, const bn_synth_spec *s, float scale_tolerance)
{
    uint64_t seed = s->seed;
    for (uint32_t l = 0; l < m->hp.n_layers; l++)
        for (int i = 0; i < 7; i++, seed++) {
            bn_weights *w = ternary_at(m, l, i);
            cr_assert_eq(w->format, m->format);
            const bn_kernel *unpack;
            cr_assert_eq(bn_kernel_select(w->format, BN_OP_UNPACK, &unpack), BN_OK);
            int8_t *t = malloc(w->rows * w->cols);
            cr_assert_eq(bn_weights_unpack(unpack, w, t, w->cols), BN_OK, "%s", bn_last_error());
            for (size_t r = 0; r < w->rows; r++)
                for (size_t c = 0; c < w->cols; c++)
                    cr_assert_eq(t[r * w->cols + c], bn_gen_ternary_at(seed, w->cols, r, c),
                                 "layer %u tensor %d (%s) row %zu col %zu", l, i, bn_format_name(w->format),
                                 r, c);
            free(t);
            float want = 0.02f + 0.03f * (float)((seed * 2654435761u) % 1000) / 1000.0f;
            cr_assert(fabsf(w->scale - want) <= scale_tolerance * want, "scale %g, want %g", (double)w->scale,
                      (double)want);
        }
}

static bool inside(const bn_model *m, const void *p)
{
    const uint8_t *base = bn_gguf_base(m->file);
    return (const uint8_t *)p >= base && (const uint8_t *)p < base + bn_gguf_file_size(m->file);
}

Test(loader, both_architectures_every_format)
{
    static const int formats[5] = {BN_FORMAT_I2S, BN_FORMAT_QK256, BN_FORMAT_TL1, BN_FORMAT_TL2, -1};
    for (int a = 0; a < 2; a++) {
        bn_synth_spec s = bn_synth_default(a ? BN_ARCH_BITNET : BN_ARCH_BITNET_B158);
        bn_test_file f = bn_test_synth(&s);
        for (int i = 0; i < 5; i++) {
            bn_model *m = load_ok(f, BN_LOAD_STRICT, formats[i]);
            cr_assert_eq(m->arch, s.arch);
            cr_assert_eq(m->hp.dim, 256);
            cr_assert_eq(m->hp.n_layers, 2);
            cr_assert_eq(m->hp.ffn_dim, 384);
            cr_assert_eq(m->hp.n_heads, 4);
            cr_assert_eq(m->hp.n_kv_heads, 2);
            cr_assert_eq(m->hp.head_dim, 64);
            cr_assert_eq(m->hp.rope_dim, 64);
            cr_assert_eq(m->hp.vocab_size, 300);
            cr_assert_eq(m->hp.norm_eps, 1e-5f);
            cr_assert_eq(m->hp.rope_base, 10000.0f);
            cr_assert_eq(m->format, formats[i] < 0 ? bn_dispatch_preferred_format() : (bn_format)formats[i]);
            cr_assert(m->output_tied);
            cr_assert_eq(m->output.data, m->token_embd.data);
            cr_assert_eq(m->token_embd_type, BN_GGML_F16);
            cr_assert_eq(m->output_norm[0], 1.0f);
            cr_assert_eq(m->layers[1].ffn_sub_norm[383], 1.0f);
            cr_assert_null(m->warnings);
            check_weights(m, &s, 0.0f);
            /* zero copy: I2_S as I2_S everywhere; as QK256 when K % 256 == 0 only */
            if (m->format == BN_FORMAT_I2S) {
                cr_assert(inside(m, m->layers[0].wdown.data));
                cr_assert_eq(m->owned_bytes, 0);
            }
            if (m->format == BN_FORMAT_QK256) {
                cr_assert(inside(m, m->layers[0].wq.data), "K = 256: the I2_S bytes are QK256 bytes");
                cr_assert(!inside(m, m->layers[0].wdown.data), "K = 384 needs padding: converted");
            }
            if (m->format == BN_FORMAT_TL1 || m->format == BN_FORMAT_TL2) {
                cr_assert(!inside(m, m->layers[0].wq.data));
                cr_assert_eq(m->layers[0].wq.layout_rows, bn_dispatch_layout_rows(m->format));
            }
            bn_model_free(m);
        }
        free(f.data);
    }
}

Test(loader, tq2_0_and_tq1_0_convert_to_every_format)
{
    static const uint32_t types[2] = {BN_GGML_TQ2_0, BN_GGML_TQ1_0};
    for (int ty = 0; ty < 2; ty++) {
        bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET);
        s.ffn_dim = 512; /* TQ blocks need K % 256 == 0 */
        s.ternary_type = types[ty];
        bn_test_file f = bn_test_synth(&s);
        for (int fmt = BN_FORMAT_I2S; fmt <= BN_FORMAT_TL2; fmt++) {
            bn_model *m = load_ok(f, BN_LOAD_STRICT, fmt);
            check_weights(m, &s, 1.0f / 1024); /* the block scales are fp16 */
            bn_model_free(m);
        }
        free(f.data);
    }
}

Test(loader, bitnet_scales_explicit_output_and_f32_embedding)
{
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET);
    s.with_scales = true;
    s.explicit_output = true;
    s.embd_type = BN_GGML_F32;
    bn_test_file f = bn_test_synth(&s);
    bn_model *m = load_ok(f, BN_LOAD_STRICT, BN_FORMAT_I2S);
    cr_assert_not(m->output_tied);
    cr_assert_neq(m->output.data, m->token_embd.data);
    cr_assert_eq(m->output_type, BN_GGML_F32);
    cr_assert_eq(m->token_embd_type, BN_GGML_F32);
    cr_assert_eq(m->layers[1].sq, 1.0f);
    cr_assert_eq(m->layers[1].sk, 1.125f);
    cr_assert_eq(m->layers[1].sdown, 1.75f);
    bn_model_free(m);
    free(f.data);
    /* the 2B4T architecture has no *.scale tensors: they are leftovers there */
    s.arch = BN_ARCH_BITNET_B158;
    f = bn_test_synth(&s);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "m.gguf", &g), BN_OK);
    bn_load_options o = opts(BN_LOAD_STRICT, -1);
    cr_assert_eq(bn_model_load_gguf(g, &o, &m), BN_E_FORMAT);
    cr_assert(strstr(bn_last_error(),
                     "unexpected tensor(s) for architecture bitnet-b1.58, first 'blk.0.attn_q.scale'"),
              "%s", bn_last_error());
    free(f.data);
}

Test(loader, loads_from_a_file)
{
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    char path[] = "/tmp/bn-test-model-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(bn_synth_write_file(&s, path), BN_OK, "%s", bn_last_error());
    bn_model *m;
    bn_load_options o = opts(BN_LOAD_STRICT, BN_FORMAT_I2S);
    cr_assert_eq(bn_model_load(path, &o, &m), BN_OK, "%s", bn_last_error());
    check_weights(m, &s, 0.0f);
    bn_model_free(m);
    cr_assert_eq(bn_model_load(path, NULL, &m), BN_OK, "default options: %s", bn_last_error());
    bn_model_free(m);
    unlink(path);
}

Test(loader, preferred_format_follows_the_gemv_tiers)
{
    /* With every ISA capped to scalar, all GEMVs are scalar: I2S is preferred. */
    cr_assert_eq(bn_dispatch_configure("scalar", NULL), BN_OK);
    cr_assert_eq(bn_dispatch_preferred_format(), BN_FORMAT_I2S);
    cr_assert_eq(bn_dispatch_configure(NULL, NULL), BN_OK);
    const bn_kernel *i2s, *k;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMV, &i2s), BN_OK);
    bn_format pref = bn_dispatch_preferred_format();
    cr_assert_eq(bn_kernel_select(pref, BN_OP_GEMV, &k), BN_OK);
    cr_assert_geq(bn_kernel_isa(k), bn_kernel_isa(i2s),
                  "the preferred format's GEMV is never of a lower tier");
    if (pref != BN_FORMAT_I2S) cr_assert_gt(bn_kernel_isa(k), bn_kernel_isa(i2s));
}
