/*
 * gguf.h - reading (and writing) GGUF files: the container of BitNet models.
 *
 * The reader maps a file read-only and validates everything before anyone uses it: every
 * length, count, offset and size is checked against the file with overflow-safe
 * arithmetic; every failure names what is wrong (key or tensor, byte offset, expected
 * versus found) in bn_last_error().  Nothing points outside the mapping after a
 * successful open.  GGUF v3 is read and written; v2 is read.
 *
 * Strings are not NUL-terminated in GGUF: they are handed out as (pointer, length) views
 * into the mapping, valid until bn_gguf_close.
 */
#ifndef BN_MODEL_GGUF_H
#define BN_MODEL_GGUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"

/* Metadata value types (GGUF spec numbering). */
typedef enum bn_gguf_type {
    BN_GGUF_UINT8 = 0,
    BN_GGUF_INT8 = 1,
    BN_GGUF_UINT16 = 2,
    BN_GGUF_INT16 = 3,
    BN_GGUF_UINT32 = 4,
    BN_GGUF_INT32 = 5,
    BN_GGUF_FLOAT32 = 6,
    BN_GGUF_BOOL = 7,
    BN_GGUF_STRING = 8,
    BN_GGUF_ARRAY = 9,
    BN_GGUF_UINT64 = 10,
    BN_GGUF_INT64 = 11,
    BN_GGUF_FLOAT64 = 12,
    BN_GGUF_TYPE_COUNT = 13
} bn_gguf_type;

/* Tensor types this project knows (ggml numbering; docs/formats.md section 9). */
enum {
    BN_GGML_F32 = 0,
    BN_GGML_F16 = 1,
    BN_GGML_TQ1_0 = 34,
    BN_GGML_TQ2_0 = 35,
    BN_GGML_I2_S = 36,
};

typedef struct bn_gguf_str {
    const char *ptr; /* into the mapping; not NUL-terminated */
    uint64_t len;
} bn_gguf_str;

typedef struct bn_gguf_kv {
    bn_gguf_str key;
    bn_gguf_type type; /* BN_GGUF_ARRAY for arrays */
    bn_gguf_type array_type; /* element type of an array */
    uint64_t count; /* elements of an array (1 for scalars) */
    const uint8_t *value; /* first byte of the value (after the array header) */
    uint64_t offset; /* file offset of the key/value record */
} bn_gguf_kv;

typedef struct bn_gguf_tensor {
    bn_gguf_str name;
    uint32_t n_dims;
    uint64_t ne[4]; /* ne[0] contiguous; unused dims are 1 */
    uint32_t type; /* ggml type id */
    uint64_t offset; /* relative to the data section, as stored */
    uint64_t file_offset; /* absolute */
    uint64_t bytes; /* extent up to the next tensor (or end of file): what the file holds */
    const void *data; /* into the mapping */
} bn_gguf_tensor;

typedef struct bn_gguf bn_gguf;

/* Map and parse a file.  BN_E_IO if it cannot be opened or mapped, BN_E_FORMAT with a
 * precise message for any malformation. */
bn_status bn_gguf_open(const char *path, bn_gguf **out);
/* Parse a buffer in memory (not copied; must outlive the handle).  For tests and fuzzing. */
bn_status bn_gguf_open_memory(const void *data, size_t size, const char *name, bn_gguf **out);
void bn_gguf_close(bn_gguf *g);

const char *bn_gguf_path(const bn_gguf *g);
uint32_t bn_gguf_version(const bn_gguf *g);
uint64_t bn_gguf_file_size(const bn_gguf *g);
uint64_t bn_gguf_alignment(const bn_gguf *g);
uint64_t bn_gguf_data_offset(const bn_gguf *g);
const void *bn_gguf_base(const bn_gguf *g);

size_t bn_gguf_kv_count(const bn_gguf *g);
const bn_gguf_kv *bn_gguf_kv_at(const bn_gguf *g, size_t i);
const bn_gguf_kv *bn_gguf_find_kv(const bn_gguf *g, const char *key);

/* Typed getters: BN_E_NOT_FOUND when the key is absent, BN_E_FORMAT when its type does
 * not fit (integers of any width are accepted when the value fits the target). */
bn_status bn_gguf_get_u32(const bn_gguf *g, const char *key, uint32_t *out);
bn_status bn_gguf_get_u64(const bn_gguf *g, const char *key, uint64_t *out);
bn_status bn_gguf_get_i64(const bn_gguf *g, const char *key, int64_t *out);
bn_status bn_gguf_get_f32(const bn_gguf *g, const char *key, float *out);
bn_status bn_gguf_get_bool(const bn_gguf *g, const char *key, bool *out);
bn_status bn_gguf_get_str(const bn_gguf *g, const char *key, bn_gguf_str *out);
/* Element i of a numeric array as int64 / double (any numeric element type). */
bn_status bn_gguf_array_i64(const bn_gguf_kv *kv, uint64_t i, int64_t *out);
bn_status bn_gguf_array_f64(const bn_gguf_kv *kv, uint64_t i, double *out);
/* All strings of a string array, in order, into out[kv->count]. */
bn_status bn_gguf_array_strings(const bn_gguf_kv *kv, bn_gguf_str *out);

size_t bn_gguf_tensor_count(const bn_gguf *g);
const bn_gguf_tensor *bn_gguf_tensor_at(const bn_gguf *g, size_t i);
const bn_gguf_tensor *bn_gguf_find_tensor(const bn_gguf *g, const char *name);

/* Compare a GGUF string view with a C string. */
bool bn_gguf_str_eq(bn_gguf_str s, const char *c);

/* ---- additions (gguf branch) */

/* "uint8", ..., "float64"; "unknown" out of range. */
const char *bn_gguf_type_name(bn_gguf_type t);
/* "F32", "F16", "TQ1_0", "TQ2_0", "I2_S"; NULL for a type this project does not know. */
const char *bn_ggml_type_name(uint32_t type);
/* Bytes a tensor of this type and shape (ne[4], unused dims 1) needs in a file: F32/F16
 * elements, TQ1_0/TQ2_0 blocks (ne0 % 256 == 0), I2_S data plus its 32-byte scale tail
 * (ne0 % 128 == 0).  BN_E_FORMAT for an unknown type, a zero dim, a misfit ne0 or overflow. */
bn_status bn_gguf_tensor_nbytes(uint32_t type, const uint64_t ne[4], uint64_t *bytes);
/* What bn_gguf_tensor_nbytes says tensor t needs (t->bytes, its extent, is >= this). */
uint64_t bn_gguf_tensor_needed(const bn_gguf *g, const bn_gguf_tensor *t);
/* Map [offset, offset + bytes) of a file-backed handle into the page tables now
 * (MADV_POPULATE_READ, else MADV_WILLNEED and a touch per page), so the first use takes no
 * page faults.  No-op for memory handles. */
bn_status bn_gguf_prefault(const bn_gguf *g, uint64_t offset, uint64_t bytes);
/* Bytes of a file-backed handle's mapping that the kernel maps with 2 MiB pages (Linux
 * /proc/self/smaps FilePmdMapped; 0 elsewhere, for memory handles, or when unreadable). */
uint64_t bn_gguf_huge_mapped_bytes(const bn_gguf *g);

/* ---- the writer (model/gguf_write.c)
 *
 * Collect metadata and tensor records, then write: header, metadata in the order added,
 * tensor records in the order added, padding, then each tensor's data at the next
 * multiple of the alignment (32, or a general.alignment uint32 key added by the caller).
 * Data comes from memory or is streamed through a fill callback in chunks of <= 8 MB.
 * The first error while adding is remembered and returned again by the write calls. */
typedef struct bn_gguf_writer bn_gguf_writer;
/* Write bytes [offset, offset + len) of a tensor's data into buf. */
typedef bn_status bn_gguf_fill_fn(void *ctx, uint64_t offset, void *buf, size_t len);

bn_status bn_gguf_writer_create(bn_gguf_writer **out);
void bn_gguf_writer_free(bn_gguf_writer *w);
bn_status bn_gguf_writer_set_version(bn_gguf_writer *w, uint32_t version); /* 3 (default) or 2 */
/* value: the little-endian bytes of one scalar of `type`. */
bn_status bn_gguf_add_scalar(bn_gguf_writer *w, const char *key, bn_gguf_type type, const void *value);
bn_status bn_gguf_add_u32(bn_gguf_writer *w, const char *key, uint32_t v);
bn_status bn_gguf_add_i32(bn_gguf_writer *w, const char *key, int32_t v);
bn_status bn_gguf_add_f32(bn_gguf_writer *w, const char *key, float v);
bn_status bn_gguf_add_bool(bn_gguf_writer *w, const char *key, bool v);
bn_status bn_gguf_add_str(bn_gguf_writer *w, const char *key, const char *s, size_t len);
/* An array of count numeric elements of type elem, packed little-endian. */
bn_status bn_gguf_add_array(bn_gguf_writer *w, const char *key, bn_gguf_type elem, uint64_t count,
                            const void *elems);
/* An array of strings; lens NULL = NUL-terminated strings. */
bn_status bn_gguf_add_str_array(bn_gguf_writer *w, const char *key, uint64_t count, const char *const *strs,
                                const size_t *lens);
/* A value given as its exact serialised bytes (after the type): nested arrays, tests. */
bn_status bn_gguf_add_raw(bn_gguf_writer *w, const char *key, bn_gguf_type type, const void *value,
                          size_t len);
/* A tensor of `bytes` bytes (normally bn_gguf_tensor_nbytes) filled by a callback at write
 * time, or copied from `data`, which must stay valid until the write. */
bn_status bn_gguf_add_tensor(bn_gguf_writer *w, const char *name, uint32_t n_dims, const uint64_t *ne,
                             uint32_t type, uint64_t bytes, bn_gguf_fill_fn *fill, void *ctx);
bn_status bn_gguf_add_tensor_data(bn_gguf_writer *w, const char *name, uint32_t n_dims, const uint64_t *ne,
                                  uint32_t type, const void *data, uint64_t bytes);
/* Write to path (through path.tmp, renamed when complete) or into a malloc'd buffer. */
bn_status bn_gguf_writer_write_file(bn_gguf_writer *w, const char *path);
bn_status bn_gguf_writer_write_memory(bn_gguf_writer *w, void **data, size_t *size);

#endif /* BN_MODEL_GGUF_H */
