/*
 * fuzz_gguf.c - libFuzzer target for the GGUF reader and the model loader.
 *
 * Each input is parsed as a GGUF file in memory; if the reader accepts it, every
 * accessor is exercised (typed getters, array elements, string arrays, tensor lookups)
 * and the loader runs on it in strict and permissive mode, converting to I2_S and to TL1
 * (which goes through the unpack and pack kernels).  Built with ASan and UBSan: any
 * out-of-bounds access, leak or undefined behaviour is a finding.  `make fuzz`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/loader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg;
}

static void touch_metadata(const bn_gguf *g)
{
    for (size_t i = 0; i < bn_gguf_kv_count(g); i++) {
        const bn_gguf_kv *kv = bn_gguf_kv_at(g, i);
        char key[128];
        size_t n = kv->key.len < sizeof key - 1 ? (size_t)kv->key.len : sizeof key - 1;
        memcpy(key, kv->key.ptr, n);
        key[n] = '\0';
        uint32_t u32;
        uint64_t u64;
        int64_t i64;
        float f;
        bool b;
        bn_gguf_str s;
        bn_gguf_get_u32(g, key, &u32);
        bn_gguf_get_u64(g, key, &u64);
        bn_gguf_get_i64(g, key, &i64);
        bn_gguf_get_f32(g, key, &f);
        bn_gguf_get_bool(g, key, &b);
        bn_gguf_get_str(g, key, &s);
        double d;
        if (kv->count) {
            bn_gguf_array_i64(kv, 0, &i64);
            bn_gguf_array_f64(kv, kv->count - 1, &d);
        }
        if (kv->type == BN_GGUF_ARRAY && kv->array_type == BN_GGUF_STRING) {
            bn_gguf_str *all = malloc((size_t)kv->count * sizeof *all + 1);
            if (all && bn_gguf_array_strings(kv, all) == BN_OK && kv->count)
                bn_gguf_str_eq(all[kv->count - 1], "x");
            free(all);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bn_gguf *g;
    if (bn_gguf_open_memory(data, size, "fuzz.gguf", &g) != BN_OK) return 0;
    touch_metadata(g);
    for (size_t i = 0; i < bn_gguf_tensor_count(g); i++) {
        const bn_gguf_tensor *t = bn_gguf_tensor_at(g, i);
        char name[128];
        size_t n = t->name.len < sizeof name - 1 ? (size_t)t->name.len : sizeof name - 1;
        memcpy(name, t->name.ptr, n);
        name[n] = '\0';
        bn_gguf_find_tensor(g, name);
        if (t->bytes) (void)((const volatile uint8_t *)t->data)[t->bytes - 1];
    }
    bn_gguf_close(g);

    static const bn_load_mode modes[2] = {BN_LOAD_STRICT, BN_LOAD_PERMISSIVE};
    static const int formats[2] = {BN_FORMAT_I2S, BN_FORMAT_TL1};
    for (int i = 0; i < 2; i++) {
        if (bn_gguf_open_memory(data, size, "fuzz.gguf", &g) != BN_OK) return 0;
        bn_load_options o = bn_load_options_default();
        o.mode = modes[i];
        o.kernel_format = formats[i];
        o.prefault = false;
        o.warn = quiet;
        bn_model *m;
        if (bn_model_load_gguf(g, &o, &m) == BN_OK) bn_model_free(m);
    }
    return 0;
}
