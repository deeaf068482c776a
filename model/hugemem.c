/*
 * hugemem.c - mappings at 2 MiB boundaries (see hugemem.h for why).
 *
 * mmap only promises page alignment, so reserve 2 MiB more than needed (PROT_NONE: no
 * memory behind it), map over the first 2 MiB boundary inside with MAP_FIXED, and give back
 * the two unused ends.  Since Linux 6.7 the kernel aligns large file mappings by itself
 * when the file system has large folios; doing it here makes it hold everywhere else too.
 */
#include <stdint.h>
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
