/*
 * test_gguf_malformed.c - one test per class of malformed container: each must fail with
 * BN_E_FORMAT and its own message, never crash, never read outside the buffer (these also
 * run under ASan/UBSan in `make test-san`, where an out-of-bounds read is fatal).
 *
 * Inputs are copied into a heap buffer of exactly their size so ASan sees any over-read.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "tests/gguf_util.h"

/* Open exactly `size` bytes of f (a fresh allocation of that size) and expect an error. */
static void expect_prefix_error(bn_test_file f, size_t size, const char *needle)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, f.data, size);
    bn_test_expect_open_error(copy, size, BN_E_FORMAT, needle);
    free(copy);
}

Test(gguf_malformed, small_file_is_valid)
{
    bn_test_file f = bn_test_small_file();
    bn_gguf *g;
    cr_assert_eq(bn_gguf_open_memory(f.data, f.size, "small", &g), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_gguf_tensor_count(g), 3);
    bn_gguf_close(g);
    free(f.data);
}

Test(gguf_malformed, truncated_at_every_byte)
{
    bn_test_file f = bn_test_small_file();
    for (size_t n = 0; n < f.size; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        memcpy(copy, f.data, n);
        bn_gguf *g = NULL;
        bn_status st = bn_gguf_open_memory(copy, n, "cut.gguf", &g);
        cr_assert_eq(st, BN_E_FORMAT, "prefix of %zu bytes: status %d", n, (int)st);
        cr_assert_null(g);
        const char *m = bn_last_error();
        cr_assert(strstr(m, "truncated") || strstr(m, "past end of file") || strstr(m, "impossible") ||
                      strstr(m, "remain"),
                  "prefix of %zu bytes: message '%s' does not say the file is cut short", n, m);
        free(copy);
    }
    free(f.data);
}

Test(gguf_malformed, truncated_at_each_section_boundary)
{
    bn_test_file f = bn_test_small_file();
    expect_prefix_error(f, 0, "magic needs 4 bytes, 0 remain");
    expect_prefix_error(f, 4, "truncated at byte 4: version");
    expect_prefix_error(f, 8, "truncated at byte 8: tensor count");
    expect_prefix_error(f, 16, "truncated at byte 16: metadata key/value count");
    /* header complete, no room for the promised records */
    expect_prefix_error(f, 24, "metadata count 4 at byte 16 is impossible");
    /* cut inside a key string, and right after the key (before its value type) */
    size_t key = (size_t)(bn_test_find(f, "test.dup_b") - f.data);
    expect_prefix_error(f, key + 3, "string length 10 runs past end of file");
    expect_prefix_error(f, key + 10, "value type needs 4 bytes");
    /* all metadata present, tensor records cut: right before the first record */
    size_t first = (size_t)(bn_test_tensor_record(f, "t.first") - f.data) - 8 - strlen("t.first");
    expect_prefix_error(f, first, "tensor count 3 at byte 8 is impossible");
    /* inside the last record (its data offset) */
    size_t third = (size_t)(bn_test_tensor_record(f, "t.third") - f.data);
    expect_prefix_error(f, third + 4 + 16 + 4 + 2, "tensor data offset needs 8 bytes");
    /* records complete, padding to the data section cut */
    size_t end_records = third + 4 + 16 + 4 + 8;
    expect_prefix_error(f, end_records + 1, "padding to the data section");
    /* data section cut: the last tensor runs past the end */
    expect_prefix_error(f, f.size - 1, "tensor 't.third'");
    expect_prefix_error(f, f.size - 1, "runs past end of file");
    free(f.data);
}

Test(gguf_malformed, bad_magic)
{
    bn_test_file f = bn_test_small_file();
    memcpy(f.data, "GGML", 4);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "bad magic at byte 0: expected \"GGUF\"");
    free(f.data);
}

Test(gguf_malformed, unknown_version)
{
    bn_test_file f = bn_test_small_file();
    bn_test_put_u32(f.data + 4, 4);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "unknown GGUF version 4");
    bn_test_put_u32(f.data + 4, 1);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "unknown GGUF version 1");
    free(f.data);
}

Test(gguf_malformed, unknown_value_type)
{
    bn_test_file f = bn_test_small_file();
    uint8_t *type = bn_test_find(f, "test.u32") + strlen("test.u32");
    bn_test_put_u32(type, 13);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "key 'test.u32'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "unknown value type 13");
    free(f.data);
}

Test(gguf_malformed, string_length_past_eof)
{
    bn_test_file f = bn_test_small_file();
    uint8_t *len = bn_test_find(f, "hello") - 8;
    bn_test_put_u64(len, 1ull << 40);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT,
                              "string length 1099511627776 runs past end of file");
    bn_test_put_u64(len, UINT64_MAX);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "runs past end of file");
    free(f.data);
}

Test(gguf_malformed, array_count_overflow)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    uint32_t elems[2] = {1, 2};
    bn_gguf_add_array(w, "arr.u32", BN_GGUF_UINT32, 2, elems);
    const char *strs[1] = {"x"};
    bn_gguf_add_str_array(w, "arr.str", 1, strs, NULL);
    bn_test_file f = bn_test_finish(w);
    /* count * 4 wraps around 2^64 to a small number: must still be refused */
    uint8_t *count = bn_test_find(f, "arr.u32") + strlen("arr.u32") + 4 + 4;
    bn_test_put_u64(count, (1ull << 62) + 1);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "array count 4611686018427387905");
    bn_test_put_u64(count, 2);
    count = bn_test_find(f, "arr.str") + strlen("arr.str") + 4 + 4;
    bn_test_put_u64(count, UINT64_MAX);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "key 'arr.str'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "need at least 8 bytes each");
    free(f.data);
}

Test(gguf_malformed, nested_arrays_too_deep)
{
    uint8_t value[12 * 10];
    for (int i = 0; i < 10; i++) {
        bn_test_put_u32(value + 12 * i, BN_GGUF_ARRAY);
        bn_test_put_u64(value + 12 * i + 4, 1);
    }
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    bn_gguf_add_raw(w, "deep", BN_GGUF_ARRAY, value, sizeof value);
    bn_test_file f = bn_test_finish(w);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "nested deeper than 8");
    free(f.data);
}

Test(gguf_malformed, bool_out_of_range)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    uint8_t two = 2;
    bn_gguf_add_raw(w, "flag", BN_GGUF_BOOL, &two, 1);
    bn_test_file f = bn_test_finish(w);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "bool at byte");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "holds 2 (expected 0 or 1)");
    free(f.data);
}

Test(gguf_malformed, duplicate_key)
{
    bn_test_file f = bn_test_small_file();
    bn_test_find(f, "test.dup_b")[9] = 'a';
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "duplicate key 'test.dup_a'");
    free(f.data);
}

Test(gguf_malformed, duplicate_tensor_name)
{
    bn_test_file f = bn_test_small_file();
    /* "t.first" and "t.third" have the same length */
    memcpy(bn_test_tensor_record(f, "t.third") - 7, "t.first", 7);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "duplicate tensor name 't.first'");
    free(f.data);
}

Test(gguf_malformed, bad_alignment)
{
    bn_gguf_writer *w;
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    uint32_t three = 3;
    bn_gguf_add_raw(w, "general.alignment", BN_GGUF_UINT32, &three, 4);
    bn_test_file f = bn_test_finish(w);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "'general.alignment'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "3 is not a power of two");
    free(f.data);
    cr_assert_eq(bn_gguf_writer_create(&w), BN_OK);
    bn_gguf_add_str(w, "general.alignment", "32", 2);
    f = bn_test_finish(w);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "expected uint32, found string");
    free(f.data);
}

static uint8_t *offset_field(bn_test_file f, const char *name, uint32_t n_dims)
{
    return bn_test_tensor_record(f, name) + 4 + 8 * n_dims + 4;
}

Test(gguf_malformed, tensor_offset_past_eof)
{
    bn_test_file f = bn_test_small_file();
    bn_test_put_u64(offset_field(f, "t.second", 1), 1ull << 20);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "tensor 't.second'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT,
                              "(data offset 1048576) + 32 bytes runs past end of file");
    bn_test_put_u64(offset_field(f, "t.second", 1), UINT64_MAX - 31);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "runs past end of file");
    free(f.data);
}

Test(gguf_malformed, overlapping_tensors)
{
    bn_test_file f = bn_test_small_file();
    /* t.first is 64 bytes at data offset 0; move t.second onto its second half */
    bn_test_put_u64(offset_field(f, "t.second", 1), 32);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "tensor 't.first'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT,
                              "data offset 0 + 64 bytes overlaps tensor 't.second'");
    free(f.data);
}

Test(gguf_malformed, misaligned_data)
{
    bn_test_file f = bn_test_small_file();
    uint8_t *off = offset_field(f, "t.third", 2);
    uint64_t was;
    memcpy(&was, off, 8);
    bn_test_put_u64(off, was + 4);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "tensor 't.third'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "is not a multiple of the alignment 32");
    free(f.data);
}

Test(gguf_malformed, wrong_dims_count)
{
    bn_test_file f = bn_test_small_file();
    uint8_t *dims = bn_test_tensor_record(f, "t.first");
    bn_test_put_u32(dims, 5);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "tensor 't.first'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "dimension count 5");
    bn_test_put_u32(dims, 0);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "dimension count 0");
    bn_test_put_u32(dims, 2);
    bn_test_put_u64(dims + 4, 0);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "dimension 0 is 0");
    free(f.data);
}

Test(gguf_malformed, unknown_tensor_type)
{
    bn_test_file f = bn_test_small_file();
    bn_test_put_u32(bn_test_tensor_record(f, "t.second") + 4 + 8, 99);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "tensor 't.second'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "unknown tensor type 99");
    free(f.data);
}

Test(gguf_malformed, i2s_k_not_multiple_of_128)
{
    bn_test_file f = bn_test_small_file();
    uint8_t *dims = bn_test_tensor_record(f, "t.third");
    bn_test_put_u64(dims + 4, 64);
    bn_test_put_u64(dims + 12, 4);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "tensor 't.third'");
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "I2_S needs K (ne0) % 128 == 0, found K = 64");
    free(f.data);
}

Test(gguf_malformed, element_count_overflow)
{
    bn_test_file f = bn_test_small_file();
    uint8_t *dims = bn_test_tensor_record(f, "t.first");
    bn_test_put_u64(dims + 4, 1ull << 40);
    bn_test_put_u64(dims + 12, 1ull << 40);
    bn_test_expect_open_error(f.data, f.size, BN_E_FORMAT, "element count overflows");
    free(f.data);
}
