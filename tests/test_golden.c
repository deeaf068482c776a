/*
 * test_golden.c - the reference twins reproduce the golden vectors of fixtures/golden
 * exactly.  Those were computed by tools/make-golden.c along other paths (OpenBLAS,
 * byte-level constructions, double arithmetic), so a wrong ref is caught here even though
 * every SIMD-versus-ref comparison would agree with it.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/common/golden.h"
#include "harness/common/harness.h"
#include "harness/common/sha256.h"
#include "ref/ref.h"

#define GOLDEN_DIR "fixtures/golden"

static bn_golden *open_golden(const char *file)
{
    char path[256];
    snprintf(path, sizeof path, GOLDEN_DIR "/%s", file);
    bn_golden *g;
    cr_assert_eq(bn_golden_read(path, &g), BN_OK, "%s", bn_last_error());
    return g;
}

static const void *need(const bn_golden *g, const char *name, bn_gold_type type, size_t count)
{
    size_t n;
    const void *p = bn_golden_get(g, name, type, &n);
    cr_assert_not_null(p, "%s", bn_last_error());
    cr_assert_eq(n, count, "record %s has %zu elements, expected %zu", name, n, count);
    return p;
}

/* Byte-exact comparison that names the first difference. */
static void same_bytes(const void *got, const void *want, size_t bytes, const char *file, const char *what)
{
    const uint8_t *a = got, *b = want;
    for (size_t i = 0; i < bytes; i++)
        if (a[i] != b[i])
            cr_assert_fail("%s: %s differs at byte %zu of %zu: 0x%02x, golden 0x%02x", file, what, i, bytes,
                           a[i], b[i]);
}

static bn_format format_of(const char *file)
{
    char name[16];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(file, "_"), file);
    int f = bn_format_from_name(name);
    cr_assert_geq(f, 0, "%s", file);
    return (bn_format)f;
}

static void check_layout(const char *file, bn_format f, const bn_golden *g, const uint8_t *want, size_t lr,
                         const int8_t *t, float ws, const bn_act *x, const float *y)
{
    const uint64_t *d = need(g, "dims", BN_GOLD_U64, 4);
    size_t m = d[0], k = d[1], n = d[2], bytes;
    char what[64];
    cr_assert_eq(bn_weights_bytes(f, m, k, (unsigned)lr, &bytes), BN_OK);
    uint8_t *out = calloc(bytes, 1);
    int8_t *back = malloc(m * k);
    float *deq = malloc(m * k * sizeof(float)), *got = malloc(n * m * sizeof(float));
    snprintf(what, sizeof what, "pack (layout_rows %zu)", lr);
    bn_ref_twin(f, BN_OP_PACK).pack(m, k, t, k, ws, (unsigned)lr, out);
    same_bytes(out, want, bytes, file, what);
    bn_weights w = {want, m, k, ws, (unsigned)lr, f};
    bn_ref_twin(f, BN_OP_UNPACK).unpack(&w, back, k);
    snprintf(what, sizeof what, "unpack (layout_rows %zu)", lr);
    same_bytes(back, t, m * k, file, what);
    bn_ref_twin(f, BN_OP_DEQUANT).dequant(&w, deq, k * sizeof(float));
    for (size_t i = 0; i < m * k; i++)
        cr_assert(deq[i] == (float)t[i] * ws && signbit(deq[i]) == signbit((float)t[i] * ws),
                  "%s: dequant (layout_rows %zu) [%zu] = %a, expected %a", file, lr, i, deq[i],
                  (float)t[i] * ws);
    bn_ref_twin(f, BN_OP_GEMM).gemm(&w, 0, m, n, x, got, m * sizeof(float));
    snprintf(what, sizeof what, "gemm (layout_rows %zu)", lr);
    same_bytes(got, y, n * m * sizeof(float), file, what);
    memset(got, 0, m * sizeof(float));
    bn_ref_twin(f, BN_OP_GEMV).gemv(&w, 0, m, x, got);
    snprintf(what, sizeof what, "gemv (layout_rows %zu)", lr);
    same_bytes(got, y, m * sizeof(float), file, what);
    free(out), free(back), free(deq), free(got);
}

static void check_ternary_file(const char *file)
{
    bn_golden *g = open_golden(file);
    bn_format f = format_of(file);
    const uint64_t *d = need(g, "dims", BN_GOLD_U64, 4);
    size_t m = d[0], k = d[1], n = d[2], lr = d[3], bytes;
    bool tl = f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2;
    cr_assert_eq(bn_weights_bytes(f, m, k, 1, &bytes), BN_OK);
    const int8_t *t = need(g, "t", BN_GOLD_I8, m * k), *q = need(g, "q", BN_GOLD_I8, n * k);
    const float ws = *(const float *)need(g, "ws", BN_GOLD_F32, 1);
    const float *wf = need(g, "wf", BN_GOLD_F32, m * k), *s = need(g, "s", BN_GOLD_F32, n);
    const float *y = need(g, "y", BN_GOLD_F32, n * m);
    const int32_t *qsum = need(g, "qsum", BN_GOLD_I32, n);
    const uint8_t *packed = need(g, "packed", BN_GOLD_U8, bytes), *raw = need(g, "raw", BN_GOLD_U8, bytes);

    /* weight quantisation of ternary*scale floats gives the canonical bytes */
    uint8_t *out = calloc(bytes, 1);
    bn_ref_twin(f, BN_OP_QUANT).quant(m, k, wf, k * sizeof(float), out);
    same_bytes(out, packed, bytes, file, "quant");
    free(out);

    bn_act x = {q, k, s, qsum, NULL, 0};
    uint8_t *lut = NULL;
    if (tl) {
        size_t table;
        cr_assert_eq(bn_lut_bytes(f, k, &table), BN_OK);
        const uint8_t *want = need(g, "lut", BN_GOLD_U8, n * table);
        lut = calloc(n, table);
        bn_ref_twin(f, BN_OP_LUT).lut(n, k, q, k, lut, table);
        same_bytes(lut, want, n * table, file, "lut");
        x.lut = want, x.lut_stride = table;
    }
    check_layout(file, f, g, packed, 1, t, ws, &x, y);
    if (tl) {
        size_t tiled_bytes;
        cr_assert_eq(bn_weights_bytes(f, m, k, (unsigned)lr, &tiled_bytes), BN_OK);
        check_layout(file, f, g, need(g, "tiled", BN_GOLD_U8, tiled_bytes), lr, t, ws, &x, y);
    }

    /* invalid codes (I2_S/QK256 code 3 = +2, TL invalid indices = 0) behave as specified */
    const int8_t *raw_t = need(g, "raw_t", BN_GOLD_I8, m * k);
    const float *raw_y = need(g, "raw_y", BN_GOLD_F32, n * m);
    bn_weights w = {raw, m, k, ws, 1, f};
    int8_t *back = malloc(m * k);
    float *got = malloc(n * m * sizeof(float));
    bn_ref_twin(f, BN_OP_UNPACK).unpack(&w, back, k);
    same_bytes(back, raw_t, m * k, file, "unpack of raw bytes");
    bn_ref_twin(f, BN_OP_GEMM).gemm(&w, 0, m, n, &x, got, m * sizeof(float));
    same_bytes(got, raw_y, n * m * sizeof(float), file, "gemm of raw bytes");
    free(back), free(got), free(lut);
    bn_golden_free(g);
}

Test(golden, i2s) { check_ternary_file("i2s_m13_k256.bin"); }
Test(golden, i2s_past_int16_sums) { check_ternary_file("i2s_m2_k4096.bin"); }
Test(golden, qk256) { check_ternary_file("qk256_m7_k256.bin"); }
Test(golden, qk256_padded_block) { check_ternary_file("qk256_m7_k300.bin"); }
Test(golden, tl1) { check_ternary_file("tl1_m13_k200.bin"); }
Test(golden, tl2_no_tail) { check_ternary_file("tl2_m9_k198.bin"); }
Test(golden, tl2_one_tail_pair) { check_ternary_file("tl2_m9_k200.bin"); }
Test(golden, tl2_two_tail_pairs) { check_ternary_file("tl2_m9_k202.bin"); }

Test(golden, a8)
{
    bn_golden *g = open_golden("a8.bin");
    const uint64_t *d = need(g, "dims", BN_GOLD_U64, 2);
    size_t n = d[0], k = d[1];
    const float *x = need(g, "x", BN_GOLD_F32, n * k);
    int8_t *q = malloc(n * k);
    float *s = malloc(n * sizeof(float));
    int32_t *qsum = malloc(n * sizeof(int32_t));
    bn_a8_quant__ref(n, k, x, k * sizeof(float), q, k, s, qsum);
    same_bytes(s, need(g, "s", BN_GOLD_F32, n), n * sizeof(float), "a8.bin", "scales");
    same_bytes(q, need(g, "q", BN_GOLD_I8, n * k), n * k, "a8.bin", "codes");
    same_bytes(qsum, need(g, "qsum", BN_GOLD_I32, n), n * sizeof(int32_t), "a8.bin", "code sums");
    free(q), free(s), free(qsum);
    bn_golden_free(g);
}

Test(golden, f16_conversions_gemv_and_scalar_rules)
{
    bn_golden *g = open_golden("f16_and_rules.bin");
    static uint8_t all[65536 * 4];
    for (uint32_t h = 0; h < 65536; h++) {
        float v = bn_f16_to_f32__ref((uint16_t)h);
        memcpy(all + 4 * h, &v, 4);
    }
    uint8_t digest[BN_SHA256_BYTES];
    bn_sha256(all, sizeof all, digest);
    same_bytes(digest, need(g, "decode_sha256", BN_GOLD_U8, BN_SHA256_BYTES), BN_SHA256_BYTES, "f16",
               "decode hash");

    size_t e;
    const float *in = bn_golden_get(g, "encode_in", BN_GOLD_F32, &e);
    const uint16_t *want = need(g, "encode_out", BN_GOLD_U16, e);
    for (size_t i = 0; i < e; i++)
        cr_expect_eq(bn_f32_to_f16__ref(in[i]), want[i], "encode(%a) = 0x%04x, golden 0x%04x", in[i],
                     bn_f32_to_f16__ref(in[i]), want[i]);

    const uint64_t *d = need(g, "dims", BN_GOLD_U64, 2);
    size_t m = d[0], k = d[1];
    bn_weights w = {need(g, "w", BN_GOLD_U16, m * k), m, k, 1.0f, 1, BN_FORMAT_F16};
    float y[64];
    bn_f16_gemv__ref(&w, 0, m, need(g, "x", BN_GOLD_F32, k), y);
    same_bytes(y, need(g, "y", BN_GOLD_F32, m), m * sizeof(float), "f16", "gemv (exact values)");
    bn_f16_gemv_exact__ref(&w, 0, m, need(g, "x", BN_GOLD_F32, k), y);
    same_bytes(y, need(g, "y", BN_GOLD_F32, m), m * sizeof(float), "f16", "gemv in double (exact values)");
    d = need(g, "canonical_dims", BN_GOLD_U64, 2);
    m = d[0], k = d[1];
    bn_weights wc = {need(g, "canonical_w", BN_GOLD_U16, m * k), m, k, 1.0f, 1, BN_FORMAT_F16};
    bn_f16_gemv__ref(&wc, 0, m, need(g, "canonical_x", BN_GOLD_F32, k), y);
    same_bytes(y, need(g, "canonical_y", BN_GOLD_F32, m), m * sizeof(float), "f16", "gemv (canonical order)");

    size_t p;
    const int32_t *isum = bn_golden_get(g, "epilogue_isum", BN_GOLD_I32, &p);
    const float *es = need(g, "epilogue_s", BN_GOLD_F32, p), *ews = need(g, "epilogue_ws", BN_GOLD_F32, p);
    const float *ey = need(g, "epilogue_y", BN_GOLD_F32, p), *tw = need(g, "ternary_in", BN_GOLD_F32, p);
    const int8_t *tv = need(g, "ternary_out", BN_GOLD_I8, p);
    for (size_t i = 0; i < p; i++) {
        float got = bn_epilogue__ref(isum[i], es[i], ews[i]);
        cr_expect_eq(memcmp(&got, &ey[i], 4), 0, "epilogue(%d, %a, %a) = %a, golden %a", isum[i], es[i],
                     ews[i], got, ey[i]);
        cr_expect_eq(bn_ternary_of__ref(tw[i]), tv[i], "ternary_of(%a)", tw[i]);
    }
    bn_golden_free(g);
}

/* MANIFEST.md lists every file with its sha256, and the files are those bytes. */
Test(golden, manifest_matches_files)
{
    FILE *f = fopen(GOLDEN_DIR "/MANIFEST.md", "r");
    cr_assert_not_null(f, "no " GOLDEN_DIR "/MANIFEST.md");
    char line[1024];
    unsigned listed = 0;
    while (fgets(line, sizeof line, f)) {
        char file[128], hex[80];
        if (sscanf(line, "| %127[^ |] | %79[0-9a-f] |", file, hex) != 2 || strlen(hex) != 64) continue;
        char path[256], got[BN_SHA256_HEX];
        snprintf(path, sizeof path, GOLDEN_DIR "/%s", file);
        uint8_t d[BN_SHA256_BYTES];
        uint64_t bytes;
        cr_assert_eq(bn_sha256_file(path, d, &bytes), BN_OK, "%s", bn_last_error());
        bn_sha256_hex(d, got);
        cr_expect_str_eq(got, hex, "%s: sha256 differs from MANIFEST.md", file);
        listed++;
    }
    fclose(f);
    unsigned present = 0;
    DIR *dir = opendir(GOLDEN_DIR);
    cr_assert_not_null(dir);
    for (struct dirent *e; (e = readdir(dir));) present += strstr(e->d_name, ".bin") != NULL;
    closedir(dir);
    cr_expect_eq(listed, present, "MANIFEST.md lists %u files, the folder holds %u", listed, present);
    cr_expect_geq(listed, 10);
}

Test(golden, container_errors_name_the_file)
{
    bn_golden *g;
    cr_expect_eq(bn_golden_read(GOLDEN_DIR "/MANIFEST.md", &g), BN_E_FORMAT);
    cr_expect(strstr(bn_last_error(), "MANIFEST.md") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_golden_read(GOLDEN_DIR "/missing.bin", &g), BN_E_IO);
    g = open_golden("a8.bin");
    cr_expect_null(bn_golden_get(g, "x", BN_GOLD_I8, NULL));
    cr_expect(strstr(bn_last_error(), "record 'x' has type 4"), "%s", bn_last_error());
    cr_expect_null(bn_golden_get(g, "nothing", BN_GOLD_I8, NULL));
    bn_golden_free(g);
}
