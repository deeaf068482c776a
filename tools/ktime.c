/*
 * ktime.c - a small timing tool for one kernel on one shape, for the kernel author's
 * sanity checks (the full benchmark is harness/bench.c).
 *
 *   ktime KERNEL M K [N] [--reps R] [--threads T] [--set MiB] [--bw]
 *
 * Times a GEMV/GEMM (ternary, F16 or Q8) on M x K weights with N tokens, or an A8 quant of N
 * rows of K floats.  The weights are replicated into a working set of --set MiB (default
 * 1024, far larger than the caches) and each repetition reads the next copy, so the
 * weights come from DRAM; --set 0 keeps one copy (cache-resident).  With --threads 2 the
 * rows are split in two halves run by two threads.  Prints min and median over R
 * repetitions (default 41): time, GB/s of weight bytes, GOP/s (2 ops per MAC).  --bw first
 * measures the read bandwidth of a plain C summing loop over the same working set.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch/dispatch.h"
#include "harness/common/harness.h"
#include "ref/formats.h"

typedef struct job {
    const bn_kernel *k;
    const bn_weights *w;
    const bn_act *x;
    const float *xf;
    float *y;
    size_t r0, r1, n, y_stride;
} job;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void run_job(const job *j)
{
    if (j->k->op == BN_OP_GEMM)
        j->k->fn.gemm(j->w, j->r0, j->r1, j->n, j->x, j->y, j->y_stride);
    else if (j->k->format == BN_FORMAT_F16)
        j->k->fn.f16_gemv(j->w, j->r0, j->r1, j->xf, j->y);
    else
        j->k->fn.gemv(j->w, j->r0, j->r1, j->x, j->y);
}

/* The second thread stays alive across repetitions (thread start-up would dominate a
 * GEMV of a few microseconds): it waits at `start`, runs its job, meets at `done`. */
static pthread_barrier_t start, done;
static job second;
static volatile int quit;

static void *worker_main(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_barrier_wait(&start);
        if (quit) return NULL;
        run_job(&second);
        pthread_barrier_wait(&done);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Read bandwidth of a plain summing loop with the kernel's protocol: each repetition
 * reads the next copy of `bytes` in the working set; prints min and median.  Vectorised
 * by the compiler at -O2 only partly, so it is a floor for what the memory can deliver. */
static void read_bandwidth(const uint8_t *set, size_t stride, size_t copies, size_t bytes, int reps)
{
    double *t = malloc((size_t)reps * sizeof(double));
    volatile uint64_t sink = 0;
    for (int r = 0; r < reps + 3; r++) {
        const uint64_t *p = (const uint64_t *)(set + ((size_t)r % copies) * stride);
        double t0 = now_s();
        uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (size_t i = 0; i + 4 <= bytes / 8; i += 4)
            s0 += p[i], s1 += p[i + 1], s2 += p[i + 2], s3 += p[i + 3];
        sink += s0 + s1 + s2 + s3;
        if (r >= 3) t[r - 3] = now_s() - t0;
    }
    (void)sink;
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    printf(
        "plain C read of %zu bytes per repetition: min %.1f us  median %.1f us  %.2f GB/s (min-time %.2f)\n",
        bytes, t[0] * 1e6, t[reps / 2] * 1e6, (double)bytes / t[reps / 2] * 1e-9,
        (double)bytes / t[0] * 1e-9);
    free(t);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: ktime KERNEL M K [N] [--reps R] [--threads T] [--set MiB] [--bw]\n");
        return 2;
    }
    const bn_kernel *k = bn_registry_find(argv[1]);
    if (!k) return fprintf(stderr, "ktime: no kernel '%s' in this build\n", argv[1]), 2;
    size_t m = strtoull(argv[2], NULL, 10), kk = strtoull(argv[3], NULL, 10), n = 1, set_mib = 1024;
    int reps = 41, threads = 1, bw = 0, argi = 4;
    if (argi < argc && argv[argi][0] != '-') n = strtoull(argv[argi++], NULL, 10);
    for (; argi < argc; argi++) {
        if (!strcmp(argv[argi], "--reps") && argi + 1 < argc)
            reps = atoi(argv[++argi]);
        else if (!strcmp(argv[argi], "--threads") && argi + 1 < argc)
            threads = atoi(argv[++argi]);
        else if (!strcmp(argv[argi], "--set") && argi + 1 < argc)
            set_mib = strtoull(argv[++argi], NULL, 10);
        else if (!strcmp(argv[argi], "--bw"))
            bw = 1;
        else
            return fprintf(stderr, "ktime: unknown argument '%s'\n", argv[argi]), 2;
    }
    if (!bn_kernel_usable(k)) return fprintf(stderr, "ktime: %s is not usable on this CPU\n", k->name), 2;
    bool matmul = k->op == BN_OP_GEMV || k->op == BN_OP_GEMM;
    bool supported = k->format == BN_FORMAT_A8
                         ? k->op == BN_OP_QUANT
                         : matmul && k->format != BN_FORMAT_TL1 && k->format != BN_FORMAT_TL2;
    if (!supported)
        return fprintf(stderr, "ktime: %s: only A8 quant and I2S/QK256/F16/Q8 GEMV/GEMM are timed\n",
                       k->name),
               2;
    if (k->op == BN_OP_GEMV && n != 1)
        return fprintf(stderr, "ktime: %s is a GEMV: N must be 1\n", k->name), 2;
    if (reps < 1 || threads < 1 || threads > 2 || m == 0 || kk == 0 || n == 0)
        return fprintf(stderr, "ktime: bad shape or options\n"), 2;

    bn_rng rng = {12345};
    size_t xbytes = n * kk;
    int8_t *q = malloc(xbytes);
    float *xf = malloc(kk * sizeof(float) * n), *scale = malloc(n * sizeof(float));
    int32_t *qsum = calloc(n, sizeof(int32_t));
    for (size_t i = 0; i < xbytes; i++) qsum[i / kk] += q[i] = (int8_t)((int)bn_rng_below(&rng, 256) - 128);
    for (size_t i = 0; i < kk * n; i++) xf[i] = bn_rng_float(&rng);
    for (size_t i = 0; i < n; i++) scale[i] = 3.0f;
    float *y = malloc(m * n * sizeof(float));
    bn_act x = {q, kk, scale, qsum, NULL, 0};

    double ops = 2.0 * (double)m * (double)kk * (double)n, wbytes = 0;
    if (k->format == BN_FORMAT_A8) {
        wbytes = (double)kk * (double)n * 4;
        double *t = malloc((size_t)reps * sizeof(double));
        for (int r = 0; r < reps + 3; r++) {
            double t0 = now_s();
            k->fn.a8_quant(n, kk, xf, kk * 4, q, kk, scale, qsum);
            if (r >= 3) t[r - 3] = now_s() - t0;
        }
        qsort(t, (size_t)reps, sizeof t[0], cmp_double);
        printf("%s n=%zu k=%zu: min %.3f us  median %.3f us  %.2f GB/s of input (median)\n", k->name, n, kk,
               t[0] * 1e6, t[reps / 2] * 1e6, wbytes / t[reps / 2] * 1e-9);
        return 0;
    }

    size_t bytes;
    if (bn_weights_bytes(k->format, m, kk, 1, &bytes) != BN_OK)
        return fprintf(stderr, "ktime: %s\n", bn_last_error()), 2;
    size_t stride = (bytes + 4095) / 4096 * 4096, copies = set_mib * 1048576 / stride;
    if (copies < 1) copies = 1;
    uint8_t *set = aligned_alloc(4096, copies * stride);
    if (!set) return fprintf(stderr, "ktime: out of memory for %zu copies\n", copies), 2;
    for (size_t i = 0; i < bytes; i++) set[i] = (uint8_t)bn_rng_next(&rng);
    if (k->format == BN_FORMAT_F16) /* finite halves: clear the top exponent bit */
        for (size_t i = 1; i < bytes; i += 2) set[i] &= 0xBF;
    if (k->format == BN_FORMAT_Q8) { /* valid codes (no -128), row scales 1/127 */
        for (size_t i = 0; i < m * kk; i++) set[i] = set[i] == 0x80 ? 0x81 : set[i];
        for (size_t r = 0; r < m; r++) ((float *)(set + bn_q8_scales_offset(m, kk)))[r] = 1.0f / 127.0f;
    }
    for (size_t c = 1; c < copies; c++) memcpy(set + c * stride, set, bytes);
    wbytes = k->format == BN_FORMAT_F16  ? (double)bytes
             : k->format == BN_FORMAT_Q8 ? (double)m * (double)(kk + 4) /* codes and row scales */
                                         : (double)(bytes - BN_TAIL_BYTES);
    if (bw) read_bandwidth(set, stride, copies, bytes, reps);

    pthread_t th;
    if (threads == 2) {
        pthread_barrier_init(&start, NULL, 2);
        pthread_barrier_init(&done, NULL, 2);
        pthread_create(&th, NULL, worker_main, NULL);
    }
    double *t = malloc((size_t)reps * sizeof(double));
    for (int r = 0; r < reps + 3; r++) {
        bn_weights w = {set + ((size_t)r % copies) * stride, m, kk, 1.0f, 1, k->format};
        size_t split = threads == 2 ? (m / 2 + 3) / 4 * 4 : m;
        if (split > m) split = m;
        job jobs[2] = {{k, &w, &x, xf, y, 0, split, n, m * sizeof(float)},
                       {k, &w, &x, xf, y, split, m, n, m * sizeof(float)}};
        double t0 = now_s();
        if (threads == 2) {
            second = jobs[1];
            pthread_barrier_wait(&start);
            run_job(&jobs[0]);
            pthread_barrier_wait(&done);
        } else {
            run_job(&jobs[0]);
        }
        if (r >= 3) t[r - 3] = now_s() - t0;
    }
    if (threads == 2) {
        quit = 1;
        pthread_barrier_wait(&start);
        pthread_join(th, NULL);
    }
    qsort(t, (size_t)reps, sizeof t[0], cmp_double);
    double med = t[reps / 2];
    printf(
        "%s m=%zu k=%zu n=%zu threads=%d set=%zuMiB: min %.1f us  median %.1f us  %.2f GB/s (min-time %.2f)"
        "  %.1f GOP/s\n",
        k->name, m, kk, n, threads, copies * stride >> 20, t[0] * 1e6, med * 1e6, wbytes / med * 1e-9,
        wbytes / t[0] * 1e-9, ops / med * 1e-9);
    return 0;
}
