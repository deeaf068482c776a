/* test_pool.c - the thread pool: splitting, parallel results, counters, barrier cost,
 * lifecycle, and the argument checks it shares with the public wrappers. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "dispatch/pool.h"
#include "harness/common/harness.h"
#include "ref/ref.h"

/* A lost wake-up hangs: SIGALRM kills the test process after a minute, which Criterion
 * reports as a crash.  (Criterion's own .timeout leaks memory in the runner under LSan.) */
static void watchdog(void) { alarm(60); }
TestSuite(pool, .init = watchdog);

/* ---- bn_pool_split */

static void check_split(size_t rows, size_t block, unsigned threads)
{
    size_t expect = 0, blocks = (rows + block - 1) / block, most = 0, least = SIZE_MAX;
    for (unsigned t = 0; t < threads; t++) {
        size_t r0, r1;
        bn_pool_split(rows, block, t, threads, &r0, &r1);
        cr_assert_eq(r0, expect, "rows %zu block %zu threads %u: thread %u starts at %zu, expected %zu", rows,
                     block, threads, t, r0, expect);
        cr_assert_leq(r0, r1);
        cr_assert(r0 == rows || r0 % block == 0, "thread %u starts mid-block at %zu", t, r0);
        size_t mine = (r1 - r0 + block - 1) / block;
        if (mine > most) most = mine;
        if (mine < least) least = mine;
        expect = r1;
    }
    cr_assert_eq(expect, rows, "rows %zu block %zu threads %u: covered up to %zu", rows, block, threads,
                 expect);
    /* Balanced: block counts differ by at most one. */
    cr_assert_leq(most - least, 1, "rows %zu block %zu threads %u: %zu vs %zu blocks", rows, block, threads,
                  most, least);
    cr_assert_leq(most, blocks);
    size_t r0, r1;
    bn_pool_split(rows, block, threads, threads, &r0, &r1);
    cr_assert(r0 == rows && r1 == rows, "a thread index past the pool gets no rows");
}

Test(pool, split_covers_every_row_once)
{
    static const size_t rows[] = {0,   1,   2,    3,    15,   16,   17,    63,    64,     65,
                                  100, 640, 1000, 2560, 6912, 2561, 12345, 65537, 128256, 128257};
    static const size_t blocks[] = {1, 2, 3, 4, 7, 16, 32, 48, 64, 256, 1000};
    static const unsigned threads[] = {1, 2, 3, 4, 5, 7, 8, 16, 33, 64, 256};
    for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++)
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
            for (size_t t = 0; t < sizeof threads / sizeof threads[0]; t++)
                check_split(rows[r], blocks[b], threads[t]);
}

/* ---- bn_pool_run: every part exactly once, part 0 on the caller */

typedef struct tally {
    _Atomic unsigned parts[8];
    pthread_t caller;
    _Atomic int part0_on_caller;
    bool slow; /* make part 1 late now and then, so the caller has to wait for it */
    _Atomic unsigned runs;
} tally;

static void count_part(void *ctx, unsigned t, unsigned threads)
{
    tally *ta = ctx;
    cr_assert_lt(t, threads);
    atomic_fetch_add(&ta->parts[t], 1);
    if (t == 0 && pthread_equal(pthread_self(), ta->caller)) atomic_fetch_add(&ta->part0_on_caller, 1);
    if (t == 1 && ta->slow && atomic_fetch_add(&ta->runs, 1) % 8 == 0) usleep(200);
}

static void run_parts(unsigned threads, unsigned runs, bool slow)
{
    bn_pool *pool;
    cr_assert_eq(bn_pool_create(threads, &pool), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_pool_threads(pool), threads);
    tally ta = {.caller = pthread_self(), .slow = slow};
    for (unsigned r = 0; r < runs; r++) {
        bn_pool_run(pool, count_part, &ta);
        if (slow && r % 8 == 4) usleep(200); /* idle workers go to sleep */
    }
    for (unsigned t = 0; t < 8; t++)
        cr_assert_eq(atomic_load(&ta.parts[t]), t < threads ? runs : 0, "threads %u: part %u ran %u times",
                     threads, t, atomic_load(&ta.parts[t]));
    cr_assert_eq(atomic_load(&ta.part0_on_caller), (int)runs);
    bn_pool_destroy(pool);
}

Test(pool, run_executes_each_part_once)
{
    run_parts(1, 100, false), run_parts(2, 1000, false), run_parts(5, 300, false);
}

Test(pool, run_through_the_sleep_path)
{
    /* No spinning, and parts or the caller late now and then: every wait goes through the
     * futex, and a lost wake-up hangs the test (the watchdog fails it). */
    setenv("BN_POOL_SPIN_US", "0", 1);
    run_parts(2, 400, true);
    run_parts(3, 200, true);
    unsetenv("BN_POOL_SPIN_US");
    run_parts(2, 400, true);
}

Test(pool, null_pool_is_one_thread)
{
    tally ta = {.caller = pthread_self()};
    bn_pool_run(NULL, count_part, &ta);
    cr_assert_eq(atomic_load(&ta.parts[0]), 1);
    cr_assert_eq(atomic_load(&ta.parts[1]), 0);
    cr_assert_eq(bn_pool_threads(NULL), 1);
}

typedef struct nested {
    bn_pool *pool;
    tally inner;
} nested;

static void run_nested(void *ctx, unsigned t, unsigned threads)
{
    (void)t, (void)threads;
    nested *n = ctx;
    bn_pool_run(n->pool, count_part, &n->inner); /* pool busy: runs all parts here */
}

Test(pool, nested_run_completes)
{
    nested n = {0};
    cr_assert_eq(bn_pool_create(2, &n.pool), BN_OK);
    n.inner.caller = pthread_self();
    bn_pool_run(n.pool, run_nested, &n);
    cr_assert_eq(atomic_load(&n.inner.parts[0]), 2);
    cr_assert_eq(atomic_load(&n.inner.parts[1]), 2);
    bn_pool_destroy(n.pool);
}

static void nothing(void *ctx, unsigned t, unsigned threads) { (void)ctx, (void)t, (void)threads; }

Test(pool, empty_runs_are_cheap)
{
    /* 10^5 empty runs.  A spinning barrier takes well under a microsecond per run; a
     * pool that sleeps or creates threads per run takes tens of microseconds, i.e.
     * seconds in total.  The bound leaves room for a loaded shared machine. */
    bn_pool *pool;
    cr_assert_eq(bn_pool_create(2, &pool), BN_OK);
    uint64_t t0 = bn_now_ns();
    for (int i = 0; i < 100000; i++) bn_pool_run(pool, nothing, NULL);
    double seconds = (double)(bn_now_ns() - t0) * 1e-9;
    bn_pool_destroy(pool);
    cr_assert_lt(seconds, 1.0, "10^5 empty runs took %.3f s", seconds);
}

Test(pool, create_destroy_repeatedly)
{
    for (unsigned i = 0; i < 200; i++) {
        bn_pool *pool;
        cr_assert_eq(bn_pool_create(1 + i % 4, &pool), BN_OK, "%s", bn_last_error());
        if (i % 2) bn_pool_run(pool, nothing, NULL);
        bn_pool_destroy(pool);
    }
    bn_pool_destroy(NULL);
}

Test(pool, create_rejects_bad_requests)
{
    bn_pool *pool = (bn_pool *)&pool;
    cr_assert_eq(bn_pool_create(BN_POOL_MAX_THREADS + 1, &pool), BN_E_INVALID_ARGUMENT);
    cr_assert_null(pool);
    cr_assert(strstr(bn_last_error(), "257 threads"), "%s", bn_last_error());
    cr_assert_eq(bn_pool_create(2, NULL), BN_E_INVALID_ARGUMENT);
    setenv("BN_POOL_SPIN_US", "fast", 1);
    cr_assert_eq(bn_pool_create(2, &pool), BN_E_CONFIG);
    cr_assert(strstr(bn_last_error(), "BN_POOL_SPIN_US=fast"), "%s", bn_last_error());
}

Test(pool, zero_threads_means_one_per_core)
{
    bn_pool *pool;
    cr_assert_eq(bn_pool_create(0, &pool), BN_OK);
    bn_topology_info topo;
    cr_assert_eq(bn_topology(&topo), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_pool_threads(pool), topo.cores);
    if (topo.cores > 1) cr_assert_eq(bn_pool_pinned(pool), topo.cores, "hwloc could not pin");
    bn_pool_destroy(pool);
}

/* ---- parallel matmuls against single-threaded calls */

typedef struct problem {
    uint8_t *data;
    bn_weights w;
    int8_t *q;
    float *scale;
    int32_t *qsum;
    uint8_t *lut;
    bn_act x;
    float *xf;
} problem;

static void make_problem(const bn_kernel *k, size_t m, size_t kk, size_t n, problem *p)
{
    bn_rng rng = {m * 131 + kk * 7 + n};
    bn_format f = bn_kernel_format(k);
    unsigned lr = bn_kernel_layout_rows(k) ? bn_kernel_layout_rows(k) : 1;
    memset(p, 0, sizeof *p);
    if (f == BN_FORMAT_F16) {
        uint16_t *h = malloc(m * kk * 2);
        for (size_t i = 0; i < m * kk; i++) h[i] = bn_f32_to_f16__ref(bn_rng_float(&rng));
        p->xf = malloc(kk * sizeof(float));
        for (size_t i = 0; i < kk; i++) p->xf[i] = bn_rng_float(&rng);
        p->data = (uint8_t *)h;
        p->w = (bn_weights){h, m, kk, 1.0f, 1, f};
        return;
    }
    size_t bytes;
    cr_assert_eq(bn_weights_bytes(f, m, kk, lr, &bytes), BN_OK);
    p->data = malloc(bytes);
    if (f == BN_FORMAT_Q8) { /* int8 head: random rows quantised by the reference */
        float *rows = malloc(m * kk * sizeof(float));
        for (size_t i = 0; i < m * kk; i++) rows[i] = bn_rng_float(&rng);
        bn_q8_quant__ref(m, kk, rows, kk * sizeof(float), (int8_t *)p->data, kk,
                         (float *)(p->data + bn_q8_scales_offset(m, kk)));
        free(rows);
    } else {
        int8_t *t = malloc(m * kk);
        for (size_t i = 0; i < m * kk; i++) t[i] = (int8_t)((int)bn_rng_below(&rng, 3) - 1);
        bn_ref_twin(f, BN_OP_PACK).pack(m, kk, t, kk, 0.75f, lr, p->data);
        free(t);
    }
    p->w = (bn_weights){p->data, m, kk, f == BN_FORMAT_Q8 ? 1.0f : 0.75f, lr, f};
    p->q = malloc(n * kk);
    p->scale = malloc(n * sizeof(float));
    p->qsum = calloc(n, sizeof(int32_t));
    for (size_t i = 0; i < n * kk; i++) p->qsum[i / kk] += p->q[i] = (int8_t)bn_rng_below(&rng, 256);
    for (size_t i = 0; i < n; i++) p->scale[i] = 20.0f + (float)i;
    size_t table = 0;
    if (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2) {
        bn_lut_bytes(f, kk, &table);
        p->lut = malloc(n * table);
        bn_ref_twin(f, BN_OP_LUT).lut(n, kk, p->q, kk, p->lut, table);
    }
    p->x = (bn_act){p->q, kk, p->scale, p->qsum, p->lut, table};
}

static void free_problem(problem *p)
{
    free(p->data), free(p->q), free(p->scale), free(p->qsum), free(p->lut), free(p->xf);
}

/* Single-threaded through the public wrapper, then through pools of several sizes:
 * outputs bit-identical (NaN sentinels show rows nobody wrote). */
static void compare_parallel(const bn_kernel *k, size_t m, size_t kk, size_t n)
{
    problem p;
    make_problem(k, m, kk, n, &p);
    bn_op op = bn_kernel_op(k);
    bool f16 = bn_kernel_format(k) == BN_FORMAT_F16;
    size_t floats = n * m;
    float *want = malloc(floats * sizeof(float)), *got = malloc(floats * sizeof(float));
    memset(want, 0xFF, floats * sizeof(float));
    bn_status st = f16                ? bn_f16_gemv(k, &p.w, 0, m, p.xf, want)
                   : op == BN_OP_GEMV ? bn_gemv(k, &p.w, 0, m, &p.x, want)
                                      : bn_gemm(k, &p.w, 0, m, n, &p.x, want, m * sizeof(float));
    cr_assert_eq(st, BN_OK, "%s", bn_last_error());
    static const unsigned sizes[] = {2, 3, 7};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        bn_pool *pool;
        cr_assert_eq(bn_pool_create(sizes[i], &pool), BN_OK);
        memset(got, 0xFF, floats * sizeof(float));
        st = f16                ? bn_pool_f16_gemv(pool, k, &p.w, p.xf, got)
             : op == BN_OP_GEMV ? bn_pool_gemv(pool, k, &p.w, &p.x, got)
                                : bn_pool_gemm(pool, k, &p.w, n, &p.x, got, m * sizeof(float));
        cr_assert_eq(st, BN_OK, "%s", bn_last_error());
        cr_assert_eq(memcmp(got, want, floats * sizeof(float)), 0, "%s m=%zu k=%zu n=%zu: %u threads differ",
                     bn_kernel_name(k), m, kk, n, sizes[i]);
        bn_pool_destroy(pool);
    }
    free(want), free(got);
    free_problem(&p);
}

Test(pool, parallel_matmuls_match_single_threaded)
{
    unsigned tested = 0;
    for (size_t i = 0; i < bn_kernel_count(); i++) {
        const bn_kernel *k = bn_kernel_at(i);
        bn_op op = bn_kernel_op(k);
        if ((op != BN_OP_GEMV && op != BN_OP_GEMM) || bn_kernel_format(k) == BN_FORMAT_F32 ||
            !bn_kernel_usable(k))
            continue; /* F32 GEMM is attention's dense product, not a weight matmul */
        size_t n = op == BN_OP_GEMM ? 5 : 1;
        compare_parallel(k, 1, 384, n);
        compare_parallel(k, 37, 384, n);
        compare_parallel(k, 301, 768, n);
        tested++;
    }
    cr_assert_geq(tested, 9, "only %u matmul kernels found", tested);
}

/* Several matmuls in one run (q, k, v) give each what its own call gives, and count as
 * one call each. */
Test(pool, matmuls_in_one_run_match_separate_calls)
{
    static const size_t rows[] = {301, 37, 160};
    for (int op = BN_OP_GEMV; op <= BN_OP_GEMM; op++) {
        const bn_kernel *k;
        cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, (bn_op)op, &k), BN_OK);
        const size_t kk = 768, n = op == BN_OP_GEMM ? 4 : 1;
        problem p[3];
        float *want[3], *got[3];
        bn_pool_matmul mm[3];
        for (size_t i = 0; i < 3; i++) {
            make_problem(k, rows[i], kk, n, &p[i]);
            want[i] = malloc(n * rows[i] * sizeof(float));
            got[i] = malloc(n * rows[i] * sizeof(float));
            memset(got[i], 0xFF, n * rows[i] * sizeof(float));
            bn_status st = op == BN_OP_GEMV ? bn_gemv(k, &p[i].w, 0, rows[i], &p[0].x, want[i])
                                            : bn_gemm(k, &p[i].w, 0, rows[i], n, &p[0].x, want[i],
                                                      rows[i] * sizeof(float));
            cr_assert_eq(st, BN_OK, "%s", bn_last_error());
            mm[i] = (bn_pool_matmul){&p[i].w, got[i], rows[i] * sizeof(float)};
        }
        bn_pool *pool;
        cr_assert_eq(bn_pool_create(3, &pool), BN_OK);
        bn_counters_reset();
        bn_status st = op == BN_OP_GEMV ? bn_pool_gemv_many(pool, k, &p[0].x, 3, mm)
                                        : bn_pool_gemm_many(pool, k, n, &p[0].x, 3, mm);
        cr_assert_eq(st, BN_OK, "%s", bn_last_error());
        for (size_t i = 0; i < 3; i++)
            cr_assert_eq(memcmp(got[i], want[i], n * rows[i] * sizeof(float)), 0, "%s: matmul %zu differs",
                         bn_kernel_name(k), i);
        cr_assert_eq(bn_kernel_counter(k).calls, 3);
        cr_assert_eq(bn_kernel_counter(k).bytes, (301 + 37 + 160) * kk / 4);
        cr_assert_eq(bn_pool_gemv_many(pool, k, &p[0].x, 0, mm), BN_E_INVALID_ARGUMENT);
        cr_assert(strstr(bn_last_error(), "0 matmuls (1..4 allowed)"), "%s", bn_last_error());
        mm[1].y = NULL; /* each matmul is checked like a single call */
        cr_assert_neq(op == BN_OP_GEMV ? bn_pool_gemv_many(pool, k, &p[0].x, 3, mm)
                                       : bn_pool_gemm_many(pool, k, n, &p[0].x, 3, mm),
                      BN_OK);
        bn_pool_destroy(pool);
        for (size_t i = 0; i < 3; i++) free(want[i]), free(got[i]), free_problem(&p[i]);
    }
}

/* ---- counters: one call per parallel operation, with the bytes of all rows */

Test(pool, counters_record_one_call)
{
    bn_counters_timing(1);
    bn_pool *pool;
    cr_assert_eq(bn_pool_create(2, &pool), BN_OK);
    static const bn_format formats[] = {BN_FORMAT_I2S, BN_FORMAT_TL2, BN_FORMAT_F16};
    for (size_t i = 0; i < 3; i++)
        for (int op = BN_OP_GEMV; op <= BN_OP_GEMM; op++) {
            const bn_kernel *k;
            if (bn_kernel_select(formats[i], (bn_op)op, &k) != BN_OK) continue;
            size_t m = 203, kk = 768, n = op == BN_OP_GEMM ? 3 : 1;
            problem p;
            make_problem(k, m, kk, n, &p);
            float *y = malloc(n * m * sizeof(float));
            bn_counters_reset();
            bn_status st = formats[i] == BN_FORMAT_F16 ? bn_pool_f16_gemv(pool, k, &p.w, p.xf, y)
                           : op == BN_OP_GEMV          ? bn_pool_gemv(pool, k, &p.w, &p.x, y)
                                                       : bn_pool_gemm(pool, k, &p.w, n, &p.x, y, m * 4);
            cr_assert_eq(st, BN_OK, "%s", bn_last_error());
            bn_counter c = bn_kernel_counter(k);
            size_t row =
                formats[i] == BN_FORMAT_I2S ? kk / 4
                : formats[i] == BN_FORMAT_F16
                    ? kk * 2
                    : bn_tl2_index_row_bytes(kk) + bn_tl2_sign_row_bytes(kk) + bn_tl2_tail_row_bytes(kk);
            cr_assert_eq(c.calls, 1, "%s: %llu calls recorded", bn_kernel_name(k),
                         (unsigned long long)c.calls);
            cr_assert_eq(c.bytes, m * row, "%s: %llu bytes recorded", bn_kernel_name(k),
                         (unsigned long long)c.bytes);
            cr_assert_gt(c.ns, 0);
            free(y);
            free_problem(&p);
        }
    bn_pool_destroy(pool);
}

/* ---- the checks are the public wrappers' checks */

Test(pool, rejects_what_the_wrappers_reject)
{
    const bn_kernel *gemv, *gemm;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMV, &gemv), BN_OK);
    cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMM, &gemm), BN_OK);
    problem p;
    make_problem(gemv, 8, 256, 2, &p);
    float y[16];
    bn_counters_reset();
    cr_assert_eq(bn_pool_gemv(NULL, gemm, &p.w, &p.x, y), BN_E_INVALID_ARGUMENT);
    cr_assert(strstr(bn_last_error(), "bn_pool_gemv: kernel bn_i2s_gemm"), "%s", bn_last_error());
    cr_assert_eq(bn_pool_gemv(NULL, gemv, NULL, &p.x, y), BN_E_INVALID_ARGUMENT);
    cr_assert_eq(bn_pool_gemv(NULL, gemv, &p.w, &p.x, NULL), BN_E_INVALID_ARGUMENT);
    cr_assert_eq(bn_pool_gemm(NULL, gemm, &p.w, 2, &p.x, y, 4), BN_E_INVALID_ARGUMENT);
    cr_assert(strstr(bn_last_error(), "y_stride 4 < 32"), "%s", bn_last_error());
    bn_weights bad = p.w;
    bad.cols = 200;
    cr_assert_eq(bn_pool_gemv(NULL, gemv, &bad, &p.x, y), BN_E_INVALID_ARGUMENT);
    cr_assert(strstr(bn_last_error(), "K = 200"), "%s", bn_last_error());
    cr_assert_eq(bn_pool_f16_gemv(NULL, gemv, &p.w, p.xf, y), BN_E_INVALID_ARGUMENT);
    cr_assert_eq(bn_kernel_counter(gemv).calls + bn_kernel_counter(gemm).calls, 0, "a rejected call counted");
    free_problem(&p);
}
