/*
 * golden.h - the container of the golden vectors in fixtures/golden (docs: MANIFEST.md
 * there): named, typed arrays in one little-endian binary file.
 *
 *   "BNGOLD01", u32 record count, then per record:
 *   u8 name length, name bytes, u8 type, u32 element count, the elements (little-endian)
 */
#ifndef BN_HARNESS_GOLDEN_H
#define BN_HARNESS_GOLDEN_H

#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"

typedef enum bn_gold_type {
    BN_GOLD_I8 = 1,
    BN_GOLD_U8 = 2,
    BN_GOLD_I32 = 3,
    BN_GOLD_F32 = 4,
    BN_GOLD_U16 = 5,
    BN_GOLD_U64 = 6,
} bn_gold_type;

typedef struct bn_golden bn_golden;

bn_golden *bn_golden_new(void);
void bn_golden_free(bn_golden *g);
/* Append a copy of count elements (names up to 255 bytes, unique). */
void bn_golden_add(bn_golden *g, const char *name, bn_gold_type type, const void *data, size_t count);
bn_status bn_golden_write(const bn_golden *g, const char *path);
/* Read and validate a file: BN_E_IO / BN_E_FORMAT naming the file and byte offset. */
bn_status bn_golden_read(const char *path, bn_golden **out);
/* The elements of a record, or NULL (with bn_last_error naming it) if it is absent or of
 * another type. */
const void *bn_golden_get(const bn_golden *g, const char *name, bn_gold_type type, size_t *count);

#endif /* BN_HARNESS_GOLDEN_H */
