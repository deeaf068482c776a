/* test_sha256.c - SHA-256 against the FIPS 180-4 example vectors and coreutils sha256sum. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/common/sha256.h"

static void expect_hash(const void *data, size_t bytes, const char *want)
{
    uint8_t d[BN_SHA256_BYTES];
    char hex[BN_SHA256_HEX];
    bn_sha256(data, bytes, d);
    bn_sha256_hex(d, hex);
    cr_expect_str_eq(hex, want, "sha256 of %zu bytes", bytes);
}

/* The examples of FIPS 180-4 / NIST CSRC (one block, two blocks, long message). */
Test(sha256, fips_vectors)
{
    expect_hash("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect_hash("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect_hash(two, strlen(two), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    const char *long_msg =
        "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrl"
        "mnopqrsmnopqrstnopqrstu";
    expect_hash(long_msg, strlen(long_msg),
                "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    expect_hash(million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

/* Lengths around the padding boundaries (55/56 bytes fit one or two final blocks);
 * expected values from coreutils sha256sum on runs of 'x'. */
Test(sha256, padding_boundaries)
{
    static const struct {
        size_t n;
        const char *hex;
    } cases[] = {
        {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
        {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
        {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
        {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
        {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
        {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
        {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
        {128, "24da1b81d0b16df6428eee73c69fcb2a93c76bc6df706f0c6670fe6bfe800464"},
    };
    char buf[128];
    memset(buf, 'x', sizeof buf);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) expect_hash(buf, cases[i].n, cases[i].hex);
}

/* Feeding the same bytes in pieces of every size gives the one-shot digest. */
Test(sha256, incremental_equals_one_shot)
{
    uint8_t data[300], whole[BN_SHA256_BYTES], parts[BN_SHA256_BYTES];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (uint8_t)(i * 131 + 7);
    bn_sha256(data, sizeof data, whole);
    for (size_t piece = 1; piece <= 130; piece++) {
        bn_sha256_ctx ctx;
        bn_sha256_init(&ctx);
        for (size_t at = 0; at < sizeof data; at += piece)
            bn_sha256_update(&ctx, data + at, at + piece <= sizeof data ? piece : sizeof data - at);
        bn_sha256_final(&ctx, parts);
        cr_assert_arr_eq(whole, parts, BN_SHA256_BYTES, "pieces of %zu bytes", piece);
    }
}

Test(sha256, file_digest_and_size)
{
    char path[] = "/tmp/bn-sha256-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "wb");
    fputs("abc", f);
    fclose(f);
    uint8_t d[BN_SHA256_BYTES];
    char hex[BN_SHA256_HEX];
    uint64_t bytes = 0;
    cr_assert_eq(bn_sha256_file(path, d, &bytes), BN_OK);
    bn_sha256_hex(d, hex);
    cr_expect_eq(bytes, 3);
    cr_expect_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    remove(path);
    cr_expect_eq(bn_sha256_file(path, d, &bytes), BN_E_IO);
    cr_expect(strstr(bn_last_error(), path) != NULL, "%s", bn_last_error());
}
