/*
 * select.c - resolving the preference lists into one kernel per (format, op).
 *
 * Overrides (read from the environment on first use, or set by bn_dispatch_configure):
 *   BN_ISA=scalar|avx2|avx512|avx512vbmi|neon|neondot  caps the tier: only features of
 *          that tier's mask remain;
 *   BN_DISABLE=name,...  removes CPU features (feature names such as avx512vnni, or tier
 *          names, which remove the features that distinguish the tier);
 *   BN_DISPATCH_DEBUG=1  prints the choice per slot to stderr once resolved.
 * Unknown names are errors, never ignored.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"

/* Features whose absence takes a tier away (what BN_DISABLE=<tier> removes). */
static bn_cpu_features tier_defining_features(bn_isa isa)
{
    switch (isa) {
    case BN_ISA_AVX2: return BN_CPU_BIT(BN_CPU_AVX2);
    case BN_ISA_AVX512: return BN_CPU_BIT(BN_CPU_AVX512F);
    case BN_ISA_AVX512VBMI: return BN_CPU_BIT(BN_CPU_AVX512VBMI);
    case BN_ISA_NEON: return BN_CPU_BIT(BN_CPU_NEON);
    case BN_ISA_NEONDOT: return BN_CPU_BIT(BN_CPU_DOTPROD);
    default: return 0;
    }
}

static bn_status parse_cap(const char *cap, const char *arch, bn_cpu_features *allowed)
{
    *allowed = ~(bn_cpu_features)0;
    if (!cap || !*cap) return BN_OK;
    int isa = bn_isa_from_name(cap);
    if (isa < 0)
        return bn_fail(BN_E_CONFIG,
                       "BN_ISA=%s: unknown ISA (expected one of scalar, avx2, avx512, "
                       "avx512vbmi, neon, neondot)",
                       cap);
    if (!bn_isa_in_arch((bn_isa)isa, arch))
        return bn_fail(BN_E_CONFIG, "BN_ISA=%s: not an ISA of the %s architecture", cap, arch);
    *allowed = bn_isa_features((bn_isa)isa);
    return BN_OK;
}

static bn_status parse_disable(const char *list, bn_cpu_features *removed)
{
    *removed = 0;
    if (!list || !*list) return BN_OK;
    char buf[256];
    if (strlen(list) >= sizeof buf) return bn_fail(BN_E_CONFIG, "BN_DISABLE: value too long");
    strcpy(buf, list);
    char *save = NULL;
    for (char *name = strtok_r(buf, ", ", &save); name; name = strtok_r(NULL, ", ", &save)) {
        int feature = bn_cpu_feature_from_name(name);
        int isa = bn_isa_from_name(name);
        if (feature >= 0)
            *removed |= BN_CPU_BIT(feature);
        else if (isa > 0)
            *removed |= tier_defining_features((bn_isa)isa);
        else if (isa == BN_ISA_SCALAR)
            return bn_fail(BN_E_CONFIG, "BN_DISABLE=%s: the scalar tier cannot be disabled", list);
        else
            return bn_fail(BN_E_CONFIG, "BN_DISABLE=%s: unknown feature or ISA '%s'", list, name);
    }
    return BN_OK;
}

bool bn_kernel_usable_in(const struct bn_kernel *k, const bn_resolution *res)
{
    bn_cpu_features need = bn_isa_features(k->isa);
    return bn_isa_in_build(k->isa) && (need & ~res->effective) == 0;
}

/* May a kernel reading layout `lr` run on weights packed for the selected GEMV? */
static bool layout_compatible(unsigned kernel_lr, unsigned required_lr)
{
    return kernel_lr == 0 || kernel_lr == required_lr;
}

/* The kernel named `name` in table[0..count), or NULL. */
static const struct bn_kernel *find_in(const struct bn_kernel *table, size_t count, const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(table[i].name, name) == 0) return &table[i];
    return NULL;
}

/* bn_resolve over a kernel table for a target architecture (the build's registry, or the
 * registry of every architecture for bn_resolve_arch). */
static bn_status resolve_in(const char *arch, const struct bn_kernel *reg, size_t count,
                            bn_cpu_features detected, const char *isa_cap, const char *disable,
                            bn_resolution *out)
{
    bn_cpu_features allowed, removed;
    bn_status st = parse_cap(isa_cap, arch, &allowed);
    if (st != BN_OK) return st;
    st = parse_disable(disable, &removed);
    if (st != BN_OK) return st;

    memset(out, 0, sizeof *out);
    out->detected = detected;
    out->effective = detected & allowed & ~removed;
    snprintf(out->isa_cap, sizeof out->isa_cap, "%s", isa_cap ? isa_cap : "");
    snprintf(out->disabled, sizeof out->disabled, "%s", disable ? disable : "");

    for (int f = 0; f < BN_FORMAT_COUNT; f++) {
        /* GEMV first: it fixes the layout the weights are packed in, GEMM must read it. */
        static const bn_op order[BN_OP_COUNT] = {BN_OP_GEMV, BN_OP_GEMM,   BN_OP_QUANT, BN_OP_DEQUANT,
                                                 BN_OP_PACK, BN_OP_UNPACK, BN_OP_LUT,   BN_OP_SOFTMAX};
        unsigned required_lr = 1;
        for (int i = 0; i < BN_OP_COUNT; i++) {
            bn_op op = order[i];
            out->choice[f][op] = -1;
            if (!bn_format_has_op((bn_format)f, op)) continue;
            const char *const *list = bn_preferences((bn_format)f, op);
            for (size_t j = 0; list && list[j]; j++) {
                const struct bn_kernel *k = find_in(reg, count, list[j]);
                if (!k || !bn_isa_in_arch(k->isa, arch) || (bn_isa_features(k->isa) & ~out->effective))
                    continue;
                if (op == BN_OP_GEMM && !layout_compatible(k->layout_rows, required_lr)) continue;
                out->choice[f][op] = (int)(k - reg);
                break;
            }
            if (out->choice[f][op] < 0)
                return bn_fail(BN_E_UNSUPPORTED, "no usable kernel for %s %s (preference list exhausted)",
                               bn_format_name((bn_format)f), bn_op_name(op));
            if (op == BN_OP_GEMV && reg[out->choice[f][op]].layout_rows > 1)
                required_lr = reg[out->choice[f][op]].layout_rows;
        }
    }
    return BN_OK;
}

bn_status bn_resolve(bn_cpu_features detected, const char *isa_cap, const char *disable, bn_resolution *out)
{
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    return resolve_in(bn_build_arch(), reg, count, detected, isa_cap, disable, out);
}

bn_status bn_resolve_arch(const char *arch, bn_cpu_features detected, const char *isa_cap,
                          const char *disable, bn_resolution *out)
{
    if (!arch || !bn_isa_in_arch(BN_ISA_SCALAR, arch))
        return bn_fail(BN_E_CONFIG, "unknown architecture '%s' (expected x86_64, aarch64 or other)",
                       arch ? arch : "(null)");
    size_t count;
    const struct bn_kernel *reg = bn_registry_all(&count);
    return resolve_in(arch, reg, count, detected, isa_cap, disable, out);
}

/* ---- the process-wide resolution */

static bn_resolution current;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;

static size_t describe(const bn_resolution *res, char *buf, size_t size);

/* Called inside the pthread_once of bn_dispatch, so it must not call bn_dispatch (or
 * bn_dispatch_describe) itself: that would wait on the once it is running in. */
static void print_choice(FILE *to)
{
    char buf[8192];
    describe(&current, buf, sizeof buf);
    fputs(buf, to);
}

static void resolve_from_env(void)
{
    bn_status st = bn_resolve(bn_cpu_detect(), getenv("BN_ISA"), getenv("BN_DISABLE"), &current);
    if (st != BN_OK) {
        fprintf(stderr, "libbitnet: %s\n", bn_last_error());
        exit(2);
    }
    const char *debug = getenv("BN_DISPATCH_DEBUG");
    if (debug && *debug && strcmp(debug, "0") != 0) print_choice(stderr);
}

const bn_resolution *bn_dispatch(void)
{
    pthread_once(&env_once, resolve_from_env);
    return &current;
}

bn_status bn_dispatch_configure(const char *isa_cap, const char *disable)
{
    pthread_once(&env_once, resolve_from_env);
    bn_resolution next;
    bn_status st = bn_resolve(bn_cpu_detect(), isa_cap, disable, &next);
    if (st != BN_OK) return st;
    current = next;
    return BN_OK;
}

const char *bn_dispatch_isa_cap(void) { return bn_dispatch()->isa_cap; }
const char *bn_dispatch_disabled(void) { return bn_dispatch()->disabled; }
bn_cpu_features bn_cpu_effective(void) { return bn_dispatch()->effective; }

unsigned bn_dispatch_layout_rows(bn_format fmt)
{
    const bn_resolution *res = bn_dispatch();
    int gemv = res->choice[fmt][BN_OP_GEMV];
    if (gemv < 0) return 1;
    size_t count;
    unsigned lr = bn_registry(&count)[gemv].layout_rows;
    return lr == 0 ? 1 : lr;
}

bn_format bn_dispatch_preferred_format(void)
{
    const bn_resolution *res = bn_dispatch();
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    static const bn_format candidates[] = {BN_FORMAT_I2S, BN_FORMAT_QK256, BN_FORMAT_TL1, BN_FORMAT_TL2};
    bn_format best = BN_FORMAT_I2S;
    int best_tier = -1;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        int idx = res->choice[candidates[i]][BN_OP_GEMV];
        /* A tier is the ISA enum's order within one architecture (scalar < avx2 < ...). */
        if (idx >= 0 && (int)reg[idx].isa > best_tier) {
            best_tier = (int)reg[idx].isa;
            best = candidates[i];
        }
    }
    return best;
}

bn_status bn_kernel_select(bn_format format, bn_op op, const bn_kernel **out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_kernel_select: out is NULL");
    if ((unsigned)format >= BN_FORMAT_COUNT || (unsigned)op >= BN_OP_COUNT)
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_kernel_select: format %d / op %d out of range", (int)format,
                       (int)op);
    int idx = bn_dispatch()->choice[format][op];
    if (idx < 0)
        return bn_fail(BN_E_NOT_FOUND, "format %s has no op %s", bn_format_name(format), bn_op_name(op));
    size_t count;
    *out = &bn_registry(&count)[idx];
    return BN_OK;
}

int bn_kernel_usable(const bn_kernel *k) { return k && bn_kernel_usable_in(k, bn_dispatch()); }

/* Append to a bounded buffer, tracking the length that would have been needed. */
typedef struct text {
    char *buf;
    size_t size, len;
} text;

static void put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->size ? t->size - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
}

static void put_features(text *t, bn_cpu_features mask)
{
    int any = 0;
    for (unsigned b = 0; bn_cpu_feature_name(b); b++)
        if (mask & BN_CPU_BIT(b)) put(t, "%s%s", any++ ? " " : "", bn_cpu_feature_name(b));
    if (!any) put(t, "(none)");
}

size_t bn_dispatch_describe(char *buf, size_t size) { return describe(bn_dispatch(), buf, size); }

static size_t describe(const bn_resolution *res, char *buf, size_t size)
{
    text t = {buf, size, 0};
    if (size) buf[0] = '\0';
    put(&t, "cpu: %s\ndetected: ", bn_cpu_model());
    put_features(&t, res->detected);
    put(&t, "\neffective: ");
    put_features(&t, res->effective);
    put(&t, "\noverrides: BN_ISA=%s BN_DISABLE=%s\n", res->isa_cap[0] ? res->isa_cap : "(none)",
        res->disabled[0] ? res->disabled : "(none)");
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        for (int op = 0; op < BN_OP_COUNT; op++) {
            int idx = res->choice[f][op];
            if (idx < 0) continue;
            put(&t, "%-6s %-8s -> %s", bn_format_name((bn_format)f), bn_op_name((bn_op)op), reg[idx].name);
            const char *const *list = bn_preferences((bn_format)f, (bn_op)op);
            const char *sep = "  (passed over:";
            for (size_t j = 0; list && list[j] && strcmp(list[j], reg[idx].name) != 0; j++) {
                const struct bn_kernel *k = bn_registry_find(list[j]);
                if (!k) continue; /* not in this build */
                bn_cpu_features missing = bn_isa_features(k->isa) & ~res->effective;
                put(&t, "%s %s [", sep, k->name);
                if (missing) {
                    put(&t, "lacks ");
                    put_features(&t, missing);
                } else {
                    put(&t, "layout %u differs from the GEMV's", (unsigned)k->layout_rows);
                }
                put(&t, "]");
                sep = ",";
            }
            put(&t, "%s\n", sep[0] == ',' ? ")" : "");
        }
    return t.len + 1;
}
