/*
 * hugemem.c - mappings at 2 MiB boundaries (see hugemem.h for why).
 *
 * mmap only promises page alignment, so reserve 2 MiB more than needed (PROT_NONE: no
 * memory behind it), map over the first 2 MiB boundary inside with MAP_FIXED, and give back
 * the two unused ends.  Since Linux 6.7 the kernel aligns large file mappings by itself
 * when the file system has large folios; doing it here makes it hold everywhere else too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/hugemem.h"

static void *plain(size_t size, int fd)
{
    void *p = fd >= 0 ? mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0)
                      : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

void *bn_map_huge(size_t size, int fd)
{
    if (size < BN_HUGE_PAGE) return plain(size, fd);
    const size_t span = size + BN_HUGE_PAGE;
    uint8_t *reserve = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (reserve == MAP_FAILED) return plain(size, fd);
    uint8_t *at = (uint8_t *)(((uintptr_t)reserve + BN_HUGE_PAGE - 1) & ~(uintptr_t)(BN_HUGE_PAGE - 1));
    void *p = fd >= 0
                  ? mmap(at, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0)
                  : mmap(at, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p == MAP_FAILED) {
        munmap(reserve, span);
        return plain(size, fd);
    }
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t tail = ((uintptr_t)at + size + page - 1) & ~(page - 1), end = (uintptr_t)reserve + span;
    if (at > reserve) munmap(reserve, (size_t)(at - reserve));
    if (end > tail) munmap((void *)tail, (size_t)(end - tail));
#ifdef MADV_HUGEPAGE
    /* Needed for anonymous memory when THP is "madvise"; for a file, lets khugepaged
     * collapse where the kernel supports it.  Advice only: failure changes nothing. */
    madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

void bn_unmap_huge(void *p, size_t size)
{
    if (p) munmap(p, size);
}

struct bn_huge_chunk {
    uint8_t *base;
    size_t size, used;
};

void *bn_huge_arena_alloc(bn_huge_arena *a, size_t bytes)
{
    bytes = (bytes + 63) & ~(size_t)63;
    struct bn_huge_chunk *c = a->n_chunks ? &a->chunks[a->n_chunks - 1] : NULL;
    if (c && c->size - c->used >= bytes) {
        void *p = c->base + c->used;
        c->used += bytes;
        return p;
    }
    struct bn_huge_chunk *grown = realloc(a->chunks, (a->n_chunks + 1) * sizeof *grown);
    if (!grown) return NULL;
    a->chunks = grown;
    const size_t size =
        bytes > a->chunk_bytes ? (bytes + BN_HUGE_PAGE - 1) & ~(BN_HUGE_PAGE - 1) : a->chunk_bytes;
    uint8_t *base = bn_map_huge(size, -1);
    if (!base) return NULL;
    a->chunks[a->n_chunks++] = (struct bn_huge_chunk){base, size, bytes};
    return base;
}

void bn_huge_arena_free(bn_huge_arena *a)
{
    for (size_t i = 0; i < a->n_chunks; i++) bn_unmap_huge(a->chunks[i].base, a->chunks[i].size);
    free(a->chunks);
    a->chunks = NULL;
    a->n_chunks = 0;
}

int bn_drop_page_cache(int fd)
{
    if (fdatasync(fd) != 0) return errno;
    return posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}
