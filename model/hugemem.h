/*
 * hugemem.h - memory the kernel can map with 2 MiB pages.
 *
 * A decode step streams every weight once (1.2 GB for the 2B4T layout).  Mapped with 4 KiB
 * page-table entries that is 290,000 page walks per token, each missing the caches once the
 * rest of the weights have streamed by; with 2 MiB entries it is 600.  Measured on the
 * project's VM: 2-thread decode 22-24 -> 28-30 tokens/s (docs/performance.md, "Huge page
 * mappings").  These helpers place mappings at 2 MiB boundaries, which is what the kernel
 * needs to use 2 MiB entries (for a file, offset and address must agree modulo 2 MiB).
 */
#ifndef BN_MODEL_HUGEMEM_H
#define BN_MODEL_HUGEMEM_H

#include <stddef.h>

#define BN_HUGE_PAGE ((size_t)2 << 20)

/* Map `size` bytes at a 2 MiB boundary: the whole of file `fd` read-only and private, or,
 * for fd < 0, zeroed anonymous read-write memory advised for transparent huge pages.
 * Returns NULL (errno set) on failure; sizes under 2 MiB get a plain mapping. */
void *bn_map_huge(size_t size, int fd);
/* Unmap what bn_map_huge returned (size as passed to it). */
void bn_unmap_huge(void *p, size_t size);

#endif
