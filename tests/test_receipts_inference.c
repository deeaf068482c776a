/*
 * test_receipts_inference.c - inference receipts (tokens/s, dispatch choice, model hash)
 * and the verify-receipt command line (exit codes 0/1/2 and its output).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/common/sha256.h"
#include "harness/common/verify.h"

#define INFERENCE_RECEIPT "tests/receipts/inference-handmade.json"
#define X86_RECEIPT "tests/receipts/conformance-x86_64.json"

typedef struct findings {
    char ids[2048];
    char messages[8192];
} findings;

static void collect(void *ctx, const char *rule, const char *message)
{
    findings *f = ctx;
    size_t n = strlen(f->ids);
    snprintf(f->ids + n, sizeof f->ids - n, " %s ", rule);
    n = strlen(f->messages);
    snprintf(f->messages + n, sizeof f->messages - n, "%s: %s\n", rule, message);
}

static json_t *load(const char *path)
{
    json_error_t err;
    json_t *r = json_load_file(path, 0, &err);
    cr_assert_not_null(r, "%s: %s", path, err.text);
    return r;
}

static bn_status verify(const json_t *receipt, const char *model, findings *f, bn_verify_result *r)
{
    bn_schema *schema;
    cr_assert_eq(bn_verify_builtin_schema(&schema), BN_OK, "%s", bn_last_error());
    bn_verify_options options = {model};
    memset(f, 0, sizeof *f);
    bn_status st = bn_verify_receipt(receipt, schema, &options, collect, f, r);
    bn_schema_free(schema);
    return st;
}

static void expect(const json_t *receipt, const char *model, const char *rule, const char *needle)
{
    findings f;
    bn_verify_result r;
    cr_assert_eq(verify(receipt, model, &f, &r), BN_OK, "%s", bn_last_error());
    if (!rule) {
        cr_expect_eq(r.broken, 0, "should verify, but:\n%s", f.messages);
        return;
    }
    char padded[64];
    snprintf(padded, sizeof padded, " %s ", rule);
    cr_expect(strstr(f.ids, padded) != NULL, "expected %s, got:%s\n%s", rule, f.ids, f.messages);
    if (needle) cr_expect(strstr(f.messages, needle) != NULL, "expected '%s' in:\n%s", needle, f.messages);
}

static json_t *phase(json_t *r, size_t i)
{
    return json_array_get(json_object_get(json_object_get(r, "inference"), "phases"), i);
}
static json_t *kernel_entry(json_t *r, size_t i)
{
    return json_array_get(json_object_get(json_object_get(r, "inference"), "kernels"), i);
}

Test(receipts_inference, handmade_receipt_verifies)
{
    json_t *r = load(INFERENCE_RECEIPT);
    findings f;
    bn_verify_result res;
    cr_assert_eq(verify(r, NULL, &f, &res), BN_OK);
    cr_expect_eq(res.broken, 0, "%s", f.messages);
    cr_expect(strstr(res.note, "is not present: size and sha256 not checked") != NULL, "note: %s", res.note);
    json_decref(r);
}

Test(receipts_inference, tokens_per_second_must_be_tokens_over_seconds)
{
    json_t *r = load(INFERENCE_RECEIPT);
    json_t *tps = json_object_get(phase(r, 1), "tokens_per_second");
    json_object_set_new(tps, "mean", json_real(json_number_value(json_object_get(tps, "mean")) * 1.01));
    expect(r, NULL, "R-INF-TPS", "tokens_per_second.mean");
    json_decref(r);

    r = load(INFERENCE_RECEIPT); /* a faster rep slipped into the list, mean left alone */
    json_array_set_new(json_object_get(phase(r, 0), "seconds"), 1, json_real(0.2));
    expect(r, NULL, "R-INF-TPS", "mean of tokens / seconds[i]");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_object_set_new(json_object_get(phase(r, 0), "tokens_per_second"), "stddev", json_real(0.0));
    expect(r, NULL, "R-INF-TPS", "stddev");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_array_append_new(json_object_get(phase(r, 1), "seconds"), json_real(0.25));
    expect(r, NULL, "R-INF-REPS", "reps 2 != 3 timings");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_object_set_new(phase(r, 1), "tokens", json_integer(0));
    expect(r, NULL, "R-INF-TOKENS", "(tg4, decode): tokens is 0");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_object_set_new(json_object_get(json_object_get(r, "inference"), "roofline"), "tokens_per_second",
                        json_real(400.0));
    expect(r, NULL, "R-INF-ROOFLINE", "read_gbps * 1e9 / bytes_per_token = 200");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_object_del(json_object_get(r, "inference"), "roofline");
    expect(r, NULL, "R-INF-ROOFLINE", "roofline is missing");
    json_decref(r);
}

/* A phase's breakdown: steps that are parts of one profiled repetition. */
static json_t *with_breakdown(double profiled, double matmul, double head)
{
    json_t *r = load(INFERENCE_RECEIPT);
    json_object_set_new(phase(r, 1), "breakdown",
                        json_pack("{s:f, s:{s:f, s:f}}", "profiled_seconds", profiled, "steps", "matmul",
                                  matmul, "head", head));
    return r;
}

Test(receipts_inference, breakdown_steps_must_fit_the_profiled_time)
{
    json_t *r = with_breakdown(0.45, 0.2, 0.25); /* tg4's seconds: 0.2 + 0.25 */
    expect(r, NULL, NULL, NULL);
    json_decref(r);

    r = with_breakdown(0.45, 0.3, 0.25);
    expect(r, NULL, "R-INF-BREAKDOWN", "add up to 0.55 s, more than profiled_seconds 0.45 s");
    json_decref(r);

    r = with_breakdown(0.5, 0.2, 0.25); /* a breakdown of some other run */
    expect(r, NULL, "R-INF-BREAKDOWN", "profiled_seconds 0.5 != 0.45, the sum of seconds[]");
    json_decref(r);

    r = with_breakdown(0.45, 0.2, 0.25); /* a step name outside bn_phase */
    json_object_set_new(json_object_get(json_object_get(phase(r, 1), "breakdown"), "steps"), "magic",
                        json_real(0.0));
    expect(r, NULL, "R-SCHEMA", NULL);
    json_decref(r);
}

Test(receipts_inference, kernels_must_exist_and_run)
{
    json_t *r = load(INFERENCE_RECEIPT);
    json_object_set_new(kernel_entry(r, 1), "kernel", json_string("bn_i2s_gemv_1x4__scalar_fast"));
    expect(r, NULL, "R-INF-KERNEL", "no kernel named 'bn_i2s_gemv_1x4__scalar_fast'");
    json_decref(r);

    r = load(INFERENCE_RECEIPT); /* a QK256 kernel recorded as the I2_S GEMV */
    json_object_set_new(kernel_entry(r, 1), "kernel", json_string("bn_qk256_gemv_1x4__scalar"));
    expect(r, NULL, "R-INF-FIELDS", "format is 'i2s', the registry says 'qk256'");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_object_set_new(kernel_entry(r, 3), "calls", json_integer(0));
    expect(r, NULL, "R-INF-COMPUTE", "calls is 0");
    expect(r, NULL, "R-INF-COMPUTE", "output_head is f16 but no f16 GEMV was called");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_object_set_new(json_object_get(r, "inference"), "kernel_format", json_string("tl2"));
    expect(r, NULL, "R-INF-COMPUTE", "no GEMV or GEMM of kernel_format 'tl2'");
    json_decref(r);

    r = load(INFERENCE_RECEIPT);
    json_array_append(json_object_get(json_object_get(r, "inference"), "kernels"), kernel_entry(r, 0));
    expect(r, NULL, "R-INF-DUPLICATE", "listed twice");
    json_decref(r);
}

/* R-INF-COMPUTE for the head: output_head names the head that ran.  Entry 3 of the
 * hand-built receipt is the F16 GEMV. */
Test(receipts_inference, output_head_must_be_the_head_that_ran)
{
    json_t *r = load(INFERENCE_RECEIPT); /* claims the int8 head, but the F16 head ran */
    json_t *inf = json_object_get(r, "inference");
    json_object_set_new(inf, "output_head", json_string("q8"));
    expect(r, NULL, "R-INF-COMPUTE", "output_head is q8 but no q8 GEMV was called");
    expect(r, NULL, "R-INF-COMPUTE", "output_head is q8 but an f16 GEMV was called");
    json_decref(r);

    r = load(INFERENCE_RECEIPT); /* the int8 head ran and is claimed: honest */
    inf = json_object_get(r, "inference");
    json_t *e = kernel_entry(r, 3);
    cr_assert_str_eq(json_string_value(json_object_get(e, "format")), "f16");
    json_object_set_new(e, "format", json_string("q8"));
    json_object_set_new(e, "kernel", json_string("bn_q8_gemv_1x4__scalar"));
    json_object_set_new(inf, "output_head", json_string("q8"));
    expect(r, NULL, NULL, NULL);
    json_object_set_new(inf, "output_head", json_string("f16")); /* ... but claimed as F16 */
    expect(r, NULL, "R-INF-COMPUTE", "output_head is f16 but no f16 GEMV was called");
    expect(r, NULL, "R-INF-COMPUTE", "output_head is f16 but a q8 GEMV was called");
    json_object_set_new(inf, "output_head", json_string("int4")); /* a head format that does not exist */
    expect(r, NULL, "R-SCHEMA", NULL);
    json_decref(r);
}

/* The recorded machine (scalar-only in the hand-built receipt) as a full AVX-512 one, with
 * its kernels set to what dispatch picks there, so the receipt is honest. */
static json_t *avx512_receipt(bn_resolution *res)
{
    json_t *r = load(INFERENCE_RECEIPT), *x86 = load(X86_RECEIPT);
    json_t *machine = json_object_get(r, "machine");
    json_object_set(machine, "features_detected",
                    json_object_get(json_object_get(x86, "machine"), "features_detected"));
    json_object_set(machine, "features_effective",
                    json_object_get(json_object_get(x86, "machine"), "features_detected"));
    json_decref(x86);
    bn_cpu_features all = 0;
    for (unsigned b = 0; b < BN_CPU_NEON; b++) all |= BN_CPU_BIT(b);
    cr_assert_eq(bn_resolve_arch("x86_64", all, "", "", res), BN_OK, "%s", bn_last_error());
    size_t count;
    const struct bn_kernel *reg = bn_registry_all(&count);
    for (size_t i = 0; i < 4; i++) {
        json_t *e = kernel_entry(r, i);
        int f = bn_format_from_name(json_string_value(json_object_get(e, "format")));
        int o = bn_op_from_name(json_string_value(json_object_get(e, "op")));
        json_object_set_new(e, "kernel", json_string(reg[res->choice[f][o]].name));
    }
    return r;
}

/* A kernel entry, appended to the receipt's list. */
static json_t *append_entry(json_t *r, const struct bn_kernel *k, bool fallback)
{
    json_t *e = json_pack("{s:s, s:s, s:s, s:i, s:b}", "format", bn_format_name(k->format), "op",
                          bn_op_name(k->op), "kernel", k->name, "calls", 1, "fallback", fallback);
    json_array_append_new(json_object_get(json_object_get(r, "inference"), "kernels"), e);
    return e;
}

Test(receipts_inference, kernel_must_be_dispatch_choice_unless_fallback)
{
    bn_resolution res;
    json_t *r = avx512_receipt(&res);
    expect(r, NULL, NULL, NULL);
    /* A slot whose dispatch choice on this machine is a SIMD kernel, recorded as having run
     * its scalar kernel: a scalar kernel hiding behind a SIMD machine. */
    size_t count;
    const struct bn_kernel *reg = bn_registry_all(&count);
    for (size_t i = 0; i < count; i++) {
        if (reg[i].isa != BN_ISA_SCALAR) continue;
        int choice = res.choice[reg[i].format][reg[i].op];
        if (choice < 0 || reg[choice].isa == BN_ISA_SCALAR) continue;
        json_t *e = append_entry(r, &reg[i], false);
        expect(r, NULL, "R-INF-DISPATCH", "but dispatch picks");
        json_object_set_new(e, "fallback", json_true());
        expect(r, NULL, NULL, NULL);
        json_decref(r);
        return;
    }
    json_decref(r);
    cr_skip_test("every slot resolves to its scalar kernel in this registry (no SIMD kernel yet)");
}

Test(receipts_inference, kernel_for_an_isa_the_cpu_lacks)
{
    /* Any x86 SIMD kernel claimed (as a fallback, so only the ISA rule applies) on the
     * hand-built scalar-only machine. */
    json_t *r = load(INFERENCE_RECEIPT);
    size_t count;
    const struct bn_kernel *reg = bn_registry_all(&count);
    for (size_t i = 0; i < count; i++)
        if (reg[i].isa != BN_ISA_SCALAR && bn_isa_in_arch(reg[i].isa, "x86_64")) {
            append_entry(r, &reg[i], true);
            expect(r, NULL, "R-INF-ISA", "which machine.features_effective lacks");
            json_decref(r);
            return;
        }
    json_decref(r);
    cr_skip_test("the registry has no x86 SIMD kernel yet");
}

/* A small file standing in for the model. */
static void write_model(const char *path, const char *content)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
}

static json_t *receipt_for_model(const char *path, const char *content)
{
    json_t *r = load(INFERENCE_RECEIPT);
    json_t *model = json_object_get(json_object_get(r, "inference"), "model");
    uint8_t d[BN_SHA256_BYTES];
    char hex[BN_SHA256_HEX];
    bn_sha256(content, strlen(content), d);
    bn_sha256_hex(d, hex);
    json_object_set_new(model, "path", json_string(path));
    json_object_set_new(model, "bytes", json_integer((json_int_t)strlen(content)));
    json_object_set_new(model, "sha256", json_string(hex));
    return r;
}

Test(receipts_inference, model_size_and_hash)
{
    char path[] = "/tmp/bn-model-XXXXXX", other[] = "/tmp/bn-model-XXXXXX";
    close(mkstemp(path)), close(mkstemp(other));
    write_model(path, "GGUF and some tensors");
    write_model(other, "GGUF and other tensors");
    json_t *r = receipt_for_model(path, "GGUF and some tensors");
    findings f;
    bn_verify_result res;
    cr_assert_eq(verify(r, NULL, &f, &res), BN_OK);
    cr_expect_eq(res.broken, 0, "%s", f.messages);
    cr_expect_eq(res.note[0], '\0', "the model was present, yet: %s", res.note);

    expect(r, other, "R-INF-MODEL", "sha256"); /* --model: a different file */
    expect(r, other, "R-INF-MODEL", "!= size 22");
    write_model(path, "GGUF and sOme tensors"); /* same size, one byte changed */
    expect(r, NULL, "R-INF-MODEL", "inference.model.sha256");
    cr_expect_eq(verify(r, "/nonexistent/model.gguf", &f, &res), BN_E_IO,
                 "an unreadable --model is an I/O error");
    remove(path), remove(other);
    json_decref(r);
}

/* ---------------------------------------------------------------- the command line */

/* Run bn_verify_main with stdout and stderr captured into out. */
static int run_cli(char *out, size_t size, int argc, const char **argv)
{
    char path[] = "/tmp/bn-verify-out-XXXXXX";
    int fd = mkstemp(path), saved = dup(1), saved_err = dup(2);
    fflush(stdout), fflush(stderr);
    dup2(fd, 1), dup2(fd, 2);
    int status = bn_verify_main(argc, (char **)argv);
    fflush(stdout), fflush(stderr);
    dup2(saved, 1), dup2(saved_err, 2);
    close(saved), close(saved_err);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, out, size - 1);
    out[n > 0 ? n : 0] = '\0';
    close(fd);
    remove(path);
    return status;
}

Test(receipts_inference, command_line_exit_codes)
{
    char out[8192];
    const char *ok[] = {"verify-receipt", X86_RECEIPT, INFERENCE_RECEIPT};
    cr_expect_eq(run_cli(out, sizeof out, 3, ok), 0, "%s", out);
    cr_expect(strstr(out, "verify-receipt: " X86_RECEIPT ": ok (conformance, ") != NULL, "%s", out);

    char bad[] = "/tmp/bn-receipt-XXXXXX";
    close(mkstemp(bad));
    json_t *r = load(X86_RECEIPT);
    json_object_set_new(json_object_get(json_object_get(r, "conformance"), "totals"), "cases_run",
                        json_integer(1));
    json_dump_file(r, bad, 0);
    json_decref(r);
    const char *broken[] = {"verify-receipt", bad, X86_RECEIPT};
    cr_expect_eq(run_cli(out, sizeof out, 3, broken), 1, "%s", out);
    cr_expect(strstr(out, ": R-CONF-COUNTS: totals.cases_run 1 != sum of kernels") != NULL, "%s", out);
    cr_expect(strstr(out, ": FAILED (") != NULL, "%s", out);
    remove(bad);

    const char *missing[] = {"verify-receipt", "/nonexistent/receipt.json"};
    cr_expect_eq(run_cli(out, sizeof out, 2, missing), 2);
    cr_expect(strstr(out, "verify-receipt: unable to open /nonexistent/receipt.json") != NULL, "%s", out);
    const char *none[] = {"verify-receipt"};
    cr_expect_eq(run_cli(out, sizeof out, 1, none), 2);
    const char *unknown[] = {"verify-receipt", "--strict", X86_RECEIPT};
    cr_expect_eq(run_cli(out, sizeof out, 3, unknown), 2);
    const char *bad_schema[] = {"verify-receipt", "--schema", "/nonexistent/schema.json", X86_RECEIPT};
    cr_expect_eq(run_cli(out, sizeof out, 4, bad_schema), 2);
    const char *file_schema[] = {"verify-receipt", "--schema", "receipts/schema.json", X86_RECEIPT};
    cr_expect_eq(run_cli(out, sizeof out, 4, file_schema), 0, "%s", out);
    const char *list[] = {"verify-receipt", "--list-rules"};
    cr_expect_eq(run_cli(out, sizeof out, 2, list), 0);
    cr_expect(strstr(out, "R-INF-DISPATCH") != NULL, "%s", out);
}
