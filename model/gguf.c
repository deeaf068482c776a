/*
 * gguf.c - the GGUF reader: map a file read-only, parse and validate all of it up front.
 *
 * Layout (GGUF v2/v3, little-endian):
 *   "GGUF" u32 version, u64 tensor_count, u64 kv_count,
 *   kv_count x { string key, u32 value_type, value },
 *   tensor_count x { string name, u32 n_dims, u64 ne[n_dims], u32 type, u64 offset },
 *   padding to general.alignment, then the data section (tensor offsets are relative to it).
 * A string is u64 length + bytes; an array is u32 element type + u64 count + elements
 * (elements may themselves be strings or arrays).
 *
 * Every read goes through a cursor that checks the remaining bytes first, so no length,
 * count or offset from the file is used before it is known to lie inside the file, and
 * every product or sum of file-controlled numbers is computed with overflow checks.  The
 * work is linear in the file size: a count is compared with the bytes left before any loop
 * or allocation it drives, and duplicate detection sorts instead of comparing all pairs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "model/gguf.h"
#include "model/hugemem.h"

#define MAX_ARRAY_DEPTH 8
#define MAX_DIMS 4

/* ---------------------------------------------------------------- the cursor */

typedef struct cursor {
    const uint8_t *base;
    uint64_t size, pos;
    const char *file;
} cursor;

static uint64_t remaining(const cursor *c) { return c->size - c->pos; }

static bn_status need(const cursor *c, uint64_t bytes, const char *what)
{
    if (bytes > remaining(c))
        return bn_fail(BN_E_FORMAT, "%s: truncated at byte %llu: %s needs %llu bytes, %llu remain", c->file,
                       (unsigned long long)c->pos, what, (unsigned long long)bytes,
                       (unsigned long long)remaining(c));
    return BN_OK;
}

static uint32_t load_u32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t load_u64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static bn_status read_u32(cursor *c, const char *what, uint32_t *v)
{
    bn_status st = need(c, 4, what);
    if (st != BN_OK) return st;
    *v = load_u32(c->base + c->pos);
    c->pos += 4;
    return BN_OK;
}

static bn_status read_u64(cursor *c, const char *what, uint64_t *v)
{
    bn_status st = need(c, 8, what);
    if (st != BN_OK) return st;
    *v = load_u64(c->base + c->pos);
    c->pos += 8;
    return BN_OK;
}

static bn_status read_str(cursor *c, const char *what, bn_gguf_str *s)
{
    uint64_t at = c->pos, len;
    bn_status st = read_u64(c, what, &len);
    if (st != BN_OK) return st;
    if (len > remaining(c))
        return bn_fail(
            BN_E_FORMAT, "%s: %s at byte %llu: string length %llu runs past end of file (%llu bytes remain)",
            c->file, what, (unsigned long long)at, (unsigned long long)len, (unsigned long long)remaining(c));
    s->ptr = (const char *)c->base + c->pos;
    s->len = len;
    c->pos += len;
    return BN_OK;
}

/* ---------------------------------------------------------------- value types */

static const char *const value_type_names[BN_GGUF_TYPE_COUNT] = {
    "uint8", "int8",   "uint16", "int16",  "uint32", "int32",  "float32",
    "bool",  "string", "array",  "uint64", "int64",  "float64"};

const char *bn_gguf_type_name(bn_gguf_type t)
{
    return (unsigned)t < BN_GGUF_TYPE_COUNT ? value_type_names[t] : "unknown";
}

/* Bytes of one fixed-size value; 0 for strings and arrays. */
static uint64_t fixed_size(bn_gguf_type t)
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

/* The fewest bytes one element of type t can take: what bounds a count before a loop. */
static uint64_t min_size(bn_gguf_type t)
{
    if (t == BN_GGUF_STRING) return 8;
    if (t == BN_GGUF_ARRAY) return 12;
    return fixed_size(t);
}

typedef struct kv_context {
    cursor *c;
    bn_gguf_str key;
    uint64_t record;
} kv_context;

static bn_status kv_fail(const kv_context *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bn_status kv_fail(const kv_context *k, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return bn_fail(BN_E_FORMAT, "%s: key '%.*s' (record at byte %llu): %s", k->c->file, (int)k->key.len,
                   k->key.ptr, (unsigned long long)k->record, detail);
}

static bn_status read_value_type(const kv_context *k, uint32_t *t)
{
    uint64_t at = k->c->pos;
    bn_status st = read_u32(k->c, "value type", t);
    if (st != BN_OK) return st;
    if (*t >= BN_GGUF_TYPE_COUNT)
        return kv_fail(k, "unknown value type %u at byte %llu (expected 0..%d)", *t, (unsigned long long)at,
                       BN_GGUF_TYPE_COUNT - 1);
    return BN_OK;
}

static bn_status skip_value(const kv_context *k, bn_gguf_type t, int depth);

/* Array header (element type, count) at the cursor, then every element. */
static bn_status skip_array(const kv_context *k, int depth, uint32_t *elem_type, uint64_t *count)
{
    cursor *c = k->c;
    if (depth >= MAX_ARRAY_DEPTH) return kv_fail(k, "arrays nested deeper than %d levels", MAX_ARRAY_DEPTH);
    bn_status st = read_value_type(k, elem_type);
    if (st != BN_OK) return st;
    uint64_t at = c->pos;
    st = read_u64(c, "array count", count);
    if (st != BN_OK) return st;
    uint64_t min = min_size((bn_gguf_type)*elem_type);
    if (*count > remaining(c) / min)
        return kv_fail(k,
                       "array count %llu at byte %llu: %llu elements of %s need at least %llu bytes each, "
                       "only %llu bytes remain",
                       (unsigned long long)*count, (unsigned long long)at, (unsigned long long)*count,
                       bn_gguf_type_name((bn_gguf_type)*elem_type), (unsigned long long)min,
                       (unsigned long long)remaining(c));
    uint64_t fixed = fixed_size((bn_gguf_type)*elem_type);
    if (fixed && *elem_type != BN_GGUF_BOOL) {
        c->pos += *count * fixed; /* cannot overflow: count * fixed <= remaining */
        return BN_OK;
    }
    for (uint64_t i = 0; i < *count; i++) {
        st = skip_value(k, (bn_gguf_type)*elem_type, depth + 1);
        if (st != BN_OK) return st;
    }
    return BN_OK;
}

static bn_status skip_value(const kv_context *k, bn_gguf_type t, int depth)
{
    cursor *c = k->c;
    if (t == BN_GGUF_STRING) {
        bn_gguf_str s;
        return read_str(c, "string value", &s);
    }
    if (t == BN_GGUF_ARRAY) {
        uint32_t et;
        uint64_t n;
        return skip_array(k, depth, &et, &n);
    }
    bn_status st = need(c, fixed_size(t), bn_gguf_type_name(t));
    if (st != BN_OK) return st;
    if (t == BN_GGUF_BOOL && c->base[c->pos] > 1)
        return kv_fail(k, "bool at byte %llu holds %u (expected 0 or 1)", (unsigned long long)c->pos,
                       c->base[c->pos]);
    c->pos += fixed_size(t);
    return BN_OK;
}

static bn_status parse_kv(cursor *c, bn_gguf_kv *kv)
{
    kv_context k = {c, {"", 0}, c->pos};
    kv->offset = c->pos;
    bn_status st = read_str(c, "key", &k.key);
    if (st != BN_OK) return st;
    if (k.key.len == 0) return kv_fail(&k, "empty key");
    if (memchr(k.key.ptr, '\0', k.key.len)) return kv_fail(&k, "key contains a NUL byte");
    kv->key = k.key;
    uint32_t t;
    st = read_value_type(&k, &t);
    if (st != BN_OK) return st;
    kv->type = (bn_gguf_type)t;
    if (t == BN_GGUF_ARRAY) {
        uint32_t et;
        uint64_t n;
        uint64_t header = c->pos;
        st = skip_array(&k, 0, &et, &n);
        if (st != BN_OK) return st;
        kv->array_type = (bn_gguf_type)et;
        kv->count = n;
        kv->value = c->base + header + 12;
        return BN_OK;
    }
    kv->array_type = kv->type;
    kv->count = 1;
    kv->value = c->base + c->pos;
    return skip_value(&k, kv->type, 0);
}

/* ---------------------------------------------------------------- tensor types */

const char *bn_ggml_type_name(uint32_t type)
{
    switch (type) {
    case BN_GGML_F32: return "F32";
    case BN_GGML_F16: return "F16";
    case BN_GGML_TQ1_0: return "TQ1_0";
    case BN_GGML_TQ2_0: return "TQ2_0";
    case BN_GGML_I2_S: return "I2_S";
    default: return NULL;
    }
}

bn_status bn_gguf_tensor_nbytes(uint32_t type, const uint64_t ne[4], uint64_t *bytes)
{
    uint64_t n = 1;
    for (int d = 0; d < MAX_DIMS; d++) {
        if (ne[d] == 0) return bn_fail(BN_E_FORMAT, "dimension %d is 0", d);
        if (n > UINT64_MAX / 4 / ne[d])
            return bn_fail(BN_E_FORMAT, "element count overflows (%llu x %llu x %llu x %llu)",
                           (unsigned long long)ne[0], (unsigned long long)ne[1], (unsigned long long)ne[2],
                           (unsigned long long)ne[3]);
        n *= ne[d];
    }
    switch (type) {
    case BN_GGML_F32: *bytes = 4 * n; return BN_OK;
    case BN_GGML_F16: *bytes = 2 * n; return BN_OK;
    case BN_GGML_I2_S:
        if (ne[0] % 128)
            return bn_fail(BN_E_FORMAT, "I2_S needs K (ne0) %% 128 == 0, found K = %llu",
                           (unsigned long long)ne[0]);
        *bytes = n / 4 + 32; /* data, then the 32-byte tail holding the f32 scale */
        return BN_OK;
    case BN_GGML_TQ1_0:
    case BN_GGML_TQ2_0:
        if (ne[0] % 256)
            return bn_fail(BN_E_FORMAT, "%s needs ne0 %% 256 == 0, found ne0 = %llu", bn_ggml_type_name(type),
                           (unsigned long long)ne[0]);
        *bytes = n / 256 * (type == BN_GGML_TQ1_0 ? 54 : 66);
        return BN_OK;
    default:
        return bn_fail(BN_E_FORMAT,
                       "unknown tensor type %u (known: F32 0, F16 1, TQ1_0 34, TQ2_0 35, I2_S 36)", type);
    }
}

/* ---------------------------------------------------------------- the handle */

struct bn_gguf {
    char *path;
    const uint8_t *base;
    uint64_t size;
    bool mapped;
    uint32_t version;
    uint64_t alignment, data_offset;
    bn_gguf_kv *kvs;
    size_t n_kv;
    bn_gguf_tensor *tensors;
    size_t n_tensors;
    size_t *kv_sorted, *tensor_sorted; /* indices sorted by name, for lookup */
    uint64_t *needed; /* bytes each tensor needs by its type and shape */
};

static int str_cmp(bn_gguf_str a, bn_gguf_str b)
{
    int r = memcmp(a.ptr, b.ptr, a.len < b.len ? a.len : b.len);
    if (r) return r;
    return a.len < b.len ? -1 : a.len > b.len;
}

bool bn_gguf_str_eq(bn_gguf_str s, const char *c)
{
    size_t n = strlen(c);
    return s.len == n && memcmp(s.ptr, c, n) == 0;
}

/* qsort has no context argument: the arrays being sorted are passed through these. */
static _Thread_local const bn_gguf *sort_ctx;

static int kv_index_cmp(const void *a, const void *b)
{
    return str_cmp(sort_ctx->kvs[*(const size_t *)a].key, sort_ctx->kvs[*(const size_t *)b].key);
}

static int tensor_index_cmp(const void *a, const void *b)
{
    return str_cmp(sort_ctx->tensors[*(const size_t *)a].name, sort_ctx->tensors[*(const size_t *)b].name);
}

static int tensor_offset_cmp(const void *a, const void *b)
{
    uint64_t x = sort_ctx->tensors[*(const size_t *)a].offset,
             y = sort_ctx->tensors[*(const size_t *)b].offset;
    return x < y ? -1 : x > y;
}

static bn_status alloc_array(void **p, size_t n, size_t elem)
{
    *p = calloc(n ? n : 1, elem);
    return *p ? BN_OK : bn_fail(BN_E_NO_MEMORY, "out of memory for %zu entries", n);
}

static bn_status parse_header(bn_gguf *g, cursor *c, uint64_t *n_tensors, uint64_t *n_kv)
{
    bn_status st = need(c, 4, "magic");
    if (st != BN_OK) return st;
    if (memcmp(c->base, "GGUF", 4) != 0)
        return bn_fail(BN_E_FORMAT,
                       "%s: bad magic at byte 0: expected \"GGUF\" (47 47 55 46), found %02x %02x %02x %02x",
                       c->file, c->base[0], c->base[1], c->base[2], c->base[3]);
    c->pos = 4;
    st = read_u32(c, "version", &g->version);
    if (st != BN_OK) return st;
    if (g->version != 2 && g->version != 3)
        return bn_fail(BN_E_FORMAT, "%s: unknown GGUF version %u at byte 4 (this reader reads 2 and 3)",
                       c->file, g->version);
    st = read_u64(c, "tensor count", n_tensors);
    if (st == BN_OK) st = read_u64(c, "metadata key/value count", n_kv);
    if (st != BN_OK) return st;
    /* Every record takes a minimum number of bytes: a count beyond what is left is a lie. */
    if (*n_kv > remaining(c) / 13)
        return bn_fail(BN_E_FORMAT,
                       "%s: metadata count %llu at byte 16 is impossible: each record needs >= 13 "
                       "bytes, %llu bytes remain",
                       c->file, (unsigned long long)*n_kv, (unsigned long long)remaining(c));
    return BN_OK;
}

static bn_status check_unique_keys(bn_gguf *g)
{
    bn_status st = alloc_array((void **)&g->kv_sorted, g->n_kv, sizeof(size_t));
    if (st != BN_OK) return st;
    for (size_t i = 0; i < g->n_kv; i++) g->kv_sorted[i] = i;
    sort_ctx = g;
    qsort(g->kv_sorted, g->n_kv, sizeof(size_t), kv_index_cmp);
    for (size_t i = 1; i < g->n_kv; i++) {
        const bn_gguf_kv *a = &g->kvs[g->kv_sorted[i - 1]], *b = &g->kvs[g->kv_sorted[i]];
        if (str_cmp(a->key, b->key) == 0) {
            const bn_gguf_kv *first = a->offset < b->offset ? a : b, *second = a->offset < b->offset ? b : a;
            return bn_fail(BN_E_FORMAT, "%s: duplicate key '%.*s' at byte %llu (first defined at byte %llu)",
                           g->path, (int)a->key.len, a->key.ptr, (unsigned long long)second->offset,
                           (unsigned long long)first->offset);
        }
    }
    return BN_OK;
}

static bn_status read_alignment(bn_gguf *g)
{
    g->alignment = 32;
    const bn_gguf_kv *kv = bn_gguf_find_kv(g, "general.alignment");
    if (!kv) return BN_OK;
    int64_t v;
    if (kv->type == BN_GGUF_ARRAY || bn_gguf_array_i64(kv, 0, &v) != BN_OK || kv->type == BN_GGUF_FLOAT32 ||
        kv->type == BN_GGUF_FLOAT64 || kv->type == BN_GGUF_BOOL)
        return bn_fail(BN_E_FORMAT,
                       "%s: key 'general.alignment' (record at byte %llu): expected uint32, found %s",
                       g->path, (unsigned long long)kv->offset, bn_gguf_type_name(kv->type));
    if (v <= 0 || v > (1 << 30) || (v & (v - 1)) != 0)
        return bn_fail(BN_E_FORMAT,
                       "%s: key 'general.alignment' (record at byte %llu): %lld is not a power of two "
                       "in 1..2^30",
                       g->path, (unsigned long long)kv->offset, (long long)v);
    g->alignment = (uint64_t)v;
    return BN_OK;
}

static bn_status tensor_fail(const bn_gguf *g, const bn_gguf_tensor *t, uint64_t record, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bn_status tensor_fail(const bn_gguf *g, const bn_gguf_tensor *t, uint64_t record, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    return bn_fail(BN_E_FORMAT, "%s: tensor '%.*s' (record at byte %llu): %s", g->path, (int)t->name.len,
                   t->name.ptr, (unsigned long long)record, detail);
}

static bn_status parse_tensor(bn_gguf *g, cursor *c, bn_gguf_tensor *t, uint64_t *needed)
{
    uint64_t record = c->pos;
    bn_status st = read_str(c, "tensor name", &t->name);
    if (st != BN_OK) return st;
    if (t->name.len == 0) return tensor_fail(g, t, record, "empty tensor name");
    if (memchr(t->name.ptr, '\0', t->name.len)) return tensor_fail(g, t, record, "name contains a NUL byte");
    uint64_t at = c->pos;
    st = read_u32(c, "dimension count", &t->n_dims);
    if (st != BN_OK) return st;
    if (t->n_dims < 1 || t->n_dims > MAX_DIMS)
        return tensor_fail(g, t, record, "dimension count %u at byte %llu (expected 1..%d)", t->n_dims,
                           (unsigned long long)at, MAX_DIMS);
    for (int d = 0; d < MAX_DIMS; d++) t->ne[d] = 1;
    for (uint32_t d = 0; d < t->n_dims; d++) {
        st = read_u64(c, "dimension", &t->ne[d]);
        if (st != BN_OK) return st;
        if (t->ne[d] == 0 || t->ne[d] > INT64_MAX)
            return tensor_fail(g, t, record, "dimension %u is %llu (expected 1..2^63-1)", d,
                               (unsigned long long)t->ne[d]);
    }
    at = c->pos;
    st = read_u32(c, "tensor type", &t->type);
    if (st == BN_OK) st = read_u64(c, "tensor data offset", &t->offset);
    if (st != BN_OK) return st;
    st = bn_gguf_tensor_nbytes(t->type, t->ne, needed);
    if (st != BN_OK) {
        char why[512];
        snprintf(why, sizeof why, "%s", bn_last_error());
        return tensor_fail(g, t, record, "type %u at byte %llu: %s", t->type, (unsigned long long)at, why);
    }
    return BN_OK;
}

static bn_status check_unique_tensors(bn_gguf *g)
{
    bn_status st = alloc_array((void **)&g->tensor_sorted, g->n_tensors, sizeof(size_t));
    if (st != BN_OK) return st;
    for (size_t i = 0; i < g->n_tensors; i++) g->tensor_sorted[i] = i;
    sort_ctx = g;
    qsort(g->tensor_sorted, g->n_tensors, sizeof(size_t), tensor_index_cmp);
    for (size_t i = 1; i < g->n_tensors; i++) {
        size_t a = g->tensor_sorted[i - 1], b = g->tensor_sorted[i];
        if (str_cmp(g->tensors[a].name, g->tensors[b].name) == 0)
            return bn_fail(BN_E_FORMAT, "%s: duplicate tensor name '%.*s' (records %zu and %zu)", g->path,
                           (int)g->tensors[a].name.len, g->tensors[a].name.ptr, a < b ? a : b, a < b ? b : a);
    }
    return BN_OK;
}

/* Data of every tensor inside the file, aligned, and not overlapping the next one. */
static bn_status place_tensors(bn_gguf *g, const uint64_t *records)
{
    size_t *order;
    bn_status st = alloc_array((void **)&order, g->n_tensors, sizeof(size_t));
    if (st != BN_OK) return st;
    for (size_t i = 0; i < g->n_tensors; i++) order[i] = i;
    sort_ctx = g;
    qsort(order, g->n_tensors, sizeof(size_t), tensor_offset_cmp);
    uint64_t data_size = g->size - g->data_offset;
    for (size_t i = 0; i < g->n_tensors && st == BN_OK; i++) {
        size_t ti = order[i];
        bn_gguf_tensor *t = &g->tensors[ti];
        uint64_t need_bytes = g->needed[ti];
        if (t->offset % g->alignment)
            st = tensor_fail(g, t, records[ti], "data offset %llu is not a multiple of the alignment %llu",
                             (unsigned long long)t->offset, (unsigned long long)g->alignment);
        else if (t->offset > data_size || need_bytes > data_size - t->offset)
            st = tensor_fail(g, t, records[ti],
                             "data at byte %llu (data offset %llu) + %llu bytes runs past end of file (%llu)",
                             (unsigned long long)(g->data_offset + (t->offset < data_size ? t->offset : 0)),
                             (unsigned long long)t->offset, (unsigned long long)need_bytes,
                             (unsigned long long)g->size);
        else if (i + 1 < g->n_tensors && t->offset + need_bytes > g->tensors[order[i + 1]].offset) {
            const bn_gguf_tensor *next = &g->tensors[order[i + 1]];
            st = tensor_fail(g, t, records[ti],
                             "data offset %llu + %llu bytes overlaps tensor '%.*s' at data offset %llu",
                             (unsigned long long)t->offset, (unsigned long long)need_bytes,
                             (int)next->name.len, next->name.ptr, (unsigned long long)next->offset);
        } else {
            uint64_t end = i + 1 < g->n_tensors ? g->tensors[order[i + 1]].offset : data_size;
            t->file_offset = g->data_offset + t->offset;
            t->bytes = end - t->offset;
            t->data = g->base + t->file_offset;
        }
    }
    free(order);
    return st;
}

static bn_status parse(bn_gguf *g)
{
    cursor c = {g->base, g->size, 0, g->path};
    uint64_t n_tensors, n_kv;
    bn_status st = parse_header(g, &c, &n_tensors, &n_kv);
    if (st != BN_OK) return st;
    g->n_kv = (size_t)n_kv;
    g->n_tensors = (size_t)n_tensors;
    st = alloc_array((void **)&g->kvs, g->n_kv, sizeof *g->kvs);
    if (st != BN_OK) return st;
    for (size_t i = 0; i < g->n_kv; i++) {
        st = parse_kv(&c, &g->kvs[i]);
        if (st != BN_OK) return st;
    }
    if (n_tensors > remaining(&c) / 32)
        return bn_fail(BN_E_FORMAT,
                       "%s: tensor count %llu at byte 8 is impossible: each record needs >= 32 "
                       "bytes, %llu bytes remain after the metadata",
                       c.file, (unsigned long long)n_tensors, (unsigned long long)remaining(&c));
    st = check_unique_keys(g);
    if (st == BN_OK) st = read_alignment(g);
    if (st != BN_OK) return st;

    uint64_t *records;
    st = alloc_array((void **)&g->tensors, g->n_tensors, sizeof *g->tensors);
    if (st == BN_OK) st = alloc_array((void **)&g->needed, g->n_tensors, sizeof *g->needed);
    if (st == BN_OK) st = alloc_array((void **)&records, g->n_tensors, sizeof *records);
    if (st != BN_OK) return st;
    for (size_t i = 0; i < g->n_tensors && st == BN_OK; i++) {
        records[i] = c.pos;
        st = parse_tensor(g, &c, &g->tensors[i], &g->needed[i]);
    }
    if (st == BN_OK) st = check_unique_tensors(g);
    if (st == BN_OK) {
        /* The data section starts at the next multiple of the alignment.  A file without
         * tensors (a vocabulary-only file) may end before that padding. */
        uint64_t pad = (g->alignment - c.pos % g->alignment) % g->alignment;
        g->data_offset = c.pos + pad;
        if (g->data_offset > g->size) {
            if (g->n_tensors == 0)
                g->data_offset = g->size;
            else
                st = bn_fail(BN_E_FORMAT,
                             "%s: truncated at byte %llu: padding to the data section at byte %llu "
                             "runs past end of file (%llu)",
                             g->path, (unsigned long long)c.pos, (unsigned long long)g->data_offset,
                             (unsigned long long)g->size);
        }
    }
    if (st == BN_OK) st = place_tensors(g, records);
    free(records);
    return st;
}

void bn_gguf_close(bn_gguf *g)
{
    if (!g) return;
    if (g->mapped && g->base) bn_unmap_huge((void *)g->base, g->size);
    free(g->path);
    free(g->kvs);
    free(g->tensors);
    free(g->kv_sorted);
    free(g->tensor_sorted);
    free(g->needed);
    free(g);
}

static bn_status finish_open(bn_gguf *g, bn_gguf **out)
{
    bn_status st = parse(g);
    if (st != BN_OK) {
        bn_gguf_close(g);
        return st;
    }
    *out = g;
    return BN_OK;
}

bn_status bn_gguf_open_memory(const void *data, size_t size, const char *name, bn_gguf **out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_gguf_open_memory: out is NULL");
    *out = NULL;
    if (!data && size) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_gguf_open_memory: data is NULL");
    bn_gguf *g = calloc(1, sizeof *g);
    if (!g || !(g->path = strdup(name ? name : "(memory)"))) {
        free(g);
        return bn_fail(BN_E_NO_MEMORY, "out of memory opening %s", name ? name : "(memory)");
    }
    g->base = data;
    g->size = size;
    return finish_open(g, out);
}

bn_status bn_gguf_open(const char *path, bn_gguf **out)
{
    if (!out || !path) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_gguf_open: path or out is NULL");
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return bn_fail(BN_E_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        return bn_fail(BN_E_IO, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return bn_fail(BN_E_IO, "%s: not a regular file", path);
    }
    if (sb.st_size == 0) {
        close(fd);
        return bn_fail(BN_E_FORMAT, "%s: empty file (0 bytes), expected a GGUF header", path);
    }
    void *base = bn_map_huge((size_t)sb.st_size, fd); /* 2 MiB pages: model/hugemem.h */
    int e = errno;
    close(fd);
    if (!base)
        return bn_fail(BN_E_IO, "%s: cannot map %lld bytes: %s", path, (long long)sb.st_size, strerror(e));
    bn_gguf *g = calloc(1, sizeof *g);
    if (!g || !(g->path = strdup(path))) {
        free(g);
        bn_unmap_huge(base, (size_t)sb.st_size);
        return bn_fail(BN_E_NO_MEMORY, "out of memory opening %s", path);
    }
    g->base = base;
    g->size = (uint64_t)sb.st_size;
    g->mapped = true;
    return finish_open(g, out);
}

bn_status bn_gguf_prefault(const bn_gguf *g, uint64_t offset, uint64_t bytes)
{
    if (!g || !g->mapped || offset >= g->size) return BN_OK;
    if (bytes > g->size - offset) bytes = g->size - offset;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)(g->base + offset)) & ~(uintptr_t)(page - 1);
    size_t len = (size_t)((uintptr_t)(g->base + offset + bytes) - start);
#ifdef MADV_POPULATE_READ
    /* One system call maps every page from the page cache (Linux >= 5.14). */
    if (madvise((void *)start, len, MADV_POPULATE_READ) == 0) return BN_OK;
#endif
    madvise((void *)start, len, MADV_WILLNEED);
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i += (size_t)page) sink ^= ((const uint8_t *)start)[i];
    (void)sink;
    return BN_OK;
}

uint64_t bn_gguf_huge_mapped_bytes(const bn_gguf *g)
{
    if (!g || !g->mapped) return 0;
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return 0;
    /* The mapping is one area, "start-end perms offset dev inode path", followed by its
     * "Key: value kB" lines; FilePmdMapped counts the file pages mapped 2 MiB at a time. */
    const uintptr_t base = (uintptr_t)g->base;
    char line[512];
    bool ours = false;
    uint64_t kib = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long start, end;
        if (sscanf(line, "%lx-%lx ", &start, &end) == 2) { /* a key line never starts "hex-hex" */
            ours = start <= base && base < end;
            continue;
        }
        unsigned long long v;
        if (ours && sscanf(line, "FilePmdMapped: %llu kB", &v) == 1) kib += v;
    }
    fclose(f);
    return kib << 10;
}

/* ---------------------------------------------------------------- accessors */

const char *bn_gguf_path(const bn_gguf *g) { return g->path; }
uint32_t bn_gguf_version(const bn_gguf *g) { return g->version; }
uint64_t bn_gguf_file_size(const bn_gguf *g) { return g->size; }
uint64_t bn_gguf_alignment(const bn_gguf *g) { return g->alignment; }
uint64_t bn_gguf_data_offset(const bn_gguf *g) { return g->data_offset; }
const void *bn_gguf_base(const bn_gguf *g) { return g->base; }
size_t bn_gguf_kv_count(const bn_gguf *g) { return g->n_kv; }
const bn_gguf_kv *bn_gguf_kv_at(const bn_gguf *g, size_t i) { return i < g->n_kv ? &g->kvs[i] : NULL; }
size_t bn_gguf_tensor_count(const bn_gguf *g) { return g->n_tensors; }
const bn_gguf_tensor *bn_gguf_tensor_at(const bn_gguf *g, size_t i)
{
    return i < g->n_tensors ? &g->tensors[i] : NULL;
}

uint64_t bn_gguf_tensor_needed(const bn_gguf *g, const bn_gguf_tensor *t)
{
    return g->needed[t - g->tensors];
}

const bn_gguf_kv *bn_gguf_find_kv(const bn_gguf *g, const char *key)
{
    bn_gguf_str want = {key, strlen(key)};
    size_t lo = 0, hi = g->kv_sorted ? g->n_kv : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = str_cmp(g->kvs[g->kv_sorted[mid]].key, want);
        if (r == 0) return &g->kvs[g->kv_sorted[mid]];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

const bn_gguf_tensor *bn_gguf_find_tensor(const bn_gguf *g, const char *name)
{
    bn_gguf_str want = {name, strlen(name)};
    size_t lo = 0, hi = g->tensor_sorted ? g->n_tensors : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = str_cmp(g->tensors[g->tensor_sorted[mid]].name, want);
        if (r == 0) return &g->tensors[g->tensor_sorted[mid]];
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}
