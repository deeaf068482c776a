/*
 * pool.c - the thread pool of pool.h: workers created once, pinned to cores, woken per
 * job through a generation counter.
 *
 * One run:  the caller stores the job (fn, ctx) and `pending` = workers, then increments
 * `generation` (seq_cst: publishes the job).  Each worker that sees a new generation
 * runs its part and decrements `pending`; the caller runs part 0 and waits for
 * `pending` == 0.  Both waits spin first (a decode step issues 60+ matmuls separated by
 * microseconds of other work, and a futex round trip costs several microseconds), then
 * sleep on a futex so an idle pool burns no CPU.
 *
 * Lost wake-ups are excluded by the usual pairing of seq_cst operations: a worker
 * increments `sleepers` before it re-reads `generation` and sleeps on it, and the caller
 * increments `generation` before it reads `sleepers`; so either the caller sees the
 * sleeper and wakes it, or the sleeper sees the new generation (the futex re-checks the
 * value atomically).  `caller_sleeping` and `pending` pair the same way for the way back.
 * Nothing is allocated per run; fields written by different sides sit on their own
 * cache lines.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "dispatch/dispatch.h"
#include "dispatch/pool.h"

/* Spin about as long as waking a sleeping thread costs (never worse than twice the best
 * choice in hindsight).  bench measures that wake-up (docs/performance.md, "The thread
 * pool"): medians of 58-108 us on the shared VM this was tuned on, far above the few
 * microseconds between the matmuls of a decode step. */
#define DEFAULT_SPIN_US 200
#define MAX_SPIN_US 1000000
#define CACHE_LINE 64
/* Spins between clock reads: the clock costs ~20 ns, a pause ~10-40 cycles. */
#define SPINS_PER_CLOCK 64

typedef struct worker {
    struct bn_pool *pool;
    unsigned index;
    pthread_t thread;
} worker;

struct bn_pool {
    /* Written by the caller before each run, read by workers after they see it. */
    alignas(CACHE_LINE) bn_pool_fn *fn;
    void *ctx;
    /* Caller -> workers. */
    alignas(CACHE_LINE) _Atomic uint32_t generation;
    _Atomic uint32_t sleepers;
    _Atomic uint32_t stop;
    /* Workers -> caller. */
    alignas(CACHE_LINE) _Atomic uint32_t pending;
    _Atomic uint32_t caller_sleeping;
    /* Guards against overlapping runs. */
    alignas(CACHE_LINE) _Atomic uint32_t busy;
    /* Fixed at creation. */
    alignas(CACHE_LINE) unsigned threads, pinned;
    bool oversubscribed; /* more threads than cores */
    uint64_t spin_ns;
    worker *workers; /* threads - 1 of them: thread 0 is the caller */
    pthread_t creator;
    bn_binding *creator_binding; /* to restore in bn_pool_destroy; NULL if not pinned */
};

static void futex_wait(_Atomic uint32_t *word, uint32_t expected)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake(_Atomic uint32_t *word, int count)
{
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
}

/* Tell the core we are spinning (frees pipeline resources for a sibling thread). */
static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield" ::: "memory");
#endif
}

/* Spin until (*word == value) == until_equal, for at most spin_ns; true if that came.
 * With more threads than cores the thread we wait for may need this core: yield it. */
static bool spin_wait(_Atomic uint32_t *word, uint32_t value, bool until_equal, uint64_t spin_ns,
                      bool oversubscribed)
{
    uint64_t deadline = 0;
    for (unsigned i = 1;; i++) {
        if ((atomic_load_explicit(word, memory_order_acquire) == value) == until_equal) return true;
        if (spin_ns == 0) return false;
        if (i % SPINS_PER_CLOCK == 0) {
            uint64_t now = bn_now_ns();
            if (!deadline)
                deadline = now + spin_ns;
            else if (now >= deadline)
                return false;
        }
        if (oversubscribed)
            sched_yield();
        else
            cpu_relax();
    }
}

/* A worker: wait for the next generation, run its part, report, repeat. */
static void *worker_main(void *arg)
{
    worker *self = arg;
    struct bn_pool *p = self->pool;
    uint32_t seen = 0;
    for (;;) {
        if (!spin_wait(&p->generation, seen, false, p->spin_ns, p->oversubscribed)) {
            while (atomic_load(&p->generation) == seen) {
                atomic_fetch_add(&p->sleepers, 1);
                if (atomic_load(&p->generation) == seen) futex_wait(&p->generation, seen);
                atomic_fetch_sub(&p->sleepers, 1);
            }
        }
        /* The caller cannot start another run before this worker reports, so this is
         * the generation that woke us. */
        seen = atomic_load_explicit(&p->generation, memory_order_acquire);
        if (atomic_load_explicit(&p->stop, memory_order_acquire)) return NULL;
        p->fn(p->ctx, self->index, p->threads);
        if (atomic_fetch_sub(&p->pending, 1) == 1 && atomic_load(&p->caller_sleeping))
            futex_wake(&p->pending, 1);
    }
}

static void wait_for_workers(struct bn_pool *p)
{
    if (spin_wait(&p->pending, 0, true, p->spin_ns, p->oversubscribed)) return;
    atomic_store(&p->caller_sleeping, 1);
    uint32_t left;
    while ((left = atomic_load(&p->pending)) != 0) futex_wait(&p->pending, left);
    atomic_store(&p->caller_sleeping, 0);
}

void bn_pool_run(bn_pool *p, bn_pool_fn *fn, void *ctx)
{
    if (!fn) return;
    unsigned threads = p ? p->threads : 1;
    if (threads == 1 || atomic_exchange_explicit(&p->busy, 1, memory_order_acquire)) {
        /* One thread, or the pool is in use (nested or concurrent run): every part here. */
        for (unsigned t = 0; t < threads; t++) fn(ctx, t, threads);
        return;
    }
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->pending, threads - 1, memory_order_relaxed);
    atomic_fetch_add(&p->generation, 1);
    if (atomic_load(&p->sleepers)) futex_wake(&p->generation, INT_MAX);
    fn(ctx, 0, threads);
    wait_for_workers(p);
    atomic_store_explicit(&p->busy, 0, memory_order_release);
}

/* BN_POOL_SPIN_US: microseconds an idle thread spins before it sleeps. */
static bn_status spin_from_env(uint64_t *spin_ns)
{
    const char *env = getenv("BN_POOL_SPIN_US");
    *spin_ns = (uint64_t)DEFAULT_SPIN_US * 1000;
    if (!env || !*env) return BN_OK;
    char *end;
    errno = 0;
    unsigned long long us = strtoull(env, &end, 10);
    if (errno || *end || env[0] == '-' || us > MAX_SPIN_US)
        return bn_fail(BN_E_CONFIG, "BN_POOL_SPIN_US=%s: expected microseconds in 0..%d", env, MAX_SPIN_US);
    *spin_ns = (uint64_t)us * 1000;
    return BN_OK;
}

/* BN_POOL_PIN=0 leaves thread placement to the scheduler, for callers that manage
 * affinity themselves (or share the cores with other work). */
static bool pinning_wanted(void)
{
    const char *env = getenv("BN_POOL_PIN");
    return !(env && strcmp(env, "0") == 0);
}

/* Stop and join the first `started` workers, unpin the creator, free. */
static void teardown(struct bn_pool *p, unsigned started)
{
    atomic_store(&p->stop, 1);
    atomic_fetch_add(&p->generation, 1);
    futex_wake(&p->generation, INT_MAX);
    for (unsigned i = 0; i < started; i++) pthread_join(p->workers[i].thread, NULL);
    if (p->creator_binding && pthread_equal(p->creator, pthread_self()))
        bn_binding_restore(p->creator_binding);
    else
        bn_binding_free(p->creator_binding);
    free(p->workers);
    free(p);
}

bn_status bn_pool_create(unsigned threads, bn_pool **out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_pool_create: out is NULL");
    *out = NULL;
    unsigned cores = bn_topology_cores();
    if (threads == 0) threads = cores < BN_POOL_MAX_THREADS ? cores : BN_POOL_MAX_THREADS;
    if (threads > BN_POOL_MAX_THREADS)
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_pool_create: %u threads requested, at most %d", threads,
                       BN_POOL_MAX_THREADS);
    uint64_t spin_ns;
    bn_status st = spin_from_env(&spin_ns);
    if (st != BN_OK) return st;

    struct bn_pool *p = aligned_alloc(CACHE_LINE, (sizeof *p + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE);
    if (!p) return bn_fail(BN_E_NO_MEMORY, "bn_pool_create: out of memory");
    memset(p, 0, sizeof *p);
    p->threads = threads;
    p->spin_ns = spin_ns;
    p->oversubscribed = threads > cores;
    p->creator = pthread_self();
    p->workers = calloc(threads, sizeof *p->workers);
    if (!p->workers) {
        free(p);
        return bn_fail(BN_E_NO_MEMORY, "bn_pool_create: out of memory");
    }
    /* Pin only when every thread gets a core of its own: two pinned threads sharing a
     * core would be worse than letting the scheduler place them. */
    bool pin = threads > 1 && threads <= cores && pinning_wanted();
    for (unsigned i = 0; i + 1 < threads; i++) {
        worker *w = &p->workers[i];
        w->pool = p;
        w->index = i + 1;
        int err = pthread_create(&w->thread, NULL, worker_main, w);
        if (err) {
            teardown(p, i);
            return bn_fail(BN_E_NO_MEMORY, "bn_pool_create: starting thread %u of %u failed: %s", i + 1,
                           threads, strerror(err));
        }
        if (pin && bn_pin_thread(w->thread, i + 1)) p->pinned++;
    }
    /* The creator last: a new thread inherits its creator's binding, and the workers
     * should not all start life on core 0. */
    if (pin) {
        p->creator_binding = bn_binding_save();
        if (p->creator_binding && bn_pin_thread(pthread_self(), 0)) p->pinned++;
    }
    *out = p;
    return BN_OK;
}

void bn_pool_destroy(bn_pool *p)
{
    if (p) teardown(p, p->threads - 1);
}

unsigned bn_pool_threads(const bn_pool *p) { return p ? p->threads : 1; }
unsigned bn_pool_pinned(const bn_pool *p) { return p ? p->pinned : 0; }
unsigned bn_pool_spin_us(const bn_pool *p) { return p ? (unsigned)(p->spin_ns / 1000) : 0; }

void bn_pool_split(size_t rows, size_t block, unsigned t, unsigned threads, size_t *r0, size_t *r1)
{
    if (block == 0) block = 1;
    if (threads == 0) threads = 1;
    if (t >= threads) {
        *r0 = *r1 = rows;
        return;
    }
    /* Whole blocks, as evenly as possible: the first `extra` threads take one more. */
    size_t blocks = rows / block + (rows % block != 0);
    size_t per = blocks / threads, extra = blocks % threads;
    size_t first = t * per + (t < extra ? t : extra);
    size_t count = per + (t < extra);
    size_t start = first * block, end = (first + count) * block;
    *r0 = start < rows ? start : rows;
    *r1 = end < rows ? end : rows;
}

/* ---- parallel matmuls
 *
 * A job is one or more matmuls over the same activations (q, k and v; gate and up) cut
 * into chunks of whole split blocks, which the threads claim from one atomic cursor.
 * Several matmuls per job: one hand-off instead of three (q, k, v) or two (gate, up).
 * Claimed chunks rather than one fixed range per thread: on a shared machine one core is
 * often busy for a while, and a fixed half-and-half split makes every matmul wait for the
 * slower core, while with claimed chunks the other core takes over the rest.  A claim is
 * one atomic add (~100 ns between cores) against the microseconds a chunk streams.  Which
 * thread computes a row does not change its bits: every kernel computes each row alone.
 */

/* A chunk streams at most CHUNK_BYTES of weights, and a job is cut into at least
 * MIN_CHUNKS_PER_THREAD chunks per thread, so the last claims balance the threads; both
 * counted over the whole job, so the small k and v projections ride along with q in
 * chunks of the same size instead of being cut into slivers that each restart a memory
 * stream. */
#define CHUNK_BYTES (1u << 20)
#define MIN_CHUNKS_PER_THREAD 8
#define MAX_MATMULS 4

typedef enum matmul_op { OP_GEMV, OP_GEMM, OP_F16_GEMV } matmul_op;

typedef struct matmul_part {
    bn_pool_matmul mm;
    size_t chunk_rows, chunks;
    uint64_t bytes; /* the whole matmul's weight bytes, for the counters */
} matmul_part;

typedef struct matmul_job {
    matmul_op op;
    const bn_kernel *k;
    const bn_act *x;
    const float *xf; /* F16 head input */
    size_t n; /* tokens (GEMM) */
    size_t count, total_chunks;
    matmul_part parts[MAX_MATMULS];
    alignas(CACHE_LINE) atomic_size_t next_chunk;
} matmul_job;

static size_t gcd(size_t a, size_t b)
{
    while (b) {
        size_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

static size_t lcm(size_t a, size_t b) { return a / gcd(a, b) * b; }

/* Rows per split block: whole layout blocks (r0 must be a multiple), whole register tiles
 * (full tiles everywhere but at the end), and 16 floats of y (no cache line of y shared
 * between threads). */
static size_t split_block(const bn_kernel *k, const bn_weights *w)
{
    size_t lr = w->layout_rows ? w->layout_rows : 1, mr = k->mr ? k->mr : 1;
    return lcm(lcm(lr, mr), CACHE_LINE / sizeof(float));
}

/* Whole blocks per chunk, about chunk_bytes of weights each. */
static void plan_chunks(matmul_part *p, size_t block, uint64_t chunk_bytes)
{
    const size_t rows = p->mm.w->rows;
    if (rows == 0) {
        p->chunk_rows = block, p->chunks = 0;
        return;
    }
    if (chunk_bytes >= p->bytes) { /* one chunk: one stream, one call */
        p->chunk_rows = rows, p->chunks = 1;
        return;
    }
    const size_t want = (size_t)((double)chunk_bytes * (double)rows / (double)p->bytes);
    p->chunk_rows = want < block ? block : want / block * block;
    p->chunks = (rows + p->chunk_rows - 1) / p->chunk_rows;
}

static void matmul_worker(void *ctx, unsigned thread, unsigned threads)
{
    (void)thread, (void)threads;
    matmul_job *j = ctx;
    size_t part = 0, first = 0; /* chunks of parts before `part`; claims only grow */
    for (;;) {
        const size_t c = atomic_fetch_add_explicit(&j->next_chunk, 1, memory_order_relaxed);
        if (c >= j->total_chunks) return;
        while (c >= first + j->parts[part].chunks) first += j->parts[part++].chunks;
        const matmul_part *p = &j->parts[part];
        const bn_weights *w = p->mm.w;
        const size_t r0 = (c - first) * p->chunk_rows;
        const size_t r1 = r0 + p->chunk_rows < w->rows ? r0 + p->chunk_rows : w->rows;
        switch (j->op) {
        case OP_GEMV: j->k->fn.gemv(w, r0, r1, j->x, p->mm.y); break;
        case OP_GEMM: j->k->fn.gemm(w, r0, r1, j->n, j->x, p->mm.y, p->mm.y_stride); break;
        case OP_F16_GEMV: j->k->fn.f16_gemv(w, r0, r1, j->xf, p->mm.y); break;
        }
    }
}

/* Run a checked job on the pool; count one call per matmul, the job's wall time shared
 * among them in proportion to their bytes. */
static void run_counted(bn_pool *pool, matmul_job *job)
{
    const unsigned threads = bn_pool_threads(pool);
    uint64_t total_bytes = 0;
    for (size_t i = 0; i < job->count; i++)
        total_bytes += job->parts[i].bytes = bn_matmul_bytes(job->parts[i].mm.w, 0, job->parts[i].mm.w->rows);
    uint64_t chunk_bytes = total_bytes / ((uint64_t)threads * MIN_CHUNKS_PER_THREAD);
    if (chunk_bytes > CHUNK_BYTES) chunk_bytes = CHUNK_BYTES;
    if (threads == 1) chunk_bytes = UINT64_MAX; /* nobody to balance against */
    job->total_chunks = 0;
    for (size_t i = 0; i < job->count; i++) {
        plan_chunks(&job->parts[i], split_block(job->k, job->parts[i].mm.w), chunk_bytes);
        job->total_chunks += job->parts[i].chunks;
    }
    atomic_init(&job->next_chunk, 0);
    bool timed = bn_counters_timing_on();
    uint64_t t0 = timed ? bn_now_ns() : 0;
    bn_pool_run(pool, matmul_worker, job);
    const uint64_t ns = timed ? bn_now_ns() - t0 : 0;
    for (size_t i = 0; i < job->count; i++)
        bn_counter_add(
            job->k, 1, job->parts[i].bytes,
            total_bytes ? (uint64_t)((double)ns * (double)job->parts[i].bytes / (double)total_bytes) : 0);
}

/* Check every matmul of a job like the single-call wrappers do, and copy it in. */
static bn_status plan_job(const char *fn, matmul_job *job, size_t count, const bn_pool_matmul *mms)
{
    if (count == 0 || count > MAX_MATMULS || !mms)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: %zu matmuls (1..%d allowed)%s", fn, count, MAX_MATMULS,
                       mms ? "" : ", NULL list");
    for (size_t i = 0; i < count; i++) {
        const bn_weights *w = mms[i].w;
        bn_status st = BN_OK;
        switch (job->op) {
        case OP_GEMV: st = bn_gemv_check(fn, job->k, w, 0, w ? w->rows : 0, job->x, mms[i].y); break;
        case OP_GEMM:
            st = bn_gemm_check(fn, job->k, w, 0, w ? w->rows : 0, job->n, job->x, mms[i].y, mms[i].y_stride);
            break;
        case OP_F16_GEMV: st = bn_f16_gemv_check(fn, job->k, w, 0, w ? w->rows : 0, job->xf, mms[i].y); break;
        }
        if (st != BN_OK) return st;
        job->parts[i] = (matmul_part){.mm = mms[i]};
    }
    job->count = count;
    return BN_OK;
}

bn_status bn_pool_gemv_many(bn_pool *pool, const bn_kernel *k, const bn_act *x, size_t count,
                            const bn_pool_matmul *mms)
{
    matmul_job job = {.op = OP_GEMV, .k = k, .x = x};
    bn_status st = plan_job("bn_pool_gemv", &job, count, mms);
    if (st == BN_OK) run_counted(pool, &job);
    return st;
}

bn_status bn_pool_gemm_many(bn_pool *pool, const bn_kernel *k, size_t n, const bn_act *x, size_t count,
                            const bn_pool_matmul *mms)
{
    matmul_job job = {.op = OP_GEMM, .k = k, .x = x, .n = n};
    bn_status st = plan_job("bn_pool_gemm", &job, count, mms);
    if (st == BN_OK) run_counted(pool, &job);
    return st;
}

bn_status bn_pool_gemv(bn_pool *pool, const bn_kernel *k, const bn_weights *w, const bn_act *x, float *y)
{
    return bn_pool_gemv_many(pool, k, x, 1, &(bn_pool_matmul){w, y, 0});
}

bn_status bn_pool_gemm(bn_pool *pool, const bn_kernel *k, const bn_weights *w, size_t n, const bn_act *x,
                       float *y, size_t y_stride)
{
    return bn_pool_gemm_many(pool, k, n, x, 1, &(bn_pool_matmul){w, y, y_stride});
}

bn_status bn_pool_f16_gemv(bn_pool *pool, const bn_kernel *k, const bn_weights *w, const float *x, float *y)
{
    matmul_job job = {.op = OP_F16_GEMV, .k = k, .xf = x};
    bn_status st = plan_job("bn_pool_f16_gemv", &job, 1, &(bn_pool_matmul){w, y, 0});
    if (st == BN_OK) run_counted(pool, &job);
    return st;
}
