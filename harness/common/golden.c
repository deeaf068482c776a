/* golden.c - reading and writing the golden-vector container of golden.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/common/golden.h"

#define MAGIC "BNGOLD01"

typedef struct record {
    char name[256];
    bn_gold_type type;
    size_t count;
    void *data;
} record;

struct bn_golden {
    record *records;
    size_t count, cap;
    char path[256];
};

static size_t type_size(unsigned type)
{
    switch (type) {
    case BN_GOLD_I8:
    case BN_GOLD_U8: return 1;
    case BN_GOLD_U16: return 2;
    case BN_GOLD_I32:
    case BN_GOLD_F32: return 4;
    case BN_GOLD_U64: return 8;
    default: return 0;
    }
}

bn_golden *bn_golden_new(void) { return calloc(1, sizeof(bn_golden)); }

void bn_golden_free(bn_golden *g)
{
    if (!g) return;
    for (size_t i = 0; i < g->count; i++) free(g->records[i].data);
    free(g->records);
    free(g);
}

static record *append(bn_golden *g)
{
    if (g->count == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        g->records = realloc(g->records, g->cap * sizeof *g->records);
        if (!g->records) abort(); /* the generator and tests cannot continue without memory */
    }
    return memset(&g->records[g->count++], 0, sizeof(record));
}

void bn_golden_add(bn_golden *g, const char *name, bn_gold_type type, const void *data, size_t count)
{
    record *r = append(g);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->type = type;
    r->count = count;
    r->data = malloc(count * type_size(type) + 1);
    if (!r->data) abort();
    memcpy(r->data, data, count * type_size(type));
}

static void put_u32(FILE *f, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    fwrite(b, 1, 4, f);
}

bn_status bn_golden_write(const bn_golden *g, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f) return bn_fail(BN_E_IO, "%s: cannot create: %s", path, strerror(errno));
    fwrite(MAGIC, 1, 8, f);
    put_u32(f, (uint32_t)g->count);
    for (size_t i = 0; i < g->count; i++) {
        const record *r = &g->records[i];
        uint8_t len = (uint8_t)strlen(r->name), type = (uint8_t)r->type;
        fwrite(&len, 1, 1, f);
        fwrite(r->name, 1, len, f);
        fwrite(&type, 1, 1, f);
        put_u32(f, (uint32_t)r->count);
        fwrite(r->data, type_size(r->type), r->count, f); /* little-endian hosts only */
    }
    bool failed = ferror(f) != 0;
    if (fclose(f) != 0 || failed) return bn_fail(BN_E_IO, "%s: write failed", path);
    return BN_OK;
}

bn_status bn_golden_read(const char *path, bn_golden **out)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return bn_fail(BN_E_IO, "%s: cannot open: %s", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1);
    size_t got = buf ? fread(buf, 1, (size_t)size, f) : 0;
    fclose(f);
    if (!buf || got != (size_t)size) {
        free(buf);
        return bn_fail(BN_E_IO, "%s: read failed", path);
    }
    bn_golden *g = bn_golden_new();
    snprintf(g->path, sizeof g->path, "%s", path);
    size_t at = 12,
           n = size >= 12 ? (size_t)(buf[8] | buf[9] << 8 | buf[10] << 16 | (uint32_t)buf[11] << 24) : 0;
    bn_status st = BN_OK;
    if (size < 12 || memcmp(buf, MAGIC, 8) != 0)
        st = bn_fail(BN_E_FORMAT, "%s: not a golden file (magic)", path);
    for (size_t i = 0; st == BN_OK && i < n; i++) {
        size_t start = at;
        if (at + 1 > (size_t)size || at + 1 + buf[at] + 5 > (size_t)size) {
            st = bn_fail(BN_E_FORMAT, "%s: record %zu header at byte %zu runs past the end", path, i, start);
            break;
        }
        record *r = append(g);
        memcpy(r->name, buf + at + 1, buf[at]);
        at += 1 + (size_t)buf[at];
        r->type = (bn_gold_type)buf[at];
        r->count = buf[at + 1] | buf[at + 2] << 8 | buf[at + 3] << 16 | (size_t)buf[at + 4] << 24;
        at += 5;
        size_t bytes = r->count * type_size(r->type);
        if (!type_size(r->type) || at + bytes > (size_t)size) {
            st = bn_fail(BN_E_FORMAT, "%s: record '%s' at byte %zu: bad type %u or %zu elements past the end",
                         path, r->name, start, (unsigned)r->type, r->count);
            break;
        }
        r->data = malloc(bytes + 1);
        memcpy(r->data, buf + at, bytes);
        at += bytes;
    }
    if (st == BN_OK && at != (size_t)size)
        st = bn_fail(BN_E_FORMAT, "%s: %zu trailing bytes after the last record", path, (size_t)size - at);
    free(buf);
    if (st != BN_OK) {
        bn_golden_free(g);
        return st;
    }
    *out = g;
    return BN_OK;
}

const void *bn_golden_get(const bn_golden *g, const char *name, bn_gold_type type, size_t *count)
{
    for (size_t i = 0; i < g->count; i++)
        if (strcmp(g->records[i].name, name) == 0) {
            if (g->records[i].type != type) {
                bn_fail(BN_E_FORMAT, "%s: record '%s' has type %u, expected %u", g->path, name,
                        (unsigned)g->records[i].type, (unsigned)type);
                return NULL;
            }
            if (count) *count = g->records[i].count;
            return g->records[i].data;
        }
    bn_fail(BN_E_NOT_FOUND, "%s: no record '%s'", g->path, name);
    return NULL;
}
