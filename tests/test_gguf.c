/*
 * test_gguf.c - the GGUF reader and writer: round trips of every value type and tensor
 * type, alignment, v2, lookups and typed getters, and a real llama.cpp vocabulary file.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/gguf_util.h"

typedef struct pattern_ctx {
    uint8_t seed;
} pattern_ctx;

/* Byte i of a tensor filled by callback: a pattern that differs per offset and seed. */
static uint8_t pattern_byte(uint8_t seed, uint64_t i) { return (uint8_t)(seed + i * 7 + (i >> 8)); }

static bn_status fill_pattern(void *ctx, uint64_t offset, void *buf, size_t len)
{
    const pattern_ctx *p = ctx;
    for (size_t i = 0; i < len; i++) ((uint8_t *)buf)[i] = pattern_byte(p->seed, offset + i);
    return BN_OK;
}

static bn_gguf_writer *every_type_writer(uint32_t alignment, pattern_ctx *ctx)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    if (alignment != 32) bn_gguf_add_u32(w, "general.alignment", alignment);
    uint8_t u8 = 200;
    int8_t i8 = -100;
    uint16_t u16 = 60000;
    int16_t i16 = -30000;
    int32_t i32 = -2000000000;
    uint64_t u64 = 0xfedcba9876543210ull;
    int64_t i64 = -1234567890123ll;
    double f64 = 3.141592653589793;
    bn_gguf_add_scalar(w, "v.u8", BN_GGUF_UINT8, &u8);
    bn_gguf_add_scalar(w, "v.i8", BN_GGUF_INT8, &i8);
    bn_gguf_add_scalar(w, "v.u16", BN_GGUF_UINT16, &u16);
    bn_gguf_add_scalar(w, "v.i16", BN_GGUF_INT16, &i16);
    bn_gguf_add_u32(w, "v.u32", 4000000000u);
    bn_gguf_add_i32(w, "v.i32", i32);
    bn_gguf_add_f32(w, "v.f32", 1e-5f);
    bn_gguf_add_bool(w, "v.bool", true);
    bn_gguf_add_str(w, "v.str", "bitnet-b1.58", 12);
    bn_gguf_add_scalar(w, "v.u64", BN_GGUF_UINT64, &u64);
    bn_gguf_add_scalar(w, "v.i64", BN_GGUF_INT64, &i64);
    bn_gguf_add_scalar(w, "v.f64", BN_GGUF_FLOAT64, &f64);
    float scores[3] = {0.0f, -1.5f, 2.25f};
    int32_t types[3] = {1, 3, 6};
    bn_gguf_add_array(w, "v.scores", BN_GGUF_FLOAT32, 3, scores);
    bn_gguf_add_array(w, "v.types", BN_GGUF_INT32, 3, types);
    const char *strs[3] = {"a b", "", "\xe2\x96\x81hello"};
    bn_gguf_add_str_array(w, "v.strs", 3, strs, NULL);
    /* [[1, 2], []] as uint16 arrays inside an array of arrays, in its exact bytes */
    uint8_t nested[12 + 12 + 4 + 12];
    uint8_t *p = nested;
    bn_test_put_u32(p, BN_GGUF_ARRAY), bn_test_put_u64(p + 4, 2), p += 12;
    bn_test_put_u32(p, BN_GGUF_UINT16), bn_test_put_u64(p + 4, 2), p += 12;
    uint16_t two[2] = {1, 2};
    memcpy(p, two, 4), p += 4;
    bn_test_put_u32(p, BN_GGUF_UINT16), bn_test_put_u64(p + 4, 0);
    bn_gguf_add_raw(w, "v.nested", BN_GGUF_ARRAY, nested, sizeof nested);

    static float f32[5] = {1, 2, 3, 4, 5};
    uint64_t ne_f32[1] = {5}, ne_f16[3] = {3, 2, 2}, ne_i2s[2] = {256, 3}, ne_tq[2] = {256, 2};
    uint64_t b_f16, b_i2s, b_tq2, b_tq1;
    cr_assert_eq(bn_gguf_tensor_nbytes(BN_GGML_F16, (uint64_t[4]){3, 2, 2, 1}, &b_f16), BN_OK);
    cr_assert_eq(bn_gguf_tensor_nbytes(BN_GGML_I2_S, (uint64_t[4]){256, 3, 1, 1}, &b_i2s), BN_OK);
    cr_assert_eq(bn_gguf_tensor_nbytes(BN_GGML_TQ2_0, (uint64_t[4]){256, 2, 1, 1}, &b_tq2), BN_OK);
    cr_assert_eq(bn_gguf_tensor_nbytes(BN_GGML_TQ1_0, (uint64_t[4]){256, 2, 1, 1}, &b_tq1), BN_OK);
    cr_assert_eq(b_f16, 24);
    cr_assert_eq(b_i2s, 3 * 64 + 32);
    cr_assert_eq(b_tq2, 2 * 66);
    cr_assert_eq(b_tq1, 2 * 54);
    bn_gguf_add_tensor_data(w, "w.f32", 1, ne_f32, BN_GGML_F32, f32, sizeof f32);
    bn_gguf_add_tensor(w, "w.f16", 3, ne_f16, BN_GGML_F16, b_f16, fill_pattern, &ctx[0]);
    bn_gguf_add_tensor(w, "w.i2s", 2, ne_i2s, BN_GGML_I2_S, b_i2s, fill_pattern, &ctx[1]);
    bn_gguf_add_tensor(w, "w.tq2", 2, ne_tq, BN_GGML_TQ2_0, b_tq2, fill_pattern, &ctx[2]);
    bn_gguf_add_tensor(w, "w.tq1", 2, ne_tq, BN_GGML_TQ1_0, b_tq1, fill_pattern, &ctx[3]);
    return w;
}

static void check_every_type(bn_gguf *g, uint32_t alignment, const pattern_ctx *ctx)
{
    cr_assert_eq(bn_gguf_alignment(g), alignment);
    cr_assert_eq(bn_gguf_kv_count(g), 16u + (alignment != 32));
    uint32_t u32;
    int64_t i64;
    uint64_t u64;
    float f;
    bool b;
    bn_gguf_str s;
    cr_assert_eq(bn_gguf_get_u32(g, "v.u32", &u32), BN_OK);
    cr_assert_eq(u32, 4000000000u);
    cr_assert_eq(bn_gguf_get_u32(g, "v.u8", &u32), BN_OK);
    cr_assert_eq(u32, 200);
    cr_assert_eq(bn_gguf_get_i64(g, "v.i8", &i64), BN_OK);
    cr_assert_eq(i64, -100);
    cr_assert_eq(bn_gguf_get_u32(g, "v.u16", &u32), BN_OK);
    cr_assert_eq(u32, 60000);
    cr_assert_eq(bn_gguf_get_i64(g, "v.i16", &i64), BN_OK);
    cr_assert_eq(i64, -30000);
    cr_assert_eq(bn_gguf_get_i64(g, "v.i32", &i64), BN_OK);
    cr_assert_eq(i64, -2000000000);
    cr_assert_eq(bn_gguf_get_u32(g, "v.i32", &u32), BN_E_FORMAT, "a negative value must not fit uint32");
    cr_assert_eq(bn_gguf_get_u64(g, "v.u64", &u64), BN_OK);
    cr_assert_eq(u64, 0xfedcba9876543210ull);
    cr_assert_eq(bn_gguf_get_u32(g, "v.u64", &u32), BN_E_FORMAT);
    cr_assert_eq(bn_gguf_get_i64(g, "v.i64", &i64), BN_OK);
    cr_assert_eq(i64, -1234567890123ll);
    cr_assert_eq(bn_gguf_get_f32(g, "v.f32", &f), BN_OK);
    cr_assert_eq(f, 1e-5f);
    cr_assert_eq(bn_gguf_get_f32(g, "v.f64", &f), BN_OK);
    cr_assert_eq(f, (float)3.141592653589793);
    cr_assert_eq(bn_gguf_get_f32(g, "v.u32", &f), BN_E_FORMAT);
    cr_assert(strstr(bn_last_error(), "expected float32, found uint32"), "%s", bn_last_error());
    cr_assert_eq(bn_gguf_get_bool(g, "v.bool", &b), BN_OK);
    cr_assert(b);
    cr_assert_eq(bn_gguf_get_str(g, "v.str", &s), BN_OK);
    cr_assert(bn_gguf_str_eq(s, "bitnet-b1.58"));
    cr_assert_eq(bn_gguf_get_str(g, "v.missing", &s), BN_E_NOT_FOUND);
    cr_assert_eq(bn_gguf_get_str(g, "v.strs", &s), BN_E_FORMAT);
    cr_assert(strstr(bn_last_error(), "found array of string"), "%s", bn_last_error());

    const bn_gguf_kv *kv = bn_gguf_find_kv(g, "v.scores");
    cr_assert_not_null(kv);
    cr_assert_eq(kv->type, BN_GGUF_ARRAY);
    cr_assert_eq(kv->array_type, BN_GGUF_FLOAT32);
    cr_assert_eq(kv->count, 3);
    double d;
    cr_assert_eq(bn_gguf_array_f64(kv, 2, &d), BN_OK);
    cr_assert_eq(d, 2.25);
    cr_assert_eq(bn_gguf_array_f64(kv, 3, &d), BN_E_RANGE);
    kv = bn_gguf_find_kv(g, "v.types");
    cr_assert_eq(bn_gguf_array_i64(kv, 2, &i64), BN_OK);
    cr_assert_eq(i64, 6);
    kv = bn_gguf_find_kv(g, "v.strs");
    bn_gguf_str strs[3];
    cr_assert_eq(bn_gguf_array_strings(kv, strs), BN_OK);
    cr_assert(bn_gguf_str_eq(strs[0], "a b"));
    cr_assert(bn_gguf_str_eq(strs[1], ""));
    cr_assert(bn_gguf_str_eq(strs[2], "\xe2\x96\x81hello"));
    cr_assert_eq(bn_gguf_array_i64(kv, 0, &i64), BN_E_FORMAT, "strings are not integers");
    kv = bn_gguf_find_kv(g, "v.nested");
    cr_assert_eq(kv->array_type, BN_GGUF_ARRAY);
    cr_assert_eq(kv->count, 2);
    /* keys come back in file order */
    cr_assert(bn_gguf_str_eq(bn_gguf_kv_at(g, alignment != 32 ? 1 : 0)->key, "v.u8"));

    cr_assert_eq(bn_gguf_tensor_count(g), 5);
    static const char *names[5] = {"w.f32", "w.f16", "w.i2s", "w.tq2", "w.tq1"};
    static const uint32_t types[5] = {BN_GGML_F32, BN_GGML_F16, BN_GGML_I2_S, BN_GGML_TQ2_0, BN_GGML_TQ1_0};
    uint64_t prev_end = 0;
    for (size_t i = 0; i < 5; i++) {
        const bn_gguf_tensor *t = bn_gguf_tensor_at(g, i);
        cr_assert(bn_gguf_str_eq(t->name, names[i]), "tensor %zu", i);
        cr_assert_eq(bn_gguf_find_tensor(g, names[i]), t);
        cr_assert_eq(t->type, types[i]);
        cr_assert_eq(t->file_offset % alignment, 0, "tensor %zu not aligned", i);
        cr_assert_eq(t->file_offset, bn_gguf_data_offset(g) + t->offset);
        cr_assert_geq(t->offset, prev_end, "tensors must follow in record order");
        uint64_t needed = bn_gguf_tensor_needed(g, t);
        cr_assert_geq(t->bytes, needed);
        cr_assert_lt(t->bytes - needed, alignment, "extent is the tensor plus padding");
        prev_end = t->offset + needed;
        const uint8_t *data = t->data;
        if (i == 0) {
            cr_assert_eq(memcmp(data, (float[5]){1, 2, 3, 4, 5}, 20), 0);
            continue;
        }
        for (uint64_t j = 0; j < needed; j++)
            cr_assert_eq(data[j], pattern_byte(ctx[i - 1].seed, j), "tensor %zu byte %llu", i,
                         (unsigned long long)j);
    }
    const bn_gguf_tensor *t = bn_gguf_find_tensor(g, "w.f16");
    cr_assert_eq(t->n_dims, 3);
    cr_assert_eq(t->ne[0], 3);
    cr_assert_eq(t->ne[2], 2);
    cr_assert_eq(t->ne[3], 1);
    cr_assert_null(bn_gguf_find_tensor(g, "w.nope"));
    cr_assert_eq(bn_gguf_file_size(g) % alignment, 0, "the last tensor is padded too");
}

Test(gguf, round_trip_every_type_in_memory)
{
    static const uint32_t alignments[3] = {32, 64, 1};
    for (int a = 0; a < 3; a++) {
        pattern_ctx ctx[4] = {{11}, {22}, {33}, {44}};
        bn_test_file f = bn_test_finish(every_type_writer(alignments[a], ctx));
        bn_gguf *g;
        cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "mem", &g), BN_OK, "%s", bn_last_error());
        cr_assert_eq(bn_gguf_version(g), 3);
        check_every_type(g, alignments[a], ctx);
        bn_gguf_close(g);
        free(f.data);
    }
}

/* Write w (freed) to a new file named from the mkstemp template `path`. */
static void write_temp_file(bn_gguf_writer *w, char *path)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(bn_gguf_writer_write_file(w, path), BN_OK, "%s", bn_last_error());
    bn_gguf_writer_free(w);
}

Test(gguf, round_trip_through_a_file_and_mmap)
{
    pattern_ctx ctx[4] = {{1}, {2}, {3}, {4}};
    bn_gguf_writer *w = every_type_writer(32, ctx);
    char path[] = "/tmp/bn-test-gguf-XXXXXX";
    write_temp_file(w, path);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open(path, &g), BN_OK, "%s", bn_last_error());
    cr_assert_str_eq(bn_gguf_path(g), path);
    check_every_type(g, 32, ctx);
    cr_assert_eq(bn_gguf_prefault(g, 0, bn_gguf_file_size(g)), BN_OK);
    bn_gguf_close(g);
    unlink(path);
}

/* A file of more than 2 MiB is mapped at a 2 MiB boundary (so its page cache's 2 MiB folios
 * can be mapped whole); the huge-mapped byte count never exceeds the file, and is 0 for a
 * memory handle, and comes in whole 2 MiB pages.  Whether the kernel maps huge pages is its
 * choice: not asserted. */
Test(gguf, large_file_mapped_at_a_2_mib_boundary)
{
    static float zeros[(3 << 20) / sizeof(float)];
    const uint64_t ne[1] = {sizeof zeros / sizeof *zeros};
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    cr_assert_eq(bn_gguf_add_tensor_data(w, "big", 1, ne, BN_GGML_F32, zeros, sizeof zeros), BN_OK);
    char path[] = "/tmp/bn-test-gguf-XXXXXX";
    write_temp_file(w, path);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open(path, &g), BN_OK, "%s", bn_last_error());
    cr_assert_eq((uintptr_t)bn_gguf_base(g) % (2u << 20), 0, "base %p", bn_gguf_base(g));
    cr_assert_leq(bn_gguf_huge_mapped_bytes(g), bn_gguf_file_size(g));
    cr_assert_eq(bn_gguf_prefault(g, 0, bn_gguf_file_size(g)), BN_OK);
    cr_assert_leq(bn_gguf_huge_mapped_bytes(g), bn_gguf_file_size(g));
    cr_assert_eq(bn_gguf_huge_mapped_bytes(g) % (2u << 20), 0, "counted in whole 2 MiB pages");
    bn_gguf_close(g);
    unlink(path);

    bn_test_file f = {0};
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    bn_gguf_add_u32(w, "a.b", 5);
    f = bn_test_finish(w);
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "mem", &g), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_gguf_huge_mapped_bytes(g), 0);
    bn_gguf_close(g);
    free(f.data);
}

Test(gguf, version_2_is_read)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    cr_assert_eq(bn_gguf_writer_set_version(w, 2), BN_OK);
    bn_gguf_add_u32(w, "a.b", 5);
    bn_test_file f = bn_test_finish(w);
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "v2", &g), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_gguf_version(g), 2);
    uint32_t v;
    cr_assert_eq(bn_gguf_get_u32(g, "a.b", &v), BN_OK);
    cr_assert_eq(v, 5);
    cr_assert_eq(bn_gguf_tensor_count(g), 0);
    bn_gguf_close(g);
    free(f.data);
}

Test(gguf, writer_refuses_duplicates_and_bad_alignment)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    cr_assert_eq(bn_gguf_add_u32(w, "a", 1), BN_OK);
    cr_assert_eq(bn_gguf_add_u32(w, "a", 2), BN_E_INVALID_ARGUMENT);
    void *data;
    size_t size;
    cr_assert_eq(bn_gguf_writer_write_memory(w, &data, &size), BN_E_INVALID_ARGUMENT, "first error sticks");
    bn_gguf_writer_free(w);
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    cr_assert_eq(bn_gguf_add_u32(w, "general.alignment", 48), BN_E_INVALID_ARGUMENT);
    bn_gguf_writer_free(w);
}

Test(gguf, real_llama2_vocab_file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/llama2-tokenizer/ggml-vocab-llama-spm.gguf", bn_test_shared_data());
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open(path, &g), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_gguf_version(g), 3);
    cr_assert_eq(bn_gguf_kv_count(g), 22);
    cr_assert_eq(bn_gguf_tensor_count(g), 0);
    bn_gguf_str s;
    cr_assert_eq(bn_gguf_get_str(g, "tokenizer.ggml.model", &s), BN_OK);
    cr_assert(bn_gguf_str_eq(s, "llama"));
    const bn_gguf_kv *tokens = bn_gguf_find_kv(g, "tokenizer.ggml.tokens");
    cr_assert_eq(tokens->count, 32000);
    bn_gguf_str *all = malloc(32000 * sizeof *all);
    cr_assert_eq(bn_gguf_array_strings(tokens, all), BN_OK);
    cr_assert(bn_gguf_str_eq(all[0], "<unk>"));
    cr_assert(bn_gguf_str_eq(all[3], "<0x00>"));
    cr_assert(bn_gguf_str_eq(all[29871], "\xe2\x96\x81"), "U+2581 is id 29871 (SOURCE.md)");
    free(all);
    double score;
    cr_assert_eq(bn_gguf_array_f64(bn_gguf_find_kv(g, "tokenizer.ggml.scores"), 29871, &score), BN_OK);
    cr_assert_eq(score, -1e9);
    int64_t type;
    cr_assert_eq(bn_gguf_array_i64(bn_gguf_find_kv(g, "tokenizer.ggml.token_type"), 3, &type), BN_OK);
    cr_assert_eq(type, 6);
    uint32_t bos;
    cr_assert_eq(bn_gguf_get_u32(g, "tokenizer.ggml.bos_token_id", &bos), BN_OK);
    cr_assert_eq(bos, 1);
    bn_gguf_close(g);
}

Test(gguf, open_reports_io_errors)
{
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open("/nonexistent/model.gguf", &g), BN_E_IO);
    cr_assert(strstr(bn_last_error(), "/nonexistent/model.gguf"), "%s", bn_last_error());
    cr_assert_eq(bn_gguf_open("/tmp", &g), BN_E_IO);
    cr_assert(strstr(bn_last_error(), "not a regular file"), "%s", bn_last_error());
}
