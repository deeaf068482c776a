/*
 * sha256.c - SHA-256 as specified by FIPS 180-4 (sections 4.1.2, 4.2.2, 5.1.1, 5.3.3, 6.2).
 *
 * The message is processed in 512-bit blocks, each expanded into a 64-word schedule W and
 * mixed into eight 32-bit working variables with the round constants K (the first 32 bits
 * of the fractional parts of the cube roots of the first 64 primes; the initial hash value
 * uses the square roots of the first 8 primes).  Padding: a 1 bit, zeros up to 56 bytes
 * mod 64, then the message length in bits as a big-endian 64-bit number.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/common/sha256.h"

static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void compress(uint32_t state[8], const uint8_t block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | block[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; t++) {
        uint32_t big_sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
        uint32_t choose = (e & f) ^ (~e & g);
        uint32_t t1 = h + big_sigma1 + choose + round_constants[t] + w[t];
        uint32_t big_sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
        uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = big_sigma0 + majority;
        h = g, g = f, f = e, e = d + t1;
        d = c, c = b, b = a, a = t1 + t2;
    }
    state[0] += a, state[1] += b, state[2] += c, state[3] += d;
    state[4] += e, state[5] += f, state[6] += g, state[7] += h;
}

void bn_sha256_init(bn_sha256_ctx *ctx)
{
    static const uint32_t initial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(ctx->state, initial, sizeof initial);
    ctx->length = 0;
    ctx->used = 0;
}

void bn_sha256_update(bn_sha256_ctx *ctx, const void *data, size_t bytes)
{
    const uint8_t *p = data;
    ctx->length += bytes;
    if (ctx->used) {
        size_t take = 64 - ctx->used < bytes ? 64 - ctx->used : bytes;
        memcpy(ctx->block + ctx->used, p, take);
        ctx->used += take, p += take, bytes -= take;
        if (ctx->used < 64) return;
        compress(ctx->state, ctx->block);
        ctx->used = 0;
    }
    for (; bytes >= 64; p += 64, bytes -= 64) compress(ctx->state, p);
    memcpy(ctx->block, p, bytes);
    ctx->used = bytes;
}

void bn_sha256_final(bn_sha256_ctx *ctx, uint8_t digest[BN_SHA256_BYTES])
{
    uint64_t bits = ctx->length * 8;
    uint8_t pad[72] = {0x80};
    size_t pad_bytes = (ctx->used < 56 ? 56 : 120) - ctx->used;
    for (int i = 0; i < 8; i++) pad[pad_bytes + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    uint64_t length = ctx->length;
    bn_sha256_update(ctx, pad, pad_bytes + 8);
    ctx->length = length;
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) digest[4 * i + j] = (uint8_t)(ctx->state[i] >> (24 - 8 * j));
}

void bn_sha256(const void *data, size_t bytes, uint8_t digest[BN_SHA256_BYTES])
{
    bn_sha256_ctx ctx;
    bn_sha256_init(&ctx);
    bn_sha256_update(&ctx, data, bytes);
    bn_sha256_final(&ctx, digest);
}

void bn_sha256_hex(const uint8_t digest[BN_SHA256_BYTES], char hex[BN_SHA256_HEX])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < BN_SHA256_BYTES; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

bn_status bn_sha256_file(const char *path, uint8_t digest[BN_SHA256_BYTES], uint64_t *bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f) return bn_fail(BN_E_IO, "%s: cannot open: %s", path, strerror(errno));
    enum { CHUNK = 1 << 20 };
    uint8_t *buf = malloc(CHUNK);
    if (!buf) {
        fclose(f);
        return bn_fail(BN_E_NO_MEMORY, "%s: no memory for the read buffer", path);
    }
    bn_sha256_ctx ctx;
    bn_sha256_init(&ctx);
    size_t got;
    while ((got = fread(buf, 1, CHUNK, f)) > 0) bn_sha256_update(&ctx, buf, got);
    bool failed = ferror(f) != 0;
    int err = errno;
    free(buf);
    fclose(f);
    if (failed)
        return bn_fail(BN_E_IO, "%s: read error after %llu bytes: %s", path, (unsigned long long)ctx.length,
                       strerror(err));
    *bytes = ctx.length;
    bn_sha256_final(&ctx, digest);
    return BN_OK;
}
