/*
 * test_receipts.c - verify-receipt: genuine receipts pass; receipts tampered in each way
 * the honesty rules forbid fail with the rule id that names the lie.
 *
 * tests/receipts/conformance-*.json are genuine receipts written by `conform --quick` on
 * x86_64 and under qemu-aarch64; *-handmade.json are consistent hand-built receipts of the
 * kinds whose writers do not exist yet (their fields follow docs/receipts.md).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buildinfo.h"
#include "harness/common/sha256.h"
#include "harness/common/verify.h"

#define X86_RECEIPT "tests/receipts/conformance-x86_64.json"
#define ARM_RECEIPT "tests/receipts/conformance-aarch64.json"
#define BENCH_RECEIPT "tests/receipts/kernel-bench-handmade.json"
#define INFERENCE_RECEIPT "tests/receipts/inference-handmade.json"

/* The rule ids reported, as " R-A R-B ..." and the messages, one per line. */
typedef struct findings {
    char ids[2048];
    char messages[8192];
} findings;

static void collect(void *ctx, const char *rule, const char *message)
{
    findings *f = ctx;
    size_t n = strlen(f->ids);
    snprintf(f->ids + n, sizeof f->ids - n, " %s", rule);
    n = strlen(f->messages);
    snprintf(f->messages + n, sizeof f->messages - n, "%s: %s\n", rule, message);
}

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *r = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
    cr_assert_not_null(r, "%s: %s", path, err.text);
    return r;
}

static bn_verify_result verify_with(const json_t *receipt, const char *model, findings *f)
{
    bn_schema *schema;
    cr_assert_eq(bn_verify_builtin_schema(&schema), BN_OK, "%s", bn_last_error());
    bn_verify_options options = {model};
    bn_verify_result r;
    memset(f, 0, sizeof *f);
    cr_assert_eq(bn_verify_receipt(receipt, schema, &options, collect, f, &r), BN_OK, "%s", bn_last_error());
    bn_schema_free(schema);
    return r;
}

static void expect_honest(const json_t *receipt, const char *what)
{
    findings f;
    bn_verify_result r = verify_with(receipt, NULL, &f);
    cr_expect_eq(r.broken, 0, "%s should verify, but:\n%s", what, f.messages);
    cr_expect_gt(r.rules, 8, "%s: only %zu rules checked", what, r.rules);
}

/* The receipt breaks `rule` (and the message mentions `needle`, when given). */
static void expect_broken(const json_t *receipt, const char *rule, const char *needle)
{
    findings f;
    bn_verify_result r = verify_with(receipt, NULL, &f);
    char padded[64];
    snprintf(padded, sizeof padded, " %s", rule);
    size_t len = strlen(padded);
    const char *hit = strstr(f.ids, padded);
    while (hit && hit[len] != ' ' && hit[len] != '\0') hit = strstr(hit + 1, padded);
    cr_expect(r.broken > 0 && hit, "expected %s, got:%s\n%s", rule, f.ids, f.messages);
    if (needle) cr_expect(strstr(f.messages, needle) != NULL, "expected '%s' in:\n%s", needle, f.messages);
}

/* Shorthands for tampering. */
static json_t *at(json_t *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *node = o;
    for (char *save = NULL, *seg = strtok_r(buf, "/", &save); seg; seg = strtok_r(NULL, "/", &save))
        node =
            json_is_array(node) ? json_array_get(node, strtoul(seg, NULL, 10)) : json_object_get(node, seg);
    cr_assert_not_null(node, "no %s in the receipt", path);
    return node;
}
static void set_int(json_t *o, const char *path, const char *key, json_int_t v)
{
    json_object_set_new(at(o, path), key, json_integer(v));
}
static json_int_t get_int(json_t *o, const char *path, const char *key)
{
    return json_integer_value(json_object_get(at(o, path), key));
}
static void set_str(json_t *o, const char *path, const char *key, const char *v)
{
    json_object_set_new(at(o, path), key, json_string(v));
}

/* ---------------------------------------------------------------- conformance */

Test(receipts, genuine_conformance_receipts_verify)
{
    json_t *x86 = load(X86_RECEIPT), *arm = load(ARM_RECEIPT);
    expect_honest(x86, X86_RECEIPT);
    expect_honest(arm, ARM_RECEIPT); /* written on aarch64, verified here */
    json_decref(x86), json_decref(arm);
}

Test(receipts, renamed_kernel)
{
    json_t *r = load(X86_RECEIPT);
    set_str(r, "conformance/kernels/2", "name", "bn_i2s_dequant__avx9000");
    expect_broken(r, "R-CONF-KERNEL", "no kernel named 'bn_i2s_dequant__avx9000'");
    json_decref(r);
}

Test(receipts, changed_counts)
{
    json_t *r = load(X86_RECEIPT);
    set_int(r, "conformance/totals", "cases_run", get_int(r, "conformance/totals", "cases_run") + 2);
    expect_broken(r, "R-CONF-COUNTS", "totals.cases_run");
    json_decref(r);
    r = load(X86_RECEIPT);
    set_int(r, "conformance/kernels/1", "cases_run", get_int(r, "conformance/kernels/1", "cases_run") - 1);
    expect_broken(r, "R-CONF-COUNTS", "!= sum of kernels");
    json_decref(r);
    r = load(X86_RECEIPT);
    set_int(r, "conformance/totals", "kernels_tested", 3);
    expect_broken(r, "R-CONF-COUNTS", "totals.kernels_tested 3");
    json_decref(r);
}

/* A run in which kernels[4] failed one case: honest, it is refused (a failed run gets no
 * passing receipt); each way of hiding the failure is caught. */
static json_t *failed_run(void)
{
    json_t *r = load(X86_RECEIPT);
    set_int(r, "conformance/kernels/4", "cases_passed", get_int(r, "conformance/kernels/4", "cases_run") - 1);
    set_int(r, "conformance/totals", "cases_passed", get_int(r, "conformance/totals", "cases_passed") - 1);
    set_int(r, "conformance/totals", "cases_failed", 1);
    json_object_set_new(at(r, "conformance"), "passed", json_false());
    return r;
}

Test(receipts, hidden_failures)
{
    json_t *r = failed_run();
    expect_broken(r, "R-CONF-PASSED", "a failed run gets no passing receipt");
    json_object_set_new(at(r, "conformance"), "passed", json_true()); /* flipped */
    expect_broken(r, "R-CONF-HIDDEN-FAILURE", "passed is true but conformance.kernels[4]");
    json_decref(r);

    r = failed_run(); /* cases_passed raised back, totals left showing the failure */
    set_int(r, "conformance/kernels/4", "cases_passed", get_int(r, "conformance/kernels/4", "cases_run"));
    expect_broken(r, "R-CONF-COUNTS", "totals.cases_passed");
    json_decref(r);

    r = load(X86_RECEIPT); /* more cases passed than run */
    set_int(r, "conformance/kernels/0", "cases_passed", get_int(r, "conformance/kernels/0", "cases_run") + 1);
    expect_broken(r, "R-CONF-COUNTS", "cases_passed");
    json_decref(r);
}

Test(receipts, kernel_claimed_for_an_isa_the_cpu_lacks)
{
    json_t *r = load(X86_RECEIPT);
    set_str(r, "conformance/kernels/5", "isa", "avx512vbmi");
    json_t *avx2 = json_pack("[s, s, s, s]", "avx2", "fma", "f16c", "bmi2");
    json_object_set(at(r, "machine"), "features_detected", avx2);
    json_object_set_new(at(r, "machine"), "features_effective", avx2);
    expect_broken(r, "R-CONF-ISA", "ISA avx512vbmi needs avx512f");
    json_decref(r);

    r = load(ARM_RECEIPT); /* an x86 tier on an aarch64 machine */
    set_str(r, "conformance/kernels/0", "isa", "avx2");
    expect_broken(r, "R-CONF-ISA", "ISA avx2 does not exist on aarch64");
    expect_broken(r, "R-CONF-FIELDS", "isa is 'avx2', the registry says 'scalar'");
    json_decref(r);
}

Test(receipts, compute_path_not_real)
{
    json_t *r = load(X86_RECEIPT);
    set_int(r, "conformance/kernels/3", "dispatch_calls",
            get_int(r, "conformance/kernels/3", "cases_run") - 1);
    expect_broken(r, "R-CONF-COMPUTE", "did not run through dispatch");
    json_decref(r);
    r = load(X86_RECEIPT);
    set_int(r, "conformance/kernels/3", "dispatch_calls", 0);
    expect_broken(r, "R-CONF-COMPUTE", NULL);
    json_decref(r);
}

Test(receipts, schema_violations_name_the_field)
{
    json_t *r = load(X86_RECEIPT);
    json_object_del(at(r, "conformance/totals"), "cases_failed");
    expect_broken(r, "R-SCHEMA", "/conformance/totals: missing required property \"cases_failed\"");
    json_decref(r);
    r = load(X86_RECEIPT);
    set_str(r, "conformance/kernels/3", "cases_run", "12");
    expect_broken(r, "R-SCHEMA", "/conformance/kernels/3/cases_run: expected integer, found string");
    json_decref(r);
    r = load(X86_RECEIPT);
    json_object_set_new(r, "inference", json_object()); /* two kinds in one receipt */
    expect_broken(r, "R-SCHEMA", "/inference: no value is allowed here");
    json_decref(r);
}

Test(receipts, duplicate_and_hidden_kernels)
{
    json_t *r = load(X86_RECEIPT);
    json_t *kernels = at(r, "conformance/kernels");
    json_t *copy = json_deep_copy(json_array_get(kernels, 0));
    json_array_append_new(kernels, copy);
    json_int_t run = json_integer_value(json_object_get(copy, "cases_run"));
    set_int(r, "conformance/totals", "kernels_tested", (json_int_t)json_array_size(kernels));
    set_int(r, "conformance/totals", "cases_run", get_int(r, "conformance/totals", "cases_run") + run);
    set_int(r, "conformance/totals", "cases_passed", get_int(r, "conformance/totals", "cases_passed") + run);
    expect_broken(r, "R-CONF-DUPLICATE", "listed twice");
    json_decref(r);

    /* a kernel the CPU runs, moved from "tested" to "skipped" */
    r = load(X86_RECEIPT);
    kernels = at(r, "conformance/kernels");
    json_t *k = json_array_get(kernels, 6);
    json_array_append_new(at(r, "conformance/skipped"),
                          json_pack("{s:O, s:O, s:s}", "name", json_object_get(k, "name"), "isa",
                                    json_object_get(k, "isa"), "reason", "cpu lacks nothing"));
    run = json_integer_value(json_object_get(k, "cases_run"));
    json_array_remove(kernels, 6);
    set_int(r, "conformance/totals", "kernels_tested", (json_int_t)json_array_size(kernels));
    set_int(r, "conformance/totals", "kernels_skipped", 1);
    set_int(r, "conformance/totals", "cases_run", get_int(r, "conformance/totals", "cases_run") - run);
    set_int(r, "conformance/totals", "cases_passed", get_int(r, "conformance/totals", "cases_passed") - run);
    expect_broken(r, "R-CONF-SKIP", "but the recorded CPU runs ISA scalar");
    json_decref(r);
}

/* R-CONF-COMPLETE applies to a receipt of this very build: relabelled as such, a receipt
 * that lost a kernel is incomplete.  (On a dirty tree the rule must not apply.) */
Test(receipts, incomplete_receipt_of_this_build)
{
    json_t *r = load(X86_RECEIPT);
    set_str(r, "tool", "git_commit", BN_GIT_COMMIT);
    json_object_set_new(at(r, "tool"), "git_dirty", json_false());
    json_t *kernels = at(r, "conformance/kernels");
    const char *name = json_string_value(json_object_get(json_array_get(kernels, 0), "name"));
    char removed[128];
    snprintf(removed, sizeof removed, "%s is registered", name);
    json_int_t run = json_integer_value(json_object_get(json_array_get(kernels, 0), "cases_run"));
    json_array_remove(kernels, 0);
    set_int(r, "conformance/totals", "kernels_tested", (json_int_t)json_array_size(kernels));
    set_int(r, "conformance/totals", "cases_run", get_int(r, "conformance/totals", "cases_run") - run);
    set_int(r, "conformance/totals", "cases_passed", get_int(r, "conformance/totals", "cases_passed") - run);
    if (BN_GIT_DIRTY || strcmp(BN_GIT_COMMIT, "unknown") == 0) {
        expect_honest(r, "incomplete receipt, but this build is dirty: R-CONF-COMPLETE does not apply");
    } else {
        expect_broken(r, "R-CONF-COMPLETE", removed);
    }
    json_decref(r);
}

/* ---------------------------------------------------------------- common rules */

Test(receipts, machine_and_overrides)
{
    json_t *r = load(X86_RECEIPT);
    json_array_append_new(at(r, "machine/features_detected"), json_string("avx1024"));
    expect_broken(r, "R-FEATURE-NAME", "unknown CPU feature 'avx1024'");
    json_decref(r);

    r = load(X86_RECEIPT);
    json_array_append_new(at(r, "machine/features_detected"), json_string("dotprod"));
    expect_broken(r, "R-FEATURE-ARCH", "'dotprod' is not a feature of x86_64");
    json_decref(r);

    r = load(X86_RECEIPT);
    json_object_set_new(at(r, "machine"), "features_detected", json_pack("[s]", "avx2"));
    expect_broken(r, "R-FEATURE-SUBSET", "which were not detected");
    json_decref(r);

    r = load(X86_RECEIPT);
    set_str(r, "overrides", "BN_ISA", "avx3");
    expect_broken(r, "R-OVERRIDES", "BN_ISA=avx3: unknown ISA");
    json_decref(r);

    r = load(X86_RECEIPT);
    set_str(r, "overrides", "BN_ISA", "neon");
    expect_broken(r, "R-OVERRIDES", "not an ISA of the x86_64 architecture");
    json_decref(r);

    r = load(X86_RECEIPT);
    set_str(r, "overrides", "BN_DISABLE", "avx512,sse9");
    expect_broken(r, "R-OVERRIDES", "unknown feature or ISA 'sse9'");
    json_decref(r);

    r = load(X86_RECEIPT); /* a cap recorded, but features_effective not capped */
    set_str(r, "overrides", "BN_ISA", "avx2");
    expect_broken(r, "R-EFFECTIVE", "BN_ISA='avx2'");
    json_decref(r);

    r = load(X86_RECEIPT);
    set_int(r, "", "schema_version", 2);
    expect_broken(r, "R-VERSION", "schema_version: 2 is not supported");
    json_decref(r);

    r = load(X86_RECEIPT);
    set_str(r, "", "kind", "benchmark");
    expect_broken(r, "R-KIND", "'benchmark' is not a known kind");
    json_decref(r);
}

/* ---------------------------------------------------------------- kernel-bench */

Test(receipts, kernel_bench)
{
    json_t *r = load(BENCH_RECEIPT);
    expect_honest(r, BENCH_RECEIPT);
    json_decref(r);

    r = load(BENCH_RECEIPT); /* a median that is not the median of the raw timings */
    json_object_set_new(at(r, "kernel_bench/results/0"), "median_ns", json_real(398500));
    expect_broken(r, "R-BENCH-TIMING", "median_ns 398500 != median of ns[] 403500");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    json_object_set_new(at(r, "kernel_bench/results/2"), "min_ns", json_real(2400000));
    expect_broken(r, "R-BENCH-TIMING", "min_ns 2400000 != min of ns[] 2390000");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    json_array_append_new(at(r, "kernel_bench/results/1/ns"), json_integer(1));
    expect_broken(r, "R-BENCH-REPS", "reps 3 != 4 timings");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    json_object_set_new(at(r, "kernel_bench/results/0/conformance"), "passed", json_false());
    expect_broken(r, "R-BENCH-CONFORMANCE", "failed conformance");
    json_decref(r);

    r = load(BENCH_RECEIPT); /* conformance checked on another shape */
    set_str(r, "kernel_bench/results/0/conformance", "case",
            "bn_i2s_gemv_1x4__scalar:m=64,k=2560,n=1,r0=0,r1=64,lr=1,w=random,x=random,pad=0,seed=7");
    expect_broken(r, "R-BENCH-CONFORMANCE", "has m=64, shape.m is 2560");
    json_decref(r);

    r = load(BENCH_RECEIPT); /* conformance of another kernel */
    set_str(r, "kernel_bench/results/2/conformance", "case", "bn_i2s_gemv_1x4__scalar:m=2560,k=2560,n=16");
    expect_broken(r, "R-BENCH-CONFORMANCE", "is not a case of this kernel");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    json_object_set_new(at(r, "kernel_bench/results/0"), "gbps", json_real(4.5));
    expect_broken(r, "R-BENCH-GBPS", "gbps 4.5 != weight_bytes 1638400");
    json_decref(r);

    r = load(BENCH_RECEIPT); /* percent of the 1-thread bandwidth claimed for a 2-thread row */
    json_t *row = at(r, "kernel_bench/results/1");
    double gbps = json_number_value(json_object_get(row, "gbps"));
    json_object_set_new(row, "pct_of_bandwidth", json_real(gbps / 21.5 * 100));
    expect_broken(r, "R-BENCH-PCT", "pct_of_bandwidth");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    set_str(r, "kernel_bench/results/1", "kernel", "bn_i2s_gemv_8x1__avx2");
    expect_broken(r, "R-BENCH-KERNEL", "no kernel named 'bn_i2s_gemv_8x1__avx2'");
    json_decref(r);

    r = load(BENCH_RECEIPT); /* the hand-built machine is scalar-only */
    set_str(r, "kernel_bench/results/1", "isa", "avx2");
    expect_broken(r, "R-BENCH-ISA", "ISA avx2 needs avx2 fma f16c bmi2");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    json_object_del(at(r, "kernel_bench/results/2"), "gops");
    expect_broken(r, "R-SCHEMA", "/kernel_bench/results/2: missing required property \"gops\"");
    json_decref(r);

    r = load(BENCH_RECEIPT);
    json_object_set_new(at(r, "kernel_bench"), "peak",
                        json_pack("{s:f, s:f, s:f, s:f}", "vpdpbusd_per_s_1thread", 1e9,
                                  "int8_macs_per_s_1thread", 64e9, "vpdpbusd_per_s_all", 2e9,
                                  "int8_macs_per_s_all", 64e9));
    expect_broken(r, "R-BENCH-PEAK", "int8_macs_per_s_all");
    json_decref(r);
}
