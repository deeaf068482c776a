/*
 * receipt.h - writing receipts (receipts/schema.json): JSON records of real runs, built
 * from the harness's own counters and the dispatch counters, never from labels.
 */
#ifndef BN_HARNESS_RECEIPT_H
#define BN_HARNESS_RECEIPT_H

#include <jansson.h>
#include <stdbool.h>

#include "bitnet.h"

/* The fields every receipt starts with: schema_version, kind, created_at, tool (name,
 * library version, git commit, compiler, flags), machine (arch, CPU model, logical CPUs,
 * detected and effective features) and overrides (BN_ISA, BN_DISABLE). */
json_t *bn_receipt_new(const char *kind, const char *tool_name);
/* Write atomically (temp file + rename), pretty-printed. */
bn_status bn_receipt_save(json_t *receipt, const char *path);

/* The conformance receipt, filled while the runner goes. */
typedef struct bn_receipt_conformance {
    json_t *kernels, *skipped;
    unsigned cross_run, cross_passed;
} bn_receipt_conformance;

void bn_receipt_conformance_init(bn_receipt_conformance *rc, size_t kernel_count);
void bn_receipt_conformance_kernel(bn_receipt_conformance *rc, const bn_kernel *k, unsigned run,
                                   unsigned passed, uint64_t dispatch_calls);
void bn_receipt_conformance_skip(bn_receipt_conformance *rc, const bn_kernel *k, const char *reason);
void bn_receipt_conformance_cross(bn_receipt_conformance *rc, unsigned run, unsigned passed);
bn_status bn_receipt_conformance_write(bn_receipt_conformance *rc, const char *path, bool quick,
                                       double wall_seconds);
void bn_receipt_conformance_free(bn_receipt_conformance *rc);

#endif /* BN_HARNESS_RECEIPT_H */
