/* test_bench_receipt.c - the kernel-bench receipt writer: timing summaries, the JSON
 * structure documented in docs/receipts-kernel-bench.md (field names, types, values), and
 * agreement with receipts/schema.json and the verifier's rules, for the writer's output
 * and for tests/receipts/kernel-bench-x86_64.json (written by `bench --quick --filter
 * i2s_gemv_1x4__avx512,i2s_gemm_4x4__avx512,a8_quant__avx2,tl2_lut__avx2,f16_gemv_1x4__avx2
 * --shapes cache,cache_head --reps 3 --dram-bytes 67108864 --receipt ...`). */
#include <criterion/criterion.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness/common/receipt.h"
#include "harness/common/verify.h"

#define GENUINE_RECEIPT "tests/receipts/kernel-bench-x86_64.json"

static void collect(void *ctx, const char *rule, const char *message)
{
    char *ids = ctx;
    size_t n = strlen(ids);
    snprintf(ids + n, 4096 - n, " %s (%s)", rule, message);
}

/* Rules the receipt breaks under the built-in schema and the verifier ("" if none). */
static size_t verify(const json_t *receipt, char ids[4096])
{
    bn_schema *schema;
    cr_assert_eq(bn_verify_builtin_schema(&schema), BN_OK, "%s", bn_last_error());
    bn_verify_options options = {NULL};
    bn_verify_result r;
    ids[0] = '\0';
    cr_assert_eq(bn_verify_receipt(receipt, schema, &options, collect, ids, &r), BN_OK, "%s",
                 bn_last_error());
    bn_schema_free(schema);
    cr_assert_gt(r.rules, 8, "only %zu rules checked", r.rules);
    return r.broken;
}

Test(bench_receipt, median_and_min)
{
    uint64_t odd[] = {50, 10, 40, 30, 20};
    bn_timing t = {odd, 5, 0, 0};
    bn_timing_summarize(&t);
    cr_assert_eq(t.median_ns, 30.0);
    cr_assert_eq(t.min_ns, 10);
    cr_assert_eq(odd[0], 50, "the raw order must stay as measured");
    uint64_t even[] = {7, 1, 4, 100};
    t = (bn_timing){even, 4, 0, 0};
    bn_timing_summarize(&t);
    cr_assert_eq(t.median_ns, 5.5, "even count: mean of the two middle values, got %g", t.median_ns);
    cr_assert_eq(t.min_ns, 1);
    uint64_t one[] = {9};
    t = (bn_timing){one, 1, 0, 0};
    bn_timing_summarize(&t);
    cr_assert(t.median_ns == 9.0 && t.min_ns == 9);
}

static json_t *get(json_t *o, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *key = strtok_r(buf, ".", &save); key && o; key = strtok_r(NULL, ".", &save))
        o = json_is_array(o) ? json_array_get(o, (size_t)atoi(key)) : json_object_get(o, key);
    cr_assert_not_null(o, "receipt lacks %s", path);
    return o;
}

static double num(json_t *o, const char *path) { return json_number_value(get(o, path)); }

/* Equal up to the last bits of a double (the same formula evaluated in another order). */
static bool near(double a, double b) { return fabs(a - b) <= 1e-12 * fabs(b); }

Test(bench_receipt, structure_and_values)
{
    const bn_kernel *k;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMM, &k), BN_OK);
    bn_topology_info topo = {
        .cores = 2, .l2_bytes = 1 << 20, .llc_level = 3, .llc_count = 1, .llc_bytes = 32 << 20};
    topo.llc_total_bytes = topo.llc_bytes;
    uint64_t bw1[] = {100, 90, 110}, bw2[] = {60, 50, 70}, pk[] = {10, 12, 11}, runs[] = {500},
             wakes[] = {9000};
    bn_bench_bandwidth bw[2] = {{1, 1000, 64000, {bw1, 3, 0, 0}, 2, 0, 7.5},
                                {2, 1000, 64000, {bw2, 3, 0, 0}, 2, 0, 9.5}};
    for (int i = 0; i < 2; i++) bn_timing_summarize(&bw[i].t), bw[i].gbps = 1000 / bw[i].t.median_ns;
    bn_bench_peak one = {1, 640, {pk, 3, 0, 0}, 0, 0}, all = {2, 1280, {pk, 3, 0, 0}, 0, 0};
    bn_timing_summarize(&one.t), bn_timing_summarize(&all.t);
    one.per_s = 640 / (one.t.median_ns * 1e-9), one.macs_per_s = 64 * one.per_s;
    all.per_s = 1280 / (all.t.median_ns * 1e-9), all.macs_per_s = 64 * all.per_s;
    bn_bench_pool pool = {2, 2, 200, {runs, 1, 0, 0}, {wakes, 1, 0, 0}};
    bn_timing_summarize(&pool.run), bn_timing_summarize(&pool.wake);

    uint64_t ns[] = {4000, 3000, 5000};
    bn_bench_result r = {.kernel = k,
                         .shape_name = "attn_qo",
                         .m = 2560,
                         .k = 2560,
                         .n = 16,
                         .threads = 2,
                         .dram = true,
                         .copies = 9,
                         .footprint_bytes = 9 * 1638464,
                         .warmup = 2,
                         .t = {ns, 3, 0, 0},
                         .dispatch_calls = 5,
                         .weight_bytes = 1638400,
                         .bytes_kind = "weights",
                         .passed = true,
                         .parallel_checked = true};
    bn_timing_summarize(&r.t);
    r.gbps = (double)r.weight_bytes / r.t.median_ns;
    r.pct_of_bandwidth = 100 * r.gbps / bw[1].gbps;
    r.best_gbps = (double)r.weight_bytes / (double)r.t.min_ns;
    r.gops = 2560.0 * 2560 * 16 / r.t.median_ns;
    r.tokens_per_s = 16e9 / r.t.median_ns;
    snprintf(r.case_str, sizeof r.case_str,
             "%s:m=2560,k=2560,n=16,r0=0,r1=2560,lr=1,w=random,x=random,pad=0,seed=1", bn_kernel_name(k));

    bn_receipt_bench rb;
    bn_receipt_bench_init(&rb, json_pack("{s:s}", "mode", "full"));
    bn_receipt_bench_topology(&rb, &topo, 64 << 20);
    bn_receipt_bench_bandwidth(&rb, "test method", "bn_probe_read__scalar", bw, 2, &bw[0], &bw[1]);
    bn_receipt_bench_peak(&rb, "test peak", &one, &all, NULL);
    bn_receipt_bench_pool(&rb, &pool);
    bn_receipt_bench_result(&rb, &r);
    bn_receipt_bench_skip(&rb, k, "lacks nothing, test");
    char path[] = "/tmp/bn-bench-receipt-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    cr_assert_eq(bn_receipt_bench_write(&rb, path, 1.5), BN_OK, "%s", bn_last_error());
    bn_receipt_bench_free(&rb);

    json_error_t err;
    json_t *root = json_load_file(path, 0, &err);
    unlink(path);
    cr_assert_not_null(root, "%s", err.text);
    cr_assert_str_eq(json_string_value(get(root, "kind")), "kernel-bench");
    json_t *kb = get(root, "kernel_bench");
    cr_assert_eq(num(kb, "bandwidth.read_gbps_1thread"), 10.0);
    cr_assert_eq(num(kb, "bandwidth.read_gbps_all"), 1000.0 / 60);
    cr_assert_eq(num(kb, "bandwidth.threads_all"), 2);
    cr_assert_eq(num(kb, "bandwidth.buffer_bytes"), 64000);
    cr_assert_eq(num(kb, "bandwidth.measurements.1.bytes"), 1000);
    cr_assert_eq(num(kb, "bandwidth.measurements.1.sustained_gbps"), 9.5);
    cr_assert_str_eq(json_string_value(get(kb, "bandwidth.method")), "test method");
    cr_assert_eq(num(kb, "bandwidth.measurements.1.median_ns"), 60);
    cr_assert_eq(json_array_size(get(kb, "bandwidth.measurements.0.ns")), 3);
    cr_assert_eq(num(kb, "bandwidth.measurements.0.reps_before"), 2);
    cr_assert(near(num(kb, "peak.vpdpbusd_per_s_1thread"), 640 / 11e-9));
    cr_assert(near(num(kb, "peak.int8_macs_per_s_all"), 64 * 1280 / 11e-9));
    cr_assert_eq(num(kb, "pool.wake_ns.median_ns"), 9000);
    cr_assert_eq(num(kb, "topology.llc_total_bytes"), 32 << 20);

    json_t *res = get(kb, "results.0");
    cr_assert_str_eq(json_string_value(get(res, "kernel")), bn_kernel_name(k));
    cr_assert_str_eq(json_string_value(get(res, "format")), "i2s");
    cr_assert_str_eq(json_string_value(get(res, "op")), "gemm");
    cr_assert_str_eq(json_string_value(get(res, "isa")), bn_isa_name(bn_kernel_isa(k)));
    cr_assert(num(res, "shape.m") == 2560 && num(res, "shape.k") == 2560 && num(res, "shape.n") == 16);
    cr_assert_str_eq(json_string_value(get(res, "placement")), "dram");
    cr_assert_eq(num(res, "threads"), 2);
    cr_assert_eq(num(res, "reps"), 3);
    cr_assert_eq(num(res, "ns.2"), 5000);
    cr_assert_eq(num(res, "median_ns"), 4000);
    cr_assert(json_is_integer(get(res, "min_ns")) && num(res, "min_ns") == 3000);
    cr_assert_eq(num(res, "weight_bytes"), 1638400);
    cr_assert_eq(num(res, "gbps"), 409.6);
    cr_assert_eq(num(res, "pct_of_bandwidth"), 100 * 409.6 / (1000.0 / 60));
    cr_assert(near(num(res, "gops"), 2560.0 * 2560 * 16 / 4000));
    cr_assert(json_is_true(get(res, "conformance.passed")));
    cr_assert_str_eq(json_string_value(get(res, "conformance.case")), r.case_str);
    cr_assert_str_eq(json_string_value(get(kb, "skipped.0.kernel")), bn_kernel_name(k));
    cr_assert_eq(num(kb, "totals.results"), 1);
    cr_assert(json_is_true(get(kb, "totals.passed")));
    char ids[4096];
    cr_assert_eq(verify(root, ids), 0, "the writer's receipt breaks:%s", ids);
    json_decref(root);
}

Test(bench_receipt, genuine_receipt_verifies_and_tampering_shows)
{
    json_error_t err;
    json_t *root = json_load_file(GENUINE_RECEIPT, JSON_REJECT_DUPLICATES, &err);
    cr_assert_not_null(root, "%s: %s", GENUINE_RECEIPT, err.text);
    char ids[4096];
    cr_assert_eq(verify(root, ids), 0, "%s breaks:%s", GENUINE_RECEIPT, ids);
    json_t *result = get(root, "kernel_bench.results.0");
    double median = num(result, "median_ns");
    json_object_set_new(result, "median_ns", json_real(median / 2)); /* a faster claim */
    cr_assert_gt(verify(root, ids), 0);
    cr_assert(strstr(ids, "R-BENCH-TIMING"), "%s", ids);
    json_object_set_new(result, "median_ns", json_real(median));
    json_object_set_new(get(result, "shape"), "k", json_integer(4096)); /* checked on another K */
    cr_assert_gt(verify(root, ids), 0);
    cr_assert(strstr(ids, "R-BENCH-CONFORMANCE"), "%s", ids);
    json_decref(root);
}

Test(bench_receipt, bandwidth_of_other_thread_counts_comes_from_measurements)
{
    /* A result at 3 threads (bench --threads 1,3 on two cores) is judged against the
     * measurement at 3 threads; without one the pct_of_bandwidth claim has no basis. */
    json_error_t err;
    json_t *root = json_load_file(GENUINE_RECEIPT, JSON_REJECT_DUPLICATES, &err);
    cr_assert_not_null(root, "%s", err.text);
    json_t *result = get(root, "kernel_bench.results.0"),
           *list = get(root, "kernel_bench.bandwidth.measurements");
    json_t *three = json_deep_copy(json_array_get(list, 0));
    json_object_set_new(result, "threads", json_integer(3));
    json_object_set_new(three, "threads", json_integer(3));
    json_object_set_new(three, "gbps",
                        json_real(num(result, "gbps") * 100 / num(result, "pct_of_bandwidth")));
    char ids[4096];
    cr_assert_gt(verify(root, ids), 0);
    cr_assert(strstr(ids, "R-BENCH-PCT"), "%s", ids);
    json_array_append_new(list, three);
    cr_assert_eq(verify(root, ids), 0, "%s", ids);
    json_decref(root);
}

Test(bench_receipt, gops_only_for_gemm_and_missing_peak_has_a_reason)
{
    const bn_kernel *k;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_A8, BN_OP_QUANT, &k), BN_OK);
    uint64_t ns[] = {10}, bwns[] = {10};
    bn_bench_bandwidth bw = {1, 100, 6400, {bwns, 1, 10, 10}, 1, 10, 5};
    bn_bench_result r = {.kernel = k,
                         .shape_name = "k2560",
                         .k = 2560,
                         .n = 1,
                         .threads = 1,
                         .t = {ns, 1, 10, 10},
                         .weight_bytes = 10240,
                         .bytes_kind = "f32 activations",
                         .gbps = 1024,
                         .pct_of_bandwidth = 10240,
                         .gops = NAN,
                         .tokens_per_s = NAN,
                         .passed = true};
    bn_receipt_bench rb;
    bn_receipt_bench_init(&rb, json_object());
    bn_receipt_bench_bandwidth(&rb, "m", "p", &bw, 1, &bw, &bw);
    bn_receipt_bench_peak(&rb, "", NULL, NULL, "cpu lacks avx512vnni");
    bn_receipt_bench_result(&rb, &r);
    json_t *res = json_array_get(rb.results, 0);
    cr_assert_null(json_object_get(res, "gops"));
    cr_assert_null(json_object_get(res, "tokens_per_s"));
    cr_assert_eq(num(res, "shape.m"), 0);
    cr_assert_null(json_object_get(rb.body, "peak"));
    cr_assert_str_eq(json_string_value(get(rb.body, "peak_unavailable")), "cpu lacks avx512vnni");
    bn_receipt_bench_free(&rb);
}
