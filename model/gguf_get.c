/*
 * gguf_get.c - typed access to GGUF metadata values.
 *
 * The reader has already checked that every value lies inside the file, so these only
 * decide whether a value's type fits what the caller asks for.  Integers of any width are
 * accepted when the value fits the target (writers disagree on u32 versus i32 for ids and
 * counts); floats are not silently turned into integers, nor integers into floats.
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/gguf.h"

static bool is_integer(bn_gguf_type t)
{
    switch (t) {
    case BN_GGUF_UINT8:
    case BN_GGUF_INT8:
    case BN_GGUF_UINT16:
    case BN_GGUF_INT16:
    case BN_GGUF_UINT32:
    case BN_GGUF_INT32:
    case BN_GGUF_UINT64:
    case BN_GGUF_INT64: return true;
    default: return false;
    }
}

static size_t elem_size(bn_gguf_type t)
{
    switch (t) {
    case BN_GGUF_UINT8:
    case BN_GGUF_INT8:
    case BN_GGUF_BOOL: return 1;
    case BN_GGUF_UINT16:
    case BN_GGUF_INT16: return 2;
    case BN_GGUF_UINT32:
    case BN_GGUF_INT32:
    case BN_GGUF_FLOAT32: return 4;
    case BN_GGUF_UINT64:
    case BN_GGUF_INT64:
    case BN_GGUF_FLOAT64: return 8;
    default: return 0;
    }
}

/* Integer element at p as int64; false if a uint64 does not fit. */
static bool load_integer(bn_gguf_type t, const uint8_t *p, int64_t *out)
{
    switch (t) {
    case BN_GGUF_UINT8: *out = *p; return true;
    case BN_GGUF_INT8: *out = (int8_t)*p; return true;
    case BN_GGUF_UINT16: {
        uint16_t v;
        memcpy(&v, p, 2);
        *out = v;
        return true;
    }
    case BN_GGUF_INT16: {
        int16_t v;
        memcpy(&v, p, 2);
        *out = v;
        return true;
    }
    case BN_GGUF_UINT32: {
        uint32_t v;
        memcpy(&v, p, 4);
        *out = v;
        return true;
    }
    case BN_GGUF_INT32: {
        int32_t v;
        memcpy(&v, p, 4);
        *out = v;
        return true;
    }
    case BN_GGUF_UINT64: {
        uint64_t v;
        memcpy(&v, p, 8);
        if (v > INT64_MAX) return false;
        *out = (int64_t)v;
        return true;
    }
    case BN_GGUF_INT64: memcpy(out, p, 8); return true;
    default: return false;
    }
}

static bn_status type_error(const bn_gguf_kv *kv, const char *want)
{
    bool array = kv->type == BN_GGUF_ARRAY;
    return bn_fail(BN_E_FORMAT, "key '%.*s' (record at byte %llu): expected %s, found %s%s", (int)kv->key.len,
                   kv->key.ptr, (unsigned long long)kv->offset, want, array ? "array of " : "",
                   bn_gguf_type_name(array ? kv->array_type : kv->type));
}

static bn_status find(const bn_gguf *g, const char *key, const bn_gguf_kv **kv)
{
    *kv = bn_gguf_find_kv(g, key);
    if (!*kv) return bn_fail(BN_E_NOT_FOUND, "%s: key '%s' not found", bn_gguf_path(g), key);
    return BN_OK;
}

static bn_status get_integer(const bn_gguf *g, const char *key, const char *want, int64_t lo, uint64_t hi,
                             uint64_t *out)
{
    const bn_gguf_kv *kv;
    bn_status st = find(g, key, &kv);
    if (st != BN_OK) return st;
    if (kv->type == BN_GGUF_ARRAY || !is_integer(kv->type)) return type_error(kv, want);
    if (kv->type == BN_GGUF_UINT64) {
        uint64_t v;
        memcpy(&v, kv->value, 8);
        if (v > hi) goto range;
        *out = v;
        return BN_OK;
    }
    int64_t v;
    load_integer(kv->type, kv->value, &v);
    if (v < lo || (v > 0 && (uint64_t)v > hi)) goto range;
    *out = (uint64_t)v;
    return BN_OK;
range:
    return bn_fail(BN_E_FORMAT, "key '%s' (record at byte %llu): %s value does not fit %s", key,
                   (unsigned long long)kv->offset, bn_gguf_type_name(kv->type), want);
}

bn_status bn_gguf_get_u32(const bn_gguf *g, const char *key, uint32_t *out)
{
    uint64_t v;
    bn_status st = get_integer(g, key, "uint32", 0, UINT32_MAX, &v);
    if (st == BN_OK) *out = (uint32_t)v;
    return st;
}

bn_status bn_gguf_get_u64(const bn_gguf *g, const char *key, uint64_t *out)
{
    return get_integer(g, key, "uint64", 0, UINT64_MAX, out);
}

bn_status bn_gguf_get_i64(const bn_gguf *g, const char *key, int64_t *out)
{
    uint64_t v;
    bn_status st = get_integer(g, key, "int64", INT64_MIN, INT64_MAX, &v);
    if (st == BN_OK) *out = (int64_t)v;
    return st;
}

bn_status bn_gguf_get_f32(const bn_gguf *g, const char *key, float *out)
{
    const bn_gguf_kv *kv;
    bn_status st = find(g, key, &kv);
    if (st != BN_OK) return st;
    if (kv->type == BN_GGUF_FLOAT32) {
        memcpy(out, kv->value, 4);
        return BN_OK;
    }
    if (kv->type == BN_GGUF_FLOAT64) {
        double d;
        memcpy(&d, kv->value, 8);
        *out = (float)d;
        return BN_OK;
    }
    return type_error(kv, "float32");
}

bn_status bn_gguf_get_bool(const bn_gguf *g, const char *key, bool *out)
{
    const bn_gguf_kv *kv;
    bn_status st = find(g, key, &kv);
    if (st != BN_OK) return st;
    if (kv->type != BN_GGUF_BOOL) return type_error(kv, "bool");
    *out = kv->value[0] != 0;
    return BN_OK;
}

bn_status bn_gguf_get_str(const bn_gguf *g, const char *key, bn_gguf_str *out)
{
    const bn_gguf_kv *kv;
    bn_status st = find(g, key, &kv);
    if (st != BN_OK) return st;
    if (kv->type != BN_GGUF_STRING) return type_error(kv, "string");
    uint64_t len;
    memcpy(&len, kv->value, 8);
    out->ptr = (const char *)kv->value + 8;
    out->len = len;
    return BN_OK;
}

/* Element i of a numeric array (or of a numeric scalar, as a one-element array). */
static bn_status element(const bn_gguf_kv *kv, uint64_t i, const uint8_t **p)
{
    if (!kv) return bn_fail(BN_E_INVALID_ARGUMENT, "array access: kv is NULL");
    size_t size = elem_size(kv->array_type);
    if (!size)
        return bn_fail(BN_E_FORMAT, "key '%.*s' (record at byte %llu): elements are %s, not numbers",
                       (int)kv->key.len, kv->key.ptr, (unsigned long long)kv->offset,
                       bn_gguf_type_name(kv->array_type));
    if (i >= kv->count)
        return bn_fail(BN_E_RANGE, "key '%.*s': index %llu past the %llu elements", (int)kv->key.len,
                       kv->key.ptr, (unsigned long long)i, (unsigned long long)kv->count);
    *p = kv->value + i * size;
    return BN_OK;
}

bn_status bn_gguf_array_i64(const bn_gguf_kv *kv, uint64_t i, int64_t *out)
{
    const uint8_t *p;
    bn_status st = element(kv, i, &p);
    if (st != BN_OK) return st;
    if (kv->array_type == BN_GGUF_BOOL) {
        *out = *p;
        return BN_OK;
    }
    if (!is_integer(kv->array_type))
        return bn_fail(BN_E_FORMAT, "key '%.*s' (record at byte %llu): elements are %s, not integers",
                       (int)kv->key.len, kv->key.ptr, (unsigned long long)kv->offset,
                       bn_gguf_type_name(kv->array_type));
    if (!load_integer(kv->array_type, p, out))
        return bn_fail(BN_E_FORMAT, "key '%.*s': element %llu does not fit int64", (int)kv->key.len,
                       kv->key.ptr, (unsigned long long)i);
    return BN_OK;
}

bn_status bn_gguf_array_f64(const bn_gguf_kv *kv, uint64_t i, double *out)
{
    const uint8_t *p;
    bn_status st = element(kv, i, &p);
    if (st != BN_OK) return st;
    if (kv->array_type == BN_GGUF_FLOAT32) {
        float f;
        memcpy(&f, p, 4);
        *out = f;
        return BN_OK;
    }
    if (kv->array_type == BN_GGUF_FLOAT64) {
        memcpy(out, p, 8);
        return BN_OK;
    }
    if (kv->array_type == BN_GGUF_UINT64) {
        uint64_t v;
        memcpy(&v, p, 8);
        *out = (double)v;
        return BN_OK;
    }
    int64_t v;
    st = bn_gguf_array_i64(kv, i, &v);
    if (st == BN_OK) *out = (double)v;
    return st;
}

bn_status bn_gguf_array_strings(const bn_gguf_kv *kv, bn_gguf_str *out)
{
    if (!kv || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_gguf_array_strings: NULL argument");
    if (kv->type != BN_GGUF_ARRAY || kv->array_type != BN_GGUF_STRING)
        return type_error(kv, "array of string");
    const uint8_t *p = kv->value;
    for (uint64_t i = 0; i < kv->count; i++) {
        uint64_t len;
        memcpy(&len, p, 8);
        out[i].ptr = (const char *)p + 8;
        out[i].len = len;
        p += 8 + len; /* the reader walked these very strings inside the file */
    }
    return BN_OK;
}
