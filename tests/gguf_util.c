/*
 * gguf_util.c - see gguf_util.h.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures/gen/gen.h"
#include "tests/gguf_util.h"

bn_test_file bn_test_finish(bn_gguf_writer *w)
{
    bn_test_file f = {0};
    void *data = NULL;
    bn_status st = bn_gguf_writer_write_memory(w, &data, &f.size);
    cr_assert_eq(st, BN_OK, "writer failed: %s", bn_last_error());
    f.data = data;
    bn_gguf_writer_free(w);
    return f;
}

bn_test_file bn_test_small_file(void)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    bn_gguf_add_u32(w, "test.u32", 7);
    bn_gguf_add_str(w, "test.str", "hello", 5);
    uint8_t one = 1;
    bn_gguf_add_scalar(w, "test.dup_a", BN_GGUF_UINT8, &one);
    bn_gguf_add_scalar(w, "test.dup_b", BN_GGUF_UINT8, &one);
    static float f32[16];
    static uint16_t f16[16];
    static uint8_t i2s[2 * 32 + 32];
    for (int i = 0; i < 16; i++) f32[i] = (float)i;
    for (int i = 0; i < 16; i++) f16[i] = (uint16_t)(0x3c00 + i);
    memset(i2s, 0x55, sizeof i2s);
    float ws = 0.5f;
    memcpy(i2s + 64, &ws, 4);
    uint64_t ne1[2] = {8, 2}, ne2[1] = {16}, ne3[2] = {128, 2};
    bn_gguf_add_tensor_data(w, "t.first", 2, ne1, BN_GGML_F32, f32, sizeof f32);
    bn_gguf_add_tensor_data(w, "t.second", 1, ne2, BN_GGML_F16, f16, sizeof f16);
    bn_gguf_add_tensor_data(w, "t.third", 2, ne3, BN_GGML_I2_S, i2s, sizeof i2s);
    return bn_test_finish(w);
}

uint8_t *bn_test_find(bn_test_file f, const char *text)
{
    uint8_t *p = memmem(f.data, f.size, text, strlen(text));
    cr_assert_not_null(p, "'%s' not in the test file", text);
    return p;
}

uint8_t *bn_test_tensor_record(bn_test_file f, const char *name)
{
    /* The name is preceded by its u64 length; search for length + name so a key that
     * happens to contain the name is not taken for the record. */
    uint8_t pattern[128];
    uint64_t len = strlen(name);
    cr_assert(len + 8 <= sizeof pattern);
    memcpy(pattern, &len, 8);
    memcpy(pattern + 8, name, len);
    uint8_t *p = memmem(f.data, f.size, pattern, len + 8);
    cr_assert_not_null(p, "tensor record '%s' not found", name);
    return p + 8 + len;
}

void bn_test_put_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
void bn_test_put_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

void bn_test_expect_open_error(const void *data, size_t size, bn_status status, const char *needle)
{
    bn_gguf *g = NULL;
    bn_status st = bn_gguf_open_memory(data, size, "bad.gguf", &g);
    cr_assert_eq(st, status, "expected status %d (%s), got %d; message: %s", (int)status,
                 bn_status_str(status), (int)st, bn_last_error());
    cr_assert_null(g);
    cr_assert(strstr(bn_last_error(), needle), "message '%s' lacks '%s'", bn_last_error(), needle);
    cr_assert(strstr(bn_last_error(), "bad.gguf"), "message '%s' does not name the file", bn_last_error());
}

const char *bn_test_shared_data(void)
{
    const char *env = getenv("BN_SHARED_DATA");
    return env && *env ? env : "../shared/data";
}

bn_test_file bn_test_synth(const bn_synth_spec *spec)
{
    bn_gen *gen;
    cr_assert_eq(bn_gen_create(&gen), BN_OK);
    cr_assert_eq(bn_synth_build(spec, gen), BN_OK, "%s", bn_last_error());
    bn_test_file f = {0};
    void *data;
    cr_assert_eq(bn_gguf_writer_write_memory(bn_gen_writer(gen), &data, &f.size), BN_OK, "%s",
                 bn_last_error());
    f.data = data;
    bn_gen_free(gen);
    return f;
}

static const bn_test_edit *edit_for(const bn_test_edit *edits, size_t n, bn_gguf_str name)
{
    for (size_t i = 0; i < n; i++)
        if (edits[i].tensor && bn_gguf_str_eq(name, edits[i].tensor)) return &edits[i];
    return NULL;
}

bn_test_file bn_test_rewrite(bn_test_file f, const bn_test_edit *edits, size_t n_edits, uint32_t alignment)
{
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "original", &g), BN_OK, "%s", bn_last_error());
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    if (alignment) cr_assert_eq(bn_gguf_add_u32(w, "general.alignment", alignment), BN_OK);
    size_t n_kv = bn_gguf_kv_count(g);
    const bn_gguf_tensor *t0 = bn_gguf_tensor_count(g) ? bn_gguf_tensor_at(g, 0) : NULL;
    for (size_t i = 0; i < n_kv; i++) {
        const bn_gguf_kv *kv = bn_gguf_kv_at(g, i);
        if (alignment && bn_gguf_str_eq(kv->key, "general.alignment")) continue;
        /* value bytes: from after the type to the next record (or the tensor records) */
        const uint8_t *start = (const uint8_t *)f.data + kv->offset + 8 + kv->key.len + 4;
        const uint8_t *end;
        if (i + 1 < n_kv)
            end = (const uint8_t *)f.data + bn_gguf_kv_at(g, i + 1)->offset;
        else
            end = t0 ? (const uint8_t *)t0->name.ptr - 8 : (const uint8_t *)f.data + f.size;
        char key[256];
        snprintf(key, sizeof key, "%.*s", (int)kv->key.len, kv->key.ptr);
        cr_assert_eq(bn_gguf_add_raw(w, key, kv->type, start, (size_t)(end - start)), BN_OK);
    }
    size_t n_tensors = bn_gguf_tensor_count(g);
    uint8_t **copies = calloc(n_tensors + 1, sizeof *copies); /* the writer reads them at write time */
    for (size_t i = 0; i < n_tensors; i++) {
        const bn_gguf_tensor *t = bn_gguf_tensor_at(g, i);
        const bn_test_edit *e = edit_for(edits, n_edits, t->name);
        if (e && e->drop) continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)t->name.len, t->name.ptr);
        uint64_t have = bn_gguf_tensor_needed(g, t), bytes = have;
        if (e) bytes = (uint64_t)((int64_t)bytes + e->extra_bytes);
        copies[i] = calloc(1, bytes + 1);
        memcpy(copies[i], t->data, bytes < have ? bytes : have);
        cr_assert_eq(bn_gguf_add_tensor_data(w, e && e->rename ? e->rename : name, t->n_dims, t->ne, t->type,
                                             copies[i], bytes),
                     BN_OK, "%s", bn_last_error());
    }
    bn_gguf_close(g);
    bn_test_file out = bn_test_finish(w);
    for (size_t i = 0; i < n_tensors; i++) free(copies[i]);
    free(copies);
    return out;
}
