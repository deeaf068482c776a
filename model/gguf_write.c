/*
 * gguf_write.c - the GGUF writer used by the fixture generators and converters.
 *
 * Metadata and tensor records are collected in memory (a few MB even for a 128k-token
 * vocabulary); tensor data is not: at write time each tensor's bytes are produced by a
 * fill callback into a bounded chunk buffer and streamed out, so a 1.2 GB model is never
 * held in memory.  Tensors are laid out in record order, each at the next multiple of the
 * alignment (32, or the value of a general.alignment key the caller adds), with zero
 * padding after every tensor including the last, as ggml's writer does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "model/gguf.h"
#include "model/hugemem.h"

#define CHUNK_BYTES ((size_t)8 << 20)

typedef struct buffer {
    uint8_t *data;
    size_t len, cap;
} buffer;

typedef struct pending_tensor {
    char *name;
    uint32_t n_dims, type;
    uint64_t ne[4], bytes, offset;
    bn_gguf_fill_fn *fill;
    void *ctx;
    const void *data; /* when fill is NULL */
} pending_tensor;

struct bn_gguf_writer {
    uint32_t version;
    uint64_t alignment;
    buffer kv; /* serialised key/value records */
    uint64_t n_kv;
    char **keys;
    pending_tensor *tensors;
    size_t n_tensors, cap_tensors;
    uint64_t data_bytes; /* end of the last tensor, padded */
    bn_status error; /* first failure while building; reported again by write */
};

static bn_status grow(buffer *b, size_t more)
{
    if (b->len + more <= b->cap) return BN_OK;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + more) cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p) return bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory (%zu bytes)", cap);
    b->data = p;
    b->cap = cap;
    return BN_OK;
}

static bn_status put(buffer *b, const void *p, size_t n)
{
    bn_status st = grow(b, n);
    if (st != BN_OK) return st;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return BN_OK;
}

static bn_status put_u32(buffer *b, uint32_t v) { return put(b, &v, 4); }
static bn_status put_u64(buffer *b, uint64_t v) { return put(b, &v, 8); }
static bn_status put_str(buffer *b, const char *s, size_t len)
{
    bn_status st = put_u64(b, len);
    return st == BN_OK ? put(b, s, len) : st;
}

bn_status bn_gguf_writer_create(bn_gguf_writer **out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_gguf_writer_create: out is NULL");
    *out = calloc(1, sizeof **out);
    if (!*out) return bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory");
    (*out)->version = 3;
    (*out)->alignment = 32;
    return BN_OK;
}

void bn_gguf_writer_free(bn_gguf_writer *w)
{
    if (!w) return;
    for (uint64_t i = 0; i < w->n_kv; i++) free(w->keys[i]);
    for (size_t i = 0; i < w->n_tensors; i++) free(w->tensors[i].name);
    free(w->keys);
    free(w->tensors);
    free(w->kv.data);
    free(w);
}

bn_status bn_gguf_writer_set_version(bn_gguf_writer *w, uint32_t version)
{
    if (version != 2 && version != 3)
        return bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: version %u (writes 2 or 3)", version);
    w->version = version;
    return BN_OK;
}

static bn_status fail_once(bn_gguf_writer *w, bn_status st)
{
    if (st != BN_OK && w->error == BN_OK) w->error = st;
    return st;
}

/* Start a record: refuse a duplicate key, then key and value type. */
static bn_status begin_kv(bn_gguf_writer *w, const char *key, bn_gguf_type type)
{
    if (w->error != BN_OK) return w->error;
    if (!key || !*key) return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: empty key"));
    if (w->n_tensors)
        return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: key '%s' added after tensors", key));
    for (uint64_t i = 0; i < w->n_kv; i++)
        if (strcmp(w->keys[i], key) == 0)
            return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: duplicate key '%s'", key));
    char **keys = realloc(w->keys, (size_t)(w->n_kv + 1) * sizeof *keys);
    if (!keys) return fail_once(w, bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory"));
    w->keys = keys;
    if (!(keys[w->n_kv] = strdup(key)))
        return fail_once(w, bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory"));
    w->n_kv++;
    bn_status st = put_str(&w->kv, key, strlen(key));
    if (st == BN_OK) st = put_u32(&w->kv, (uint32_t)type);
    return fail_once(w, st);
}

static size_t scalar_size(bn_gguf_type t)
{
    static const uint8_t sizes[BN_GGUF_TYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    return (unsigned)t < BN_GGUF_TYPE_COUNT ? sizes[t] : 0;
}

bn_status bn_gguf_add_scalar(bn_gguf_writer *w, const char *key, bn_gguf_type type, const void *value)
{
    size_t n = scalar_size(type);
    if (!n)
        return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: key '%s': %s is not a scalar type",
                                    key, bn_gguf_type_name(type)));
    bn_status st = begin_kv(w, key, type);
    if (st == BN_OK) st = put(&w->kv, value, n);
    if (st == BN_OK && strcmp(key, "general.alignment") == 0) {
        uint32_t a = 0;
        if (type == BN_GGUF_UINT32) memcpy(&a, value, 4);
        if (type != BN_GGUF_UINT32 || a == 0 || (a & (a - 1)))
            st = bn_fail(BN_E_INVALID_ARGUMENT,
                         "gguf writer: general.alignment must be a uint32 power of two");
        else
            w->alignment = a;
    }
    return fail_once(w, st);
}

bn_status bn_gguf_add_u32(bn_gguf_writer *w, const char *key, uint32_t v)
{
    return bn_gguf_add_scalar(w, key, BN_GGUF_UINT32, &v);
}
bn_status bn_gguf_add_i32(bn_gguf_writer *w, const char *key, int32_t v)
{
    return bn_gguf_add_scalar(w, key, BN_GGUF_INT32, &v);
}
bn_status bn_gguf_add_f32(bn_gguf_writer *w, const char *key, float v)
{
    return bn_gguf_add_scalar(w, key, BN_GGUF_FLOAT32, &v);
}
bn_status bn_gguf_add_bool(bn_gguf_writer *w, const char *key, bool v)
{
    uint8_t b = v ? 1 : 0;
    return bn_gguf_add_scalar(w, key, BN_GGUF_BOOL, &b);
}

bn_status bn_gguf_add_str(bn_gguf_writer *w, const char *key, const char *s, size_t len)
{
    bn_status st = begin_kv(w, key, BN_GGUF_STRING);
    if (st == BN_OK) st = put_str(&w->kv, s, len);
    return fail_once(w, st);
}

bn_status bn_gguf_add_array(bn_gguf_writer *w, const char *key, bn_gguf_type elem, uint64_t count,
                            const void *elems)
{
    size_t n = scalar_size(elem);
    if (!n)
        return fail_once(w,
                         bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: key '%s': %s elements are not numeric",
                                 key, bn_gguf_type_name(elem)));
    bn_status st = begin_kv(w, key, BN_GGUF_ARRAY);
    if (st == BN_OK) st = put_u32(&w->kv, (uint32_t)elem);
    if (st == BN_OK) st = put_u64(&w->kv, count);
    if (st == BN_OK) st = put(&w->kv, elems, (size_t)count * n);
    return fail_once(w, st);
}

bn_status bn_gguf_add_str_array(bn_gguf_writer *w, const char *key, uint64_t count, const char *const *strs,
                                const size_t *lens)
{
    bn_status st = begin_kv(w, key, BN_GGUF_ARRAY);
    if (st == BN_OK) st = put_u32(&w->kv, BN_GGUF_STRING);
    if (st == BN_OK) st = put_u64(&w->kv, count);
    for (uint64_t i = 0; i < count && st == BN_OK; i++)
        st = put_str(&w->kv, strs[i], lens ? lens[i] : strlen(strs[i]));
    return fail_once(w, st);
}

bn_status bn_gguf_add_raw(bn_gguf_writer *w, const char *key, bn_gguf_type type, const void *value,
                          size_t len)
{
    bn_status st = begin_kv(w, key, type);
    if (st == BN_OK) st = put(&w->kv, value, len);
    return fail_once(w, st);
}

static bn_status add_tensor(bn_gguf_writer *w, const char *name, uint32_t n_dims, const uint64_t *ne,
                            uint32_t type, uint64_t bytes, bn_gguf_fill_fn *fill, void *ctx, const void *data)
{
    if (w->error != BN_OK) return w->error;
    if (!name || !*name || n_dims < 1 || n_dims > 4)
        return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: tensor '%s': bad name or %u dims",
                                    name ? name : "(null)", n_dims));
    for (size_t i = 0; i < w->n_tensors; i++)
        if (strcmp(w->tensors[i].name, name) == 0)
            return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: duplicate tensor '%s'", name));
    if (w->n_tensors == w->cap_tensors) {
        size_t cap = w->cap_tensors ? 2 * w->cap_tensors : 64;
        pending_tensor *t = realloc(w->tensors, cap * sizeof *t);
        if (!t) return fail_once(w, bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory"));
        w->tensors = t;
        w->cap_tensors = cap;
    }
    pending_tensor *t = &w->tensors[w->n_tensors];
    memset(t, 0, sizeof *t);
    if (!(t->name = strdup(name))) return fail_once(w, bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory"));
    w->n_tensors++;
    t->n_dims = n_dims;
    for (int d = 0; d < 4; d++) t->ne[d] = d < (int)n_dims ? ne[d] : 1;
    t->type = type;
    t->bytes = bytes;
    t->fill = fill;
    t->ctx = ctx;
    t->data = data;
    t->offset = w->data_bytes;
    w->data_bytes = t->offset + (bytes + w->alignment - 1) / w->alignment * w->alignment;
    return BN_OK;
}

bn_status bn_gguf_add_tensor(bn_gguf_writer *w, const char *name, uint32_t n_dims, const uint64_t *ne,
                             uint32_t type, uint64_t bytes, bn_gguf_fill_fn *fill, void *ctx)
{
    if (!fill) return fail_once(w, bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: tensor '%s': no fill", name));
    return add_tensor(w, name, n_dims, ne, type, bytes, fill, ctx, NULL);
}

bn_status bn_gguf_add_tensor_data(bn_gguf_writer *w, const char *name, uint32_t n_dims, const uint64_t *ne,
                                  uint32_t type, const void *data, uint64_t bytes)
{
    return add_tensor(w, name, n_dims, ne, type, bytes, NULL, NULL, data);
}

/* ---------------------------------------------------------------- output */

typedef struct sink {
    FILE *f;
    buffer mem;
    const char *what;
} sink;

static bn_status emit(sink *s, const void *p, size_t n)
{
    if (!s->f) return put(&s->mem, p, n);
    if (n && fwrite(p, 1, n, s->f) != n)
        return bn_fail(BN_E_IO, "%s: write failed: %s", s->what, strerror(errno));
    return BN_OK;
}

static bn_status emit_zeros(sink *s, uint64_t n)
{
    static const uint8_t zeros[64];
    bn_status st = BN_OK;
    while (n && st == BN_OK) {
        size_t k = n < sizeof zeros ? (size_t)n : sizeof zeros;
        st = emit(s, zeros, k);
        n -= k;
    }
    return st;
}

static bn_status emit_tensor(sink *s, const pending_tensor *t, uint8_t *chunk)
{
    bn_status st = BN_OK;
    if (!t->fill) return emit(s, t->data, (size_t)t->bytes);
    for (uint64_t off = 0; off < t->bytes && st == BN_OK; off += CHUNK_BYTES) {
        size_t n = t->bytes - off < CHUNK_BYTES ? (size_t)(t->bytes - off) : CHUNK_BYTES;
        st = t->fill(t->ctx, off, chunk, n);
        if (st == BN_OK) st = emit(s, chunk, n);
    }
    return st;
}

static bn_status emit_all(bn_gguf_writer *w, sink *s)
{
    if (w->error != BN_OK) return w->error;
    buffer head = {0};
    bn_status st = put(&head, "GGUF", 4);
    if (st == BN_OK) st = put_u32(&head, w->version);
    if (st == BN_OK) st = put_u64(&head, w->n_tensors);
    if (st == BN_OK) st = put_u64(&head, w->n_kv);
    if (st == BN_OK) st = put(&head, w->kv.data, w->kv.len);
    for (size_t i = 0; i < w->n_tensors && st == BN_OK; i++) {
        const pending_tensor *t = &w->tensors[i];
        st = put_str(&head, t->name, strlen(t->name));
        if (st == BN_OK) st = put_u32(&head, t->n_dims);
        for (uint32_t d = 0; d < t->n_dims && st == BN_OK; d++) st = put_u64(&head, t->ne[d]);
        if (st == BN_OK) st = put_u32(&head, t->type);
        if (st == BN_OK) st = put_u64(&head, t->offset);
    }
    uint64_t pad = w->n_tensors ? (w->alignment - head.len % w->alignment) % w->alignment : 0;
    if (st == BN_OK) st = emit(s, head.data, head.len);
    free(head.data);
    if (st == BN_OK) st = emit_zeros(s, pad);
    uint8_t *chunk = NULL;
    if (st == BN_OK && w->n_tensors && !(chunk = malloc(CHUNK_BYTES)))
        st = bn_fail(BN_E_NO_MEMORY, "gguf writer: out of memory for the chunk buffer");
    for (size_t i = 0; i < w->n_tensors && st == BN_OK; i++) {
        const pending_tensor *t = &w->tensors[i];
        st = emit_tensor(s, t, chunk);
        uint64_t end = i + 1 < w->n_tensors ? w->tensors[i + 1].offset : w->data_bytes;
        if (st == BN_OK) st = emit_zeros(s, end - t->offset - t->bytes);
    }
    free(chunk);
    return st;
}

/* A large file just written sits in the page cache in folios of whatever size the writes
 * made (for the 2B4T-layout model on ext4 / Linux 6.18: 58% in 2 MiB folios).  Written back
 * and dropped, it is read again on first load through readahead, which fills 2 MiB folios
 * that the model's mapping covers with one page-table entry each instead of 512
 * (docs/performance.md, "Huge page mappings").  Best effort: failure only costs speed. */
#define DROP_MIN_BYTES (64L << 20)

bn_status bn_gguf_writer_write_file(bn_gguf_writer *w, const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return bn_fail(BN_E_INVALID_ARGUMENT, "gguf writer: path too long");
    sink s = {fopen(tmp, "wb"), {0}, path};
    if (!s.f) return bn_fail(BN_E_IO, "%s: cannot create: %s", tmp, strerror(errno));
    setvbuf(s.f, NULL, _IOFBF, 1 << 20);
    bn_status st = emit_all(w, &s);
    if (st == BN_OK && fflush(s.f) == 0 && ftell(s.f) >= DROP_MIN_BYTES)
        (void)bn_drop_page_cache(fileno(s.f));
    if (fclose(s.f) != 0 && st == BN_OK) st = bn_fail(BN_E_IO, "%s: write failed: %s", tmp, strerror(errno));
    if (st == BN_OK && rename(tmp, path) != 0)
        st = bn_fail(BN_E_IO, "%s: cannot rename: %s", path, strerror(errno));
    if (st != BN_OK) unlink(tmp);
    return st;
}

bn_status bn_gguf_writer_write_memory(bn_gguf_writer *w, void **data, size_t *size)
{
    sink s = {NULL, {0}, "(memory)"};
    bn_status st = emit_all(w, &s);
    if (st != BN_OK) {
        free(s.mem.data);
        return st;
    }
    *data = s.mem.data;
    *size = s.mem.len;
    return BN_OK;
}
