/*
 * loader_ternary.c - one ternary tensor from the file to the kernel format in use.
 *
 * Steps (docs/gguf.md, "Ternary tensors"):
 *  1. I2_S type id: recognise the byte layout from the stored size, I2_S (M*K/4 + 32) or
 *     QK256 (M*ceil(K/256)*64 + 32), strictly (exact, up to alignment padding) or
 *     permissively (deviation <= max(8 bytes, 0.1%), with a warning); never guess between
 *     two layouts that both fit.  TQ2_0/TQ1_0: decode, and require every block scale to be
 *     the same within fp16 rounding (all-zero blocks carry no scale and are skipped).
 *  2. Check for code 3 (corruption): strict error, permissive warning.
 *  3. The weight scale must be a positive finite number.
 *  4. Zero copy when the file's bytes are already the target layout (I2_S as I2_S, either
 *     as QK256 when K % 256 == 0, QK256 as QK256); otherwise unpack with the source
 *     format's kernel and pack with the target's, into the interleave its GEMV reads.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/loader_internal.h"
#include "ref/formats.h"

#define NAME_FMT "'%.*s'"
#define NAME_ARG(t) (int)(t)->name.len, (t)->name.ptr

/* IEEE half -> float, exact for every input (the TQ block scales). */
static float half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h >> 15) << 31, exp = (h >> 10) & 0x1f, man = h & 0x3ff;
    float v;
    if (exp == 0)
        v = ldexpf((float)man, -24); /* zero and subnormals */
    else if (exp == 31)
        v = man ? NAN : INFINITY;
    else
        v = ldexpf((float)(man | 0x400), (int)exp - 25);
    uint32_t bits;
    memcpy(&bits, &v, 4);
    bits |= sign;
    memcpy(&v, &bits, 4);
    return v;
}

/* ---------------------------------------------------------------- 1. I2_S layouts */

typedef struct layout_fit {
    bn_format fmt;
    uint64_t size; /* expected bytes including the tail */
    uint64_t deviation; /* 0 when the stored extent is the size plus alignment padding */
} layout_fit;

static uint64_t deviation_of(uint64_t stored, uint64_t size, uint64_t align)
{
    uint64_t padded = (size + align - 1) / align * align;
    if (stored >= size && stored <= padded) return 0;
    if (stored < size) return size - stored;
    return stored - padded;
}

static bn_status recognise_layout(bn_load_ctx *c, const bn_gguf_tensor *t, bn_format *fmt)
{
    uint64_t k = t->ne[0], m = t->ne[1], stored = t->bytes, align = bn_gguf_alignment(c->g);
    layout_fit fits[2] = {{BN_FORMAT_I2S, m * (k / 4) + BN_TAIL_BYTES, 0},
                          {BN_FORMAT_QK256, m * bn_qk256_row_bytes(k) + BN_TAIL_BYTES, 0}};
    /* With K % 256 == 0 the two layouts are the same bytes: one candidate. */
    int n_layouts = k % BN_QK256_BLOCK ? 2 : 1;
    bool strict = c->opt.mode == BN_LOAD_STRICT;
    int ok = 0, which = -1;
    for (int i = 0; i < n_layouts; i++) {
        fits[i].deviation = deviation_of(stored, fits[i].size, align);
        uint64_t tolerance = fits[i].size / 1000 > 8 ? fits[i].size / 1000 : 8;
        /* the 4 scale bytes of the tail must lie inside what the file holds */
        bool scale_inside = stored + (BN_TAIL_BYTES - 4) >= fits[i].size;
        if (fits[i].deviation == 0 || (!strict && scale_inside && fits[i].deviation <= tolerance)) {
            ok++;
            which = i;
        }
    }
    if (ok == 2)
        return bn_fail(
            BN_E_FORMAT,
            "%s: tensor " NAME_FMT ": stored size %llu bytes fits both the I2_S layout (%llu bytes) "
            "and the QK256 layout (%llu bytes) within %s; refusing to guess",
            bn_gguf_path(c->g), NAME_ARG(t), (unsigned long long)stored, (unsigned long long)fits[0].size,
            (unsigned long long)fits[1].size, strict ? "alignment padding" : "tolerance");
    if (ok == 0) {
        char alt[96] = "";
        if (n_layouts == 2)
            snprintf(alt, sizeof alt, " or QK256 layout (%llu bytes)", (unsigned long long)fits[1].size);
        return bn_fail(BN_E_FORMAT,
                       "%s: tensor " NAME_FMT
                       " (I2_S {%llu, %llu}): stored size %llu bytes matches neither the "
                       "I2_S layout (%llu bytes)%s %s",
                       bn_gguf_path(c->g), NAME_ARG(t), (unsigned long long)k, (unsigned long long)m,
                       (unsigned long long)stored, (unsigned long long)fits[0].size, alt,
                       strict ? "exactly (strict mode)" : "within max(8 bytes, 0.1%) (permissive mode)");
    }
    if (fits[which].deviation)
        bn_load_warn(c,
                     "tensor '%.*s': stored size %llu bytes deviates from the %s layout size %llu bytes by "
                     "%llu bytes; accepted in permissive mode",
                     NAME_ARG(t), (unsigned long long)stored, bn_format_name(fits[which].fmt),
                     (unsigned long long)fits[which].size, (unsigned long long)fits[which].deviation);
    *fmt = fits[which].fmt;
    return BN_OK;
}

/* ---------------------------------------------------------------- 2. code 3 */

/* Index of the first byte holding a code 3 (both bits of a 2-bit field set), or n.  The
 * common case is a clean tensor, so whole 4 KB blocks are OR-reduced without a branch in
 * the inner loop (the compiler vectorises it); only a dirty block is searched byte by byte. */
static size_t first_code3(const uint8_t *p, size_t n)
{
    enum { BLOCK = 4096 };
    size_t i = 0;
    for (; i + BLOCK <= n; i += BLOCK) {
        uint64_t any = 0;
        for (size_t j = 0; j < BLOCK; j += 8) {
            uint64_t w;
            memcpy(&w, p + i + j, 8);
            any |= w & (w >> 1);
        }
        if (any & 0x5555555555555555ull) break;
    }
    for (; i < n; i++)
        if (p[i] & (p[i] >> 1) & 0x55) return i;
    return n;
}

static bn_status check_code3(bn_load_ctx *c, const bn_gguf_tensor *t, const uint8_t *data, size_t bytes,
                             size_t row_bytes)
{
    size_t at = first_code3(data, bytes);
    if (at == bytes) return BN_OK;
    if (c->opt.mode == BN_LOAD_STRICT)
        return bn_fail(BN_E_CORRUPT,
                       "%s: tensor " NAME_FMT ": code 3 (not a ternary value) in row %zu at byte %zu of the "
                       "tensor data (file byte %llu); the file is corrupt",
                       bn_gguf_path(c->g), NAME_ARG(t), at / row_bytes, at,
                       (unsigned long long)(t->file_offset + at));
    bn_load_warn(
        c,
        "tensor '%.*s': code 3 (corrupt weight) in row %zu at byte %zu; it reads as +2 in every kernel "
        "(permissive mode)",
        NAME_ARG(t), at / row_bytes, at);
    return BN_OK;
}

/* Code 3 unpacks as +2, which no other layout can hold: converting such a tensor is an
 * error in every mode (formats.md 3.1).  TQ2_0 codes decode the same way. */
static bn_status refuse_code3_conversion(bn_load_ctx *c, const bn_gguf_tensor *t, const int8_t *w, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (w[i] > 1)
            return bn_fail(BN_E_CORRUPT,
                           "%s: tensor " NAME_FMT
                           ": code 3 (not a ternary value) at row %zu, column %zu cannot be "
                           "converted to %s",
                           bn_gguf_path(c->g), NAME_ARG(t), i / (size_t)t->ne[0], i % (size_t)t->ne[0],
                           bn_format_name(c->target));
    return BN_OK;
}

/* ---------------------------------------------------------------- TQ2_0 / TQ1_0 */

/* Trits of a TQ1_0 byte, most significant first: the byte stores ceil(v * 256 / 243) for
 * v = the base-3 number of the trits, so multiplying by 3^n (mod 256) brings trit n to the
 * top and *3 >> 8 reads it. */
static int8_t tq1_trit(uint8_t byte, unsigned n)
{
    static const uint8_t pow3[5] = {1, 3, 9, 27, 81};
    uint8_t q = (uint8_t)(byte * pow3[n]);
    return (int8_t)((((uint16_t)q * 3) >> 8) - 1);
}

/* Decode one 256-weight block into w[256]; returns the block's fp16 scale. */
static uint16_t decode_tq_block(uint32_t type, const uint8_t *b, int8_t *w)
{
    uint16_t d;
    if (type == BN_GGML_TQ2_0) {
        /* 64 code bytes: within each 128-half, byte m holds weights m, m+32, m+64, m+96 in
         * bits 1..0, 3..2, 5..4, 7..6 (LSB first); code q means w = q - 1. */
        for (unsigned half = 0; half < 2; half++)
            for (unsigned m = 0; m < 32; m++)
                for (unsigned n = 0; n < 4; n++)
                    w[half * 128 + n * 32 + m] = (int8_t)(((b[half * 32 + m] >> (2 * n)) & 3) - 1);
        memcpy(&d, b + 64, 2);
        return d;
    }
    /* TQ1_0: 48 bytes of 5 trits (32 bytes -> weights 0..159, 16 -> 160..239), 4 bytes of
     * 4 trits (weights 240..255), then the scale. */
    for (unsigned n = 0; n < 5; n++)
        for (unsigned m = 0; m < 32; m++) w[n * 32 + m] = tq1_trit(b[m], n);
    for (unsigned n = 0; n < 5; n++)
        for (unsigned m = 0; m < 16; m++) w[160 + n * 16 + m] = tq1_trit(b[32 + m], n);
    for (unsigned n = 0; n < 4; n++)
        for (unsigned j = 0; j < 4; j++) w[240 + n * 4 + j] = tq1_trit(b[48 + j], n);
    memcpy(&d, b + 52, 2);
    return d;
}

/* Adjacent fp16 values (one unit in the last place apart) are "equal within fp16
 * rounding": both can be the rounding of the same f32 tensor scale by different writers. */
static bool half_close(uint16_t a, uint16_t b)
{
    if ((a ^ b) & 0x8000) return a == b;
    return (a > b ? a - b : b - a) <= 1;
}

static bn_status decode_tq(bn_load_ctx *c, const bn_gguf_tensor *t, int8_t *w, float *ws)
{
    uint64_t k = t->ne[0], m = t->ne[1], blocks = k / 256 * m;
    size_t block_bytes = t->type == BN_GGML_TQ2_0 ? 66 : 54;
    const uint8_t *p = t->data;
    bool have = false;
    uint16_t first = 0;
    uint64_t first_block = 0;
    for (uint64_t i = 0; i < blocks; i++) {
        int8_t *bw = w + i * 256;
        uint16_t d = decode_tq_block(t->type, p + i * block_bytes, bw);
        bool zero = true;
        for (int j = 0; j < 256 && zero; j++) zero = bw[j] == 0;
        if (zero) continue;
        if (!have) {
            have = true, first = d, first_block = i;
        } else if (!half_close(d, first)) {
            return bn_fail(BN_E_FORMAT,
                           "%s: tensor " NAME_FMT
                           " (%s): block %llu has scale %g (fp16 0x%04x) but block %llu has "
                           "%g (0x%04x); only tensors with one scale (within fp16 rounding) convert to I2_S",
                           bn_gguf_path(c->g), NAME_ARG(t), bn_ggml_type_name(t->type), (unsigned long long)i,
                           (double)half_to_float(d), d, (unsigned long long)first_block,
                           (double)half_to_float(first), first);
        }
    }
    *ws = have ? half_to_float(first) : 0.0f;
    return BN_OK;
}

/* ---------------------------------------------------------------- 4. to the target */

static bn_status pack_target(bn_load_ctx *c, const bn_gguf_tensor *t, const int8_t *w, float ws,
                             bn_weights *out)
{
    size_t m = out->rows, k = out->cols, bytes;
    const bn_kernel *pack;
    bn_status st = bn_weights_bytes(c->target, m, k, c->target_lr, &bytes);
    if (st == BN_OK) st = bn_kernel_select(c->target, BN_OP_PACK, &pack);
    if (st != BN_OK)
        return bn_fail(st, "%s: tensor " NAME_FMT ": cannot convert to %s: %s", bn_gguf_path(c->g),
                       NAME_ARG(t), bn_format_name(c->target), bn_last_error());
    void *buf = bn_load_alloc(c, bytes);
    if (!buf) return BN_E_NO_MEMORY;
    st = bn_weights_pack(pack, m, k, w, k, ws, c->target_lr, buf);
    if (st != BN_OK) return st;
    out->data = buf;
    out->layout_rows = c->target_lr;
    out->format = c->target;
    return BN_OK;
}

static bn_status unpack_source(const bn_weights *src, int8_t *w)
{
    const bn_kernel *unpack;
    bn_status st = bn_kernel_select(src->format, BN_OP_UNPACK, &unpack);
    if (st == BN_OK) st = bn_weights_unpack(unpack, src, w, src->cols);
    return st;
}

bn_status bn_load_ternary(bn_load_ctx *c, const bn_gguf_tensor *t, bn_weights *out)
{
    size_t k = (size_t)t->ne[0], m = (size_t)t->ne[1];
    memset(out, 0, sizeof *out);
    out->rows = m;
    out->cols = k;
    bn_status st;
    if (t->type == BN_GGML_TQ2_0 || t->type == BN_GGML_TQ1_0) {
        int8_t *w = malloc(m * k);
        if (!w) return bn_fail(BN_E_NO_MEMORY, "out of memory converting tensor " NAME_FMT, NAME_ARG(t));
        float ws = 0.0f;
        st = decode_tq(c, t, w, &ws);
        if (st == BN_OK) st = refuse_code3_conversion(c, t, w, m * k);
        if (st == BN_OK && !(ws > 0.0f && isfinite(ws)))
            st = bn_fail(BN_E_FORMAT,
                         "%s: tensor " NAME_FMT ": block scale %g is not a positive finite number",
                         bn_gguf_path(c->g), NAME_ARG(t), (double)ws);
        out->scale = ws;
        if (st == BN_OK) st = pack_target(c, t, w, ws, out);
        free(w);
        return st;
    }

    bn_format src_fmt = BN_FORMAT_I2S;
    st = recognise_layout(c, t, &src_fmt);
    if (st != BN_OK) return st;
    size_t row_bytes = src_fmt == BN_FORMAT_I2S ? bn_i2s_row_bytes(k) : bn_qk256_row_bytes(k);
    const uint8_t *data = t->data;
    st = check_code3(c, t, data, m * row_bytes, row_bytes);
    if (st != BN_OK) return st;
    float ws = bn_tail_load(data + m * row_bytes);
    if (!(ws > 0.0f && isfinite(ws)))
        return bn_fail(BN_E_FORMAT,
                       "%s: tensor " NAME_FMT
                       ": weight scale %g in the tail at file byte %llu is not a positive "
                       "finite number",
                       bn_gguf_path(c->g), NAME_ARG(t), (double)ws,
                       (unsigned long long)(t->file_offset + m * row_bytes));
    bn_weights src = {data, m, k, ws, 1, src_fmt};
    bool same_bytes = src_fmt == c->target || (k % BN_QK256_BLOCK == 0 &&
                                               (c->target == BN_FORMAT_I2S || c->target == BN_FORMAT_QK256));
    if (same_bytes) {
        *out = src;
        out->format = c->target;
        return BN_OK;
    }
    int8_t *w = malloc(m * k);
    if (!w) return bn_fail(BN_E_NO_MEMORY, "out of memory converting tensor " NAME_FMT, NAME_ARG(t));
    st = unpack_source(&src, w);
    if (st == BN_OK) st = refuse_code3_conversion(c, t, w, m * k);
    out->scale = ws;
    if (st == BN_OK) st = pack_target(c, t, w, ws, out);
    free(w);
    return st;
}
