/*
 * status.c - status codes, the per-thread last-error message, version and the names of
 * formats, ops and ISAs.
 */
#include <stdio.h>
#include <string.h>

#include "dispatch/dispatch.h"

static _Thread_local char last_error[1024];

const char *bn_version(void) { return BN_VERSION_STRING; }

const char *bn_status_str(bn_status status)
{
    switch (status) {
    case BN_OK: return "ok";
    case BN_E_INVALID_ARGUMENT: return "invalid argument";
    case BN_E_UNSUPPORTED: return "unsupported";
    case BN_E_NO_MEMORY: return "out of memory";
    case BN_E_IO: return "input/output error";
    case BN_E_FORMAT: return "malformed data";
    case BN_E_NOT_FOUND: return "not found";
    case BN_E_RANGE: return "out of range";
    case BN_E_CORRUPT: return "corrupt data";
    case BN_E_CONFIG: return "bad configuration";
    }
    return "unknown status";
}

const char *bn_last_error(void) { return last_error; }

void bn_clear_error(void) { last_error[0] = '\0'; }

bn_status bn_vfail(bn_status status, const char *fmt, va_list ap)
{
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    return status;
}

bn_status bn_fail(bn_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bn_vfail(status, fmt, ap);
    va_end(ap);
    return status;
}

static const char *const format_names[BN_FORMAT_COUNT] = {"i2s", "qk256", "tl1", "tl2",
                                                          "a8",  "f16",   "f32", "q8"};
static const char *const op_names[BN_OP_COUNT] = {"quant", "dequant", "pack", "unpack",
                                                  "lut",   "gemv",    "gemm", "softmax"};
static const char *const isa_names[BN_ISA_COUNT] = {"scalar",     "avx2", "avx512",
                                                    "avx512vbmi", "neon", "neondot"};

static int name_index(const char *const *names, int count, const char *name)
{
    if (!name) return -1;
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}

const char *bn_format_name(bn_format f) { return (unsigned)f < BN_FORMAT_COUNT ? format_names[f] : "?"; }
const char *bn_op_name(bn_op op) { return (unsigned)op < BN_OP_COUNT ? op_names[op] : "?"; }
const char *bn_isa_name(bn_isa isa) { return (unsigned)isa < BN_ISA_COUNT ? isa_names[isa] : "?"; }
int bn_format_from_name(const char *name) { return name_index(format_names, BN_FORMAT_COUNT, name); }
int bn_op_from_name(const char *name) { return name_index(op_names, BN_OP_COUNT, name); }
int bn_isa_from_name(const char *name) { return name_index(isa_names, BN_ISA_COUNT, name); }
