/*
 * dispatch.h - library-internal interface of dispatch/: the registry, CPU features, the
 * resolved choice per (format, op), counters and the error helper shared by all modules.
 */
#ifndef BN_DISPATCH_H
#define BN_DISPATCH_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "bitnet.h"
#include "kernels/kernel.h"

/* ---- errors (dispatch/status.c) */

/* Record a formatted message as the calling thread's last error and return status. */
bn_status bn_fail(bn_status status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bn_status bn_vfail(bn_status status, const char *fmt, va_list ap);
/* Clear the calling thread's last error. */
void bn_clear_error(void);

/* ---- CPU features (dispatch/cpu.c) */

enum {
    BN_CPU_AVX2 = 0,
    BN_CPU_FMA,
    BN_CPU_F16C,
    BN_CPU_BMI2,
    BN_CPU_AVX512F,
    BN_CPU_AVX512BW,
    BN_CPU_AVX512VL,
    BN_CPU_AVX512DQ,
    BN_CPU_AVX512VNNI,
    BN_CPU_AVX512VBMI,
    BN_CPU_NEON,
    BN_CPU_DOTPROD,
    BN_CPU_FEATURE_COUNT
};
#define BN_CPU_BIT(f) ((bn_cpu_features)1 << (f))
/* Is this ISA one the build compiles kernels for (x86 tiers on x86_64, NEON on aarch64)? */
bool bn_isa_in_build(bn_isa isa);
/* The architecture of this build as receipts name it: "x86_64", "aarch64" or "other". */
const char *bn_build_arch(void);
/* Does architecture `arch` (a name as above) have kernels of this ISA?  false for unknown
 * names.  bn_isa_in_build(isa) == bn_isa_in_arch(isa, bn_build_arch()). */
bool bn_isa_in_arch(bn_isa isa, const char *arch);
/* Parse a feature name ("avx512vnni") into its bit index; -1 if unknown. */
int bn_cpu_feature_from_name(const char *name);

/* ---- registry (dispatch/registry.c) */

const struct bn_kernel *bn_registry(size_t *count);
/* The kernel whose symbol is `name`, or NULL. */
const struct bn_kernel *bn_registry_find(const char *name);
/* Every kernel of every architecture's lists, in list order, with fn zeroed: descriptions
 * only, never to be called.  For checking receipts written on another architecture. */
const struct bn_kernel *bn_registry_all(size_t *count);
const struct bn_kernel *bn_registry_all_find(const char *name);
/* Does format `fmt` have op `op` at all? */
bool bn_format_has_op(bn_format fmt, bn_op op);

/* ---- resolution (dispatch/select.c) */

typedef struct bn_resolution {
    bn_cpu_features detected; /* what the CPU has */
    bn_cpu_features effective; /* after BN_DISABLE and the BN_ISA cap */
    int choice[BN_FORMAT_COUNT][BN_OP_COUNT]; /* registry index, -1 where no such op */
    char isa_cap[32];
    char disabled[128];
} bn_resolution;

/* Pure: resolve the preference lists for a feature mask and override strings. */
bn_status bn_resolve(bn_cpu_features detected, const char *isa_cap, const char *disable, bn_resolution *out);
/* bn_resolve as a build for architecture `arch` would do it: over bn_registry_all(),
 * restricted to that architecture's ISAs; choice[][] then indexes bn_registry_all().
 * BN_E_CONFIG for an unknown architecture.  Used to verify receipts from any machine. */
bn_status bn_resolve_arch(const char *arch, bn_cpu_features detected, const char *isa_cap,
                          const char *disable, bn_resolution *out);
/* The process-wide resolution (from BN_ISA / BN_DISABLE on first use, or the last
 * bn_dispatch_configure).  On a bad override in the environment the first use prints the
 * error and exits with status 2: a misspelt override must never be silently ignored. */
const bn_resolution *bn_dispatch(void);
/* Can `k` run under resolution `res`? */
bool bn_kernel_usable_in(const struct bn_kernel *k, const bn_resolution *res);
/* The layout interleave the selected GEMV of a ternary format reads (1 for canonical). */
unsigned bn_dispatch_layout_rows(bn_format fmt);
/* The preference list of (fmt, op): NULL-terminated symbol names, best first. */
const char *const *bn_preferences(bn_format fmt, bn_op op);

/* ---- counters (dispatch/registry.c) */

uint64_t bn_now_ns(void);
bool bn_counters_timing_on(void);
void bn_counter_add(const struct bn_kernel *k, uint64_t calls, uint64_t bytes, uint64_t ns);

/* ---- matmul argument checks (dispatch/calls.c), shared by the public wrappers and the
 *      thread pool so both reject exactly the same calls; `what` names the entry point. */

bn_status bn_gemv_check(const char *what, const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1,
                        const bn_act *x, const float *y);
bn_status bn_gemm_check(const char *what, const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1,
                        size_t n, const bn_act *x, const float *y, size_t y_stride);
bn_status bn_f16_gemv_check(const char *what, const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1,
                            const float *x, const float *y);
/* Weight bytes a matmul over rows [r0, r1) reads: what the counters record. */
uint64_t bn_matmul_bytes(const bn_weights *w, size_t r0, size_t r1);

/* ---- topology and pinning (dispatch/topology.c, hwloc) */

/* Cores this process may run on (hwloc; the online CPU count if hwloc fails). */
unsigned bn_topology_cores(void);
/* Bind `thread` to core `core`; false if hwloc cannot. */
bool bn_pin_thread(pthread_t thread, unsigned core);
/* The calling thread's current binding, to put back later (NULL if unknown). */
typedef struct bn_binding bn_binding;
bn_binding *bn_binding_save(void);
void bn_binding_restore(bn_binding *binding); /* applies it to the calling thread, frees it */
void bn_binding_free(bn_binding *binding);

#endif /* BN_DISPATCH_H */
