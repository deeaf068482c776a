/*
 * sha256.h - SHA-256 (FIPS 180-4), for model file hashes in receipts and their check.
 *
 * Incremental: init, update any number of times with any lengths, final.  bn_sha256_file
 * hashes a whole file in 1 MiB reads and reports its size.
 */
#ifndef BN_HARNESS_SHA256_H
#define BN_HARNESS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"

#define BN_SHA256_BYTES 32
#define BN_SHA256_HEX 65 /* 64 lower-case hex digits and a NUL */

typedef struct bn_sha256_ctx {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64]; /* pending partial block */
    size_t used; /* bytes pending in block */
} bn_sha256_ctx;

void bn_sha256_init(bn_sha256_ctx *ctx);
void bn_sha256_update(bn_sha256_ctx *ctx, const void *data, size_t bytes);
void bn_sha256_final(bn_sha256_ctx *ctx, uint8_t digest[BN_SHA256_BYTES]);
/* One-shot digest of a buffer. */
void bn_sha256(const void *data, size_t bytes, uint8_t digest[BN_SHA256_BYTES]);
/* Lower-case hex of a digest. */
void bn_sha256_hex(const uint8_t digest[BN_SHA256_BYTES], char hex[BN_SHA256_HEX]);
/* Digest and size of a file; BN_E_IO naming the file on any open/read error. */
bn_status bn_sha256_file(const char *path, uint8_t digest[BN_SHA256_BYTES], uint64_t *bytes);

#endif /* BN_HARNESS_SHA256_H */
