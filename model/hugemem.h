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

/* An arena of bn_map_huge memory: zeroed blocks at 64-byte boundaries carved from chunks of
 * `chunk_bytes` (a larger request gets a chunk of its own), all freed at once.  For
 * buffers a GEMV streams, which should be mapped as the file's own bytes are. */
typedef struct bn_huge_arena {
    size_t chunk_bytes;
    struct bn_huge_chunk *chunks;
    size_t n_chunks;
} bn_huge_arena;

/* NULL when out of memory. */
void *bn_huge_arena_alloc(bn_huge_arena *a, size_t bytes);
void bn_huge_arena_free(bn_huge_arena *a);

/* Write back what is dirty in open file `fd` and drop its clean pages from the page cache,
 * so the next read goes through readahead, which fills 2 MiB folios.  Pages that other
 * processes have mapped stay.  Returns 0 or an errno value. */
int bn_drop_page_cache(int fd);

#endif
