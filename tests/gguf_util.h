/*
 * gguf_util.h - helpers shared by the GGUF and loader tests: small valid files built with
 * the writer, byte patching, and assertions on a failure's status and message.
 */
#ifndef BN_TESTS_GGUF_UTIL_H
#define BN_TESTS_GGUF_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "model/gguf.h"

typedef struct bn_test_file {
    uint8_t *data;
    size_t size;
} bn_test_file;

/* A small valid file: keys test.u32 (7), test.str ("hello"), test.dup_a, test.dup_b (u8);
 * tensors t.first F32 {8, 2}, t.second F16 {16}, t.third I2_S {128, 2} (scale 0.5). */
bn_test_file bn_test_small_file(void);
/* Write w into memory (asserts success) and free it. */
bn_test_file bn_test_finish(bn_gguf_writer *w);
/* Pointer to the first occurrence of a string's bytes in the file (asserts it exists). */
uint8_t *bn_test_find(bn_test_file f, const char *text);
/* Pointer to the bytes just after tensor `name`'s name in its record (n_dims follows). */
uint8_t *bn_test_tensor_record(bn_test_file f, const char *name);
void bn_test_put_u32(uint8_t *p, uint32_t v);
void bn_test_put_u64(uint8_t *p, uint64_t v);
/* Open a buffer and assert it fails with `status` and a message containing `needle`. */
void bn_test_expect_open_error(const void *data, size_t size, bn_status status, const char *needle);
/* Copy a valid GGUF with edits: a tensor's stored bytes grown (zero padding) or shrunk,
 * a tensor renamed or dropped, or another alignment.  Keys are copied byte for byte. */
typedef struct bn_test_edit {
    const char *tensor; /* NULL: edit applies to the file (alignment) */
    int64_t extra_bytes;
    const char *rename;
    bool drop;
} bn_test_edit;
bn_test_file bn_test_rewrite(bn_test_file f, const bn_test_edit *edits, size_t n_edits, uint32_t alignment);
/* A synthetic model (fixtures/gen) written into memory. */
struct bn_synth_spec;
bn_test_file bn_test_synth(const struct bn_synth_spec *spec);
/* Directory of the read-only shared data ("../shared/data" or $BN_SHARED_DATA). */
const char *bn_test_shared_data(void);

#endif /* BN_TESTS_GGUF_UTIL_H */
