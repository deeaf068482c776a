/*
 * test_loader_malformed.c - one test per class of model-level error: each gives its own
 * status and message, strict and permissive modes differ exactly where FORMATS.md says.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/gen/gen.h"
#include "model/loader.h"
#include "tests/gguf_util.h"

typedef struct warnings {
    char text[4096];
    int count;
} warnings;

static void collect(void *ctx, const char *msg)
{
    warnings *w = ctx;
    w->count++;
    strncat(w->text, msg, sizeof w->text - strlen(w->text) - 2);
    strcat(w->text, "\n");
}

static bn_status load(bn_test_file f, bn_load_mode mode, int format, warnings *w, bn_model **m)
{
    bn_gguf *g;
    bn_status st = bn_gguf_open_memory(f.data, f.size, "model.gguf", &g);
    if (st != BN_OK) return st;
    bn_load_options o = bn_load_options_default();
    o.mode = mode;
    o.kernel_format = format;
    o.warn = collect;
    o.warn_ctx = w;
    return bn_model_load_gguf(g, &o, m);
}

static void expect_error(bn_test_file f, bn_load_mode mode, bn_status status, const char *needle)
{
    warnings w = {"", 0};
    bn_model *m = (bn_model *)1;
    bn_status st = load(f, mode, BN_FORMAT_I2S, &w, &m);
    cr_assert_eq(st, status, "expected %s, got %d: %s", bn_status_str(status), (int)st, bn_last_error());
    cr_assert_null(m);
    cr_assert(strstr(bn_last_error(), needle), "message '%s' lacks '%s'", bn_last_error(), needle);
}

static void expect_warning(bn_test_file f, const char *needle)
{
    warnings w = {"", 0};
    bn_model *m = NULL;
    bn_status st = load(f, BN_LOAD_PERMISSIVE, BN_FORMAT_I2S, &w, &m);
    cr_assert_eq(st, BN_OK, "permissive load failed: %s", bn_last_error());
    cr_assert(strstr(w.text, needle), "warnings '%s' lack '%s'", w.text, needle);
    cr_assert(m->warnings && strstr(m->warnings, needle), "model->warnings lacks '%s'", needle);
    bn_model_free(m);
}

static bn_test_file tiny(bn_arch arch)
{
    bn_synth_spec s = bn_synth_default(arch);
    return bn_test_synth(&s);
}

Test(loader_malformed, missing_tensor)
{
    bn_test_file f = tiny(BN_ARCH_BITNET_B158);
    bn_test_edit e = {"blk.1.ffn_up.weight", 0, NULL, true};
    bn_test_file bad = bn_test_rewrite(f, &e, 1, 0);
    expect_error(bad, BN_LOAD_STRICT, BN_E_FORMAT,
                 "missing tensor 'blk.1.ffn_up.weight' (expected I2_S, TQ2_0 or TQ1_0 {256, 384})");
    expect_error(bad, BN_LOAD_PERMISSIVE, BN_E_FORMAT, "missing tensor 'blk.1.ffn_up.weight'");
    free(bad.data);
    free(f.data);
}

Test(loader_malformed, wrong_shape)
{
    bn_test_file f = tiny(BN_ARCH_BITNET_B158);
    /* attn_k {256, 128} becomes {128, 256}: same bytes, wrong shape */
    uint8_t *rec = bn_test_tensor_record(f, "blk.0.attn_k.weight");
    bn_test_put_u64(rec + 4, 128);
    bn_test_put_u64(rec + 12, 256);
    expect_error(f, BN_LOAD_STRICT, BN_E_FORMAT,
                 "tensor 'blk.0.attn_k.weight' has wrong shape {128, 256, 1, 1}, expected {256, 128}");
    free(f.data);
}

Test(loader_malformed, wrong_type)
{
    bn_test_file f = tiny(BN_ARCH_BITNET_B158);
    /* output_norm {256} F32 (1024 bytes) relabelled F16 (512 bytes): fits, wrong type */
    bn_test_put_u32(bn_test_tensor_record(f, "output_norm.weight") + 4 + 8, 1);
    expect_error(f, BN_LOAD_STRICT, BN_E_FORMAT,
                 "tensor 'output_norm.weight' has type F16 (1), expected F32");
    free(f.data);
}

Test(loader_malformed, wrong_arch)
{
    bn_test_file f = tiny(BN_ARCH_BITNET);
    /* the value of general.architecture: after the key, its type and the string length */
    memcpy(bn_test_find(f, "general.architecture") + 20 + 4 + 8, "llama!", 6);
    expect_error(f, BN_LOAD_STRICT, BN_E_UNSUPPORTED,
                 "wrong architecture: general.architecture = 'llama!' (expected 'bitnet-b1.58' or 'bitnet')");
    free(f.data);
}

Test(loader_malformed, missing_hyperparameter)
{
    bn_test_file f = tiny(BN_ARCH_BITNET_B158);
    memcpy(bn_test_find(f, "bitnet-b1.58.block_count"), "bitnet-b1.58.block_cout", 23);
    expect_error(f, BN_LOAD_STRICT, BN_E_FORMAT, "required key 'bitnet-b1.58.block_count' is missing");
    free(f.data);
}

Test(loader_malformed, inconsistent_heads)
{
    /* 4 heads do not split over 3 kv heads; keys only, tensor shapes could not agree */
    bn_gen *gen;
    cr_assert_eq(bn_gen_create(&gen), BN_OK);
    bn_gguf_writer *w = bn_gen_writer(gen);
    bn_gguf_add_str(w, "general.architecture", "bitnet", 6);
    bn_gguf_add_u32(w, "bitnet.context_length", 64);
    bn_gguf_add_u32(w, "bitnet.embedding_length", 256);
    bn_gguf_add_u32(w, "bitnet.block_count", 1);
    bn_gguf_add_u32(w, "bitnet.feed_forward_length", 256);
    bn_gguf_add_u32(w, "bitnet.attention.head_count", 4);
    bn_gguf_add_u32(w, "bitnet.attention.head_count_kv", 3);
    bn_gguf_add_f32(w, "bitnet.attention.layer_norm_rms_epsilon", 1e-5f);
    void *data;
    size_t size;
    cr_assert_eq(bn_gguf_writer_write_memory(w, &data, &size), BN_OK);
    bn_test_file f = {data, size};
    expect_error(f, BN_LOAD_STRICT, BN_E_FORMAT, "head_count 4 is not a multiple of head_count_kv 3");
    free(data);
    bn_gen_free(gen);
}

Test(loader_malformed, leftover_tensor_strict_error_permissive_warning)
{
    bn_gen *gen;
    cr_assert_eq(bn_gen_create(&gen), BN_OK);
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    cr_assert_eq(bn_synth_build(&s, gen), BN_OK);
    cr_assert_eq(bn_gen_f32_const(gen, "rope_freqs.weight", 32, 1.0f), BN_OK);
    void *data;
    size_t size;
    cr_assert_eq(bn_gguf_writer_write_memory(bn_gen_writer(gen), &data, &size), BN_OK);
    bn_gen_free(gen);
    bn_test_file extra = {data, size};
    expect_error(extra, BN_LOAD_STRICT, BN_E_FORMAT,
                 "1 unexpected tensor(s) for architecture bitnet-b1.58, first 'rope_freqs.weight'");
    expect_warning(extra, "unexpected tensor 'rope_freqs.weight' ignored");
    free(extra.data);
}

Test(loader_malformed, code3_strict_error_permissive_warning)
{
    bn_test_file f = tiny(BN_ARCH_BITNET_B158);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "x", &g), BN_OK);
    uint64_t at = bn_gguf_find_tensor(g, "blk.1.attn_v.weight")->file_offset + 64 * 5 + 7;
    bn_gguf_close(g);
    f.data[at] = 0xc1; /* codes 3, 0, 0, 1 */
    expect_error(f, BN_LOAD_STRICT, BN_E_CORRUPT,
                 "tensor 'blk.1.attn_v.weight': code 3 (not a ternary value) in row 5 at byte 327");
    expect_warning(f, "tensor 'blk.1.attn_v.weight': code 3 (corrupt weight) in row 5");
    /* converting it to another layout is refused in every mode */
    warnings w = {"", 0};
    bn_model *m;
    cr_assert_eq(load(f, BN_LOAD_PERMISSIVE, BN_FORMAT_TL1, &w, &m), BN_E_CORRUPT);
    cr_assert(
        strstr(bn_last_error(), "code 3 (not a ternary value) at row 5, column 7 cannot be converted to tl1"),
        "%s", bn_last_error());
    free(f.data);
}

static bn_test_file bigger(int64_t extra)
{
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    s.ffn_dim = 1024; /* ffn_gate: 1024 * 64 + 32 = 65568 bytes, tolerance 65 */
    bn_test_file f = bn_test_synth(&s);
    bn_test_edit e = {"blk.0.ffn_gate.weight", extra, NULL, false};
    bn_test_file out = bn_test_rewrite(f, &e, 1, 0);
    free(f.data);
    return out;
}

Test(loader_malformed, size_deviation_strict_error_permissive_warning)
{
    bn_test_file f = bigger(64);
    expect_error(
        f, BN_LOAD_STRICT, BN_E_FORMAT,
        "tensor 'blk.0.ffn_gate.weight' (I2_S {256, 1024}): stored size 65632 bytes matches neither the I2_S "
        "layout (65568 bytes) exactly (strict mode)");
    expect_warning(
        f, "tensor 'blk.0.ffn_gate.weight': stored size 65632 bytes deviates from the i2s layout size 65568 "
           "bytes by 64 bytes");
    free(f.data);
    f = bigger(96); /* beyond max(8, 0.1%) */
    expect_error(f, BN_LOAD_PERMISSIVE, BN_E_FORMAT, "within max(8 bytes, 0.1%) (permissive mode)");
    free(f.data);
}

Test(loader_malformed, qk256_layout_recognised_by_size)
{
    /* ffn_down has K = 384: a QK256-layout tensor (2 blocks per row, 128 bytes) stored
     * under the I2_S type id is recognised by its size and loaded as QK256 */
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    bn_test_file f = bn_test_synth(&s);
    bn_test_edit e = {"blk.1.ffn_down.weight", 256 * 32, NULL, false};
    bn_test_file q = bn_test_rewrite(f, &e, 1, 0);
    bn_model *m;
    warnings w = {"", 0};
    /* the copied bytes are I2_S rows read as QK256 rows: the tail scale sits elsewhere, so
     * write a valid scale where the QK256 tail is */
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(q.data, q.size, "q", &g), BN_OK);
    uint64_t start = bn_gguf_find_tensor(g, "blk.1.ffn_down.weight")->file_offset, tail = start + 256 * 128;
    bn_gguf_close(g);
    memset(q.data + start + 256 * 96, 0x55, 32); /* the old I2_S tail is QK256 data now: zeros */
    float ws = 0.25f;
    memcpy(q.data + tail, &ws, 4);
    cr_assert_eq(load(q, BN_LOAD_STRICT, BN_FORMAT_QK256, &w, &m), BN_OK, "%s", bn_last_error());
    cr_assert_eq(m->layers[1].wdown.scale, 0.25f);
    cr_assert_eq(m->layers[1].wdown.format, BN_FORMAT_QK256);
    bn_model_free(m);
    free(q.data);
    free(f.data);
}

Test(loader_malformed, two_layouts_fit_is_an_error_not_a_guess)
{
    /* dim 128 (K % 256 == 128) with alignment 4096: attn_k {128, 32} is 1056 bytes as I2_S
     * and 2080 as QK256; padded to 4096 both fit exactly */
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    s.dim = 128;
    s.n_heads = 4;
    s.n_kv_heads = 1;
    s.ffn_dim = 256;
    bn_test_file f = bn_test_synth(&s);
    bn_test_file big = bn_test_rewrite(f, NULL, 0, 4096);
    expect_error(big, BN_LOAD_STRICT, BN_E_FORMAT,
                 "tensor 'blk.0.attn_k.weight': stored size 4096 bytes fits both the I2_S layout (1056 "
                 "bytes) and the QK256 "
                 "layout (2080 bytes) within alignment padding; refusing to guess");
    free(big.data);
    free(f.data);
}

Test(loader_malformed, bad_scale_in_tail)
{
    bn_test_file f = tiny(BN_ARCH_BITNET_B158);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "x", &g), BN_OK);
    const bn_gguf_tensor *t = bn_gguf_find_tensor(g, "blk.0.attn_q.weight");
    uint64_t tail = t->file_offset + 256 * 64;
    bn_gguf_close(g);
    float nan = __builtin_nanf("");
    memcpy(f.data + tail, &nan, 4);
    expect_error(f, BN_LOAD_PERMISSIVE, BN_E_FORMAT,
                 "tensor 'blk.0.attn_q.weight': weight scale nan in the tail");
    free(f.data);
}

Test(loader_malformed, tq_block_scales_disagree)
{
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET);
    s.ffn_dim = 512;
    s.ternary_type = BN_GGML_TQ2_0;
    bn_test_file f = bn_test_synth(&s);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "x", &g), BN_OK);
    uint64_t at = bn_gguf_find_tensor(g, "blk.0.attn_v.weight")->file_offset;
    bn_gguf_close(g);
    uint16_t d;
    memcpy(&d, f.data + at + 3 * 66 + 64, 2);
    d = (uint16_t)(d + 4); /* four fp16 steps: not rounding any more */
    memcpy(f.data + at + 3 * 66 + 64, &d, 2);
    expect_error(f, BN_LOAD_PERMISSIVE, BN_E_FORMAT,
                 "tensor 'blk.0.attn_v.weight' (TQ2_0): block 3 has scale");
    expect_error(f, BN_LOAD_STRICT, BN_E_FORMAT,
                 "only tensors with one scale (within fp16 rounding) convert to I2_S");
    /* one fp16 step apart is rounding: accepted */
    d = (uint16_t)(d - 3);
    memcpy(f.data + at + 3 * 66 + 64, &d, 2);
    warnings w = {"", 0};
    bn_model *m;
    cr_assert_eq(load(f, BN_LOAD_STRICT, BN_FORMAT_I2S, &w, &m), BN_OK, "%s", bn_last_error());
    bn_model_free(m);
    free(f.data);
}

Test(loader_malformed, vocab_size_disagrees_with_embedding)
{
    bn_test_file f = tiny(BN_ARCH_BITNET);
    uint8_t *v = bn_test_find(f, "bitnet.vocab_size") + strlen("bitnet.vocab_size") + 4;
    bn_test_put_u32(v, 301);
    expect_error(f, BN_LOAD_STRICT, BN_E_FORMAT,
                 "bitnet.vocab_size = 301 but token_embd.weight has 300 rows");
    free(f.data);
}
