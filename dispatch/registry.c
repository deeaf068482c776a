/*
 * registry.c - the const kernel table, expanded from the per-format lists, and the
 * per-kernel counters that dispatch updates at every call site.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch/dispatch.h"
#include "kernels/registry.h"

/* 1. Declare every kernel with its op's function type: a signature that drifts from the
 *    contract in kernels/kernel.h fails to compile here. */
// clang-format off
#define BN_KERNEL(sym, fmt, op, isa, mr, nr, kr, lr, ka, ov, eb) BN_IF_##isa(BN_FNTYPE(fmt, op) sym;)
#include "kernels/a8/a8.inc"
#include "kernels/i2s/i2s.inc"
#include "kernels/qk256/qk256.inc"
#include "kernels/tl1/tl1.inc"
#include "kernels/tl2/tl2.inc"
#include "kernels/f16/f16.inc"
#include "kernels/f32/f32.inc"
#include "kernels/q8/q8.inc"
#undef BN_KERNEL

/* 2. The table, in list order: a8, i2s, qk256, tl1, tl2, f16, f32, q8. */
#define BN_KERNEL(sym, fmt, op, isa, mr, nr, kr, lr, ka, ov, eb)                              \
    BN_IF_##isa({#sym, BN_FMT_##fmt, BN_OPV_##op, BN_ISAV_##isa, mr, nr, kr, lr, ka, ov, eb,    \
                 {.BN_FNFIELD(fmt, op) = sym}}, )
static const struct bn_kernel registry[] = {
#include "kernels/a8/a8.inc"
#include "kernels/i2s/i2s.inc"
#include "kernels/qk256/qk256.inc"
#include "kernels/tl1/tl1.inc"
#include "kernels/tl2/tl2.inc"
#include "kernels/f16/f16.inc"
#include "kernels/f32/f32.inc"
#include "kernels/q8/q8.inc"
};
#undef BN_KERNEL

/* 3. Every kernel of every architecture, without function pointers: what the lists
 *    describe, so that tools can check names, formats and ISAs of receipts written on
 *    another architecture (an aarch64 receipt verifies on x86 and vice versa). */
#define BN_KERNEL(sym, fmt, op, isa, mr, nr, kr, lr, ka, ov, eb)                              \
    {#sym, BN_FMT_##fmt, BN_OPV_##op, BN_ISAV_##isa, mr, nr, kr, lr, ka, ov, eb, {0}},
static const struct bn_kernel registry_all[] = {
#include "kernels/a8/a8.inc"
#include "kernels/i2s/i2s.inc"
#include "kernels/qk256/qk256.inc"
#include "kernels/tl1/tl1.inc"
#include "kernels/tl2/tl2.inc"
#include "kernels/f16/f16.inc"
#include "kernels/f32/f32.inc"
#include "kernels/q8/q8.inc"
};
#undef BN_KERNEL
// clang-format on

#define REGISTRY_SIZE (sizeof registry / sizeof registry[0])
#define REGISTRY_ALL_SIZE (sizeof registry_all / sizeof registry_all[0])

const struct bn_kernel *bn_registry_all(size_t *count)
{
    *count = REGISTRY_ALL_SIZE;
    return registry_all;
}

const struct bn_kernel *bn_registry_all_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < REGISTRY_ALL_SIZE; i++)
        if (strcmp(registry_all[i].name, name) == 0) return &registry_all[i];
    return NULL;
}

const struct bn_kernel *bn_registry(size_t *count)
{
    *count = REGISTRY_SIZE;
    return registry;
}

const struct bn_kernel *bn_registry_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < REGISTRY_SIZE; i++)
        if (strcmp(registry[i].name, name) == 0) return &registry[i];
    return NULL;
}

size_t bn_kernel_count(void) { return REGISTRY_SIZE; }
const bn_kernel *bn_kernel_at(size_t index) { return index < REGISTRY_SIZE ? &registry[index] : NULL; }
const char *bn_kernel_name(const bn_kernel *k) { return k->name; }
bn_format bn_kernel_format(const bn_kernel *k) { return k->format; }
bn_op bn_kernel_op(const bn_kernel *k) { return k->op; }
bn_isa bn_kernel_isa(const bn_kernel *k) { return k->isa; }
unsigned bn_kernel_id(const bn_kernel *k) { return (unsigned)(k - registry); }
unsigned bn_kernel_layout_rows(const bn_kernel *k) { return k->layout_rows; }
unsigned bn_kernel_k_align(const bn_kernel *k) { return k->k_align; }

bool bn_format_has_op(bn_format fmt, bn_op op)
{
    switch (fmt) {
    case BN_FORMAT_A8: return op == BN_OP_QUANT;
    case BN_FORMAT_F16: return op == BN_OP_GEMV;
    case BN_FORMAT_F32: return op == BN_OP_GEMM || op == BN_OP_SOFTMAX;
    case BN_FORMAT_Q8: return op == BN_OP_QUANT || op == BN_OP_GEMV;
    case BN_FORMAT_I2S:
    case BN_FORMAT_QK256: return op != BN_OP_LUT && op < BN_OP_SOFTMAX;
    case BN_FORMAT_TL1:
    case BN_FORMAT_TL2: return op < BN_OP_SOFTMAX;
    case BN_FORMAT_COUNT: break;
    }
    return false;
}

bn_status bn_kernel_find(const char *name, const bn_kernel **out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_kernel_find: out is NULL");
    *out = bn_registry_find(name);
    if (!*out) return bn_fail(BN_E_NOT_FOUND, "no kernel named '%s' in this build", name ? name : "(null)");
    return BN_OK;
}

/* ---- counters: relaxed atomics, one cell per kernel id */

typedef struct counter_cell {
    _Atomic uint64_t calls, bytes, ns;
} counter_cell;

static counter_cell counters[REGISTRY_SIZE];
static atomic_int timing = -1; /* -1: not decided yet (read BN_COUNTERS) */

uint64_t bn_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool bn_counters_timing_on(void)
{
    int t = atomic_load_explicit(&timing, memory_order_relaxed);
    if (t < 0) {
        const char *env = getenv("BN_COUNTERS");
        t = !(env && strcmp(env, "0") == 0);
        atomic_store_explicit(&timing, t, memory_order_relaxed);
    }
    return t != 0;
}

void bn_counters_timing(int enabled) { atomic_store(&timing, enabled ? 1 : 0); }

void bn_counter_add(const struct bn_kernel *k, uint64_t calls, uint64_t bytes, uint64_t ns)
{
    counter_cell *c = &counters[k - registry];
    atomic_fetch_add_explicit(&c->calls, calls, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->bytes, bytes, memory_order_relaxed);
    atomic_fetch_add_explicit(&c->ns, ns, memory_order_relaxed);
}

bn_counter bn_kernel_counter(const bn_kernel *k)
{
    bn_counter out = {0, 0, 0};
    if (!k || k < registry || k >= registry + REGISTRY_SIZE) return out;
    const counter_cell *c = &counters[k - registry];
    out.calls = atomic_load_explicit(&c->calls, memory_order_relaxed);
    out.bytes = atomic_load_explicit(&c->bytes, memory_order_relaxed);
    out.ns = atomic_load_explicit(&c->ns, memory_order_relaxed);
    return out;
}

void bn_counters_reset(void)
{
    for (size_t i = 0; i < REGISTRY_SIZE; i++) {
        atomic_store(&counters[i].calls, 0);
        atomic_store(&counters[i].bytes, 0);
        atomic_store(&counters[i].ns, 0);
    }
}
