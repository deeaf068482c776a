/* guarded.c - buffers that end flush against a PROT_NONE page, and the seeded generator. */
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness/common/harness.h"

/* Layout of a mapping: [header page][data pages ... end][guard page].  The data starts at
 * the offset that makes data + bytes == guard page.  The header keeps the mapping's
 * base and length for bn_guarded_free. */
typedef struct guard_header {
    void *base;
    size_t length;
} guard_header;

void *bn_guarded_alloc(size_t bytes)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_pages = (bytes + page - 1) / page;
    size_t length = (data_pages + 2) * page;
    uint8_t *base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) return NULL;
    uint8_t *guard = base + (data_pages + 1) * page;
    if (mprotect(guard, page, PROT_NONE) != 0) {
        munmap(base, length);
        return NULL;
    }
    guard_header *h = (guard_header *)base;
    h->base = base;
    h->length = length;
    /* The data ends at the guard; its start is not aligned in general, which also tests
     * that kernels accept unaligned buffers where the contract allows. */
    uint8_t *data = guard - bytes;
    return data;
}

void bn_guarded_free(void *p)
{
    if (!p) return;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    /* The data starts within the first data page (less than one page of slack), so the
     * header is the page just below the page holding p. */
    guard_header *h = (guard_header *)((uintptr_t)p / page * page - page);
    munmap(h->base, h->length);
}

uint64_t bn_rng_next(bn_rng *rng)
{
    uint64_t z = (rng->state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint32_t bn_rng_below(bn_rng *rng, uint32_t bound)
{
    return bound ? (uint32_t)((bn_rng_next(rng) >> 32) * bound >> 32) : 0;
}

float bn_rng_float(bn_rng *rng) { return (float)(bn_rng_next(rng) >> 40) * 0x1p-23f - 1.0f; }
