/* model/hugemem.c: 2 MiB-aligned mappings, the arena converted weights come from, and the
 * page-cache drop the GGUF writer and `bitnet load --reread` use. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "model/hugemem.h"

#define TMPFS_MAGIC_NUMBER 0x01021994

Test(hugemem, anonymous_mapping_is_aligned_zeroed_and_writable)
{
    const size_t size = 3 * BN_HUGE_PAGE + 4096;
    uint8_t *p = bn_map_huge(size, -1);
    cr_assert_not_null(p);
    cr_assert_eq((uintptr_t)p % BN_HUGE_PAGE, 0, "%p", (void *)p);
    for (size_t i = 0; i < size; i += 4096) cr_assert_eq(p[i], 0);
    p[size - 1] = 7;
    cr_assert_eq(p[size - 1], 7);
    bn_unmap_huge(p, size);
}

/* Blocks are zeroed, 64-byte aligned, disjoint; a chunk is filled before the next is made;
 * a request larger than a chunk gets a chunk of its own, whole 2 MiB pages. */
Test(hugemem, arena_blocks_are_zeroed_aligned_disjoint_and_fill_chunks_in_turn)
{
    bn_huge_arena a = {.chunk_bytes = 4 * BN_HUGE_PAGE};
    enum { N = 40 };
    uint8_t *blocks[N];
    size_t sizes[N];
    for (int i = 0; i < N; i++) {
        sizes[i] = (size_t)(i * 37 + 1) * 4099 % (600 << 10) + 1;
        blocks[i] = bn_huge_arena_alloc(&a, sizes[i]);
        cr_assert_not_null(blocks[i]);
        cr_assert_eq((uintptr_t)blocks[i] % 64, 0);
        for (size_t k = 0; k < sizes[i]; k++) cr_assert_eq(blocks[i][k], 0, "block %d byte %zu", i, k);
        memset(blocks[i], 0xA0 + i, sizes[i]);
    }
    for (int i = 0; i < N; i++)
        for (size_t k = 0; k < sizes[i]; k += 97) cr_assert_eq(blocks[i][k], (uint8_t)(0xA0 + i), "overlap");
    size_t total = 0;
    for (int i = 0; i < N; i++) total += (sizes[i] + 63) & ~(size_t)63;
    cr_assert_eq(a.n_chunks, (total + a.chunk_bytes - 1) / a.chunk_bytes, "%zu chunks for %zu bytes",
                 a.n_chunks, total);
    const size_t chunks = a.n_chunks;
    uint8_t *big = bn_huge_arena_alloc(&a, 5 * BN_HUGE_PAGE + 1);
    cr_assert_not_null(big);
    cr_assert_eq((uintptr_t)big % BN_HUGE_PAGE, 0, "a chunk of its own starts at its boundary");
    cr_assert_eq(a.n_chunks, chunks + 1);
    big[5 * BN_HUGE_PAGE] = 1;
    bn_huge_arena_free(&a);
    cr_assert_eq(a.n_chunks, 0);
    cr_assert_null(a.chunks);
}

/* After bn_drop_page_cache a freshly written file's pages are out of the page cache
 * (mincore on a mapping of it).  tmpfs keeps pages in memory by design: skipped there. */
Test(hugemem, drop_page_cache_evicts_a_written_file)
{
    char path[] = "/tmp/bn-test-drop-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0 && fs.f_type == TMPFS_MAGIC_NUMBER) {
        close(fd);
        unlink(path);
        cr_skip_test("/tmp is tmpfs: its pages cannot be dropped");
    }
    const size_t size = 8u << 20, page = (size_t)sysconf(_SC_PAGESIZE);
    char *buf = malloc(size);
    memset(buf, 0x5A, size);
    cr_assert_eq(write(fd, buf, size), (ssize_t)size);
    free(buf);
    void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    cr_assert_neq(map, MAP_FAILED);
    unsigned char *vec = malloc(size / page);
    size_t resident = 0;
    cr_assert_eq(mincore(map, size, vec), 0);
    for (size_t i = 0; i < size / page; i++) resident += vec[i] & 1;
    cr_assert_gt(resident, size / page / 2, "just written: %zu of %zu pages cached", resident, size / page);
    munmap(map, size); /* a page mapped here would stay */
    cr_assert_eq(bn_drop_page_cache(fd), 0);
    map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    cr_assert_eq(mincore(map, size, vec), 0);
    resident = 0;
    for (size_t i = 0; i < size / page; i++) resident += vec[i] & 1;
    cr_assert_lt(resident, size / page / 10, "after the drop: %zu of %zu pages cached", resident,
                 size / page);
    munmap(map, size);
    free(vec);
    close(fd);
    unlink(path);
}
