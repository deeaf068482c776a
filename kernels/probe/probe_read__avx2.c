/* bn_probe_read__avx2 - streaming read of a buffer with 32-byte loads.
 *
 * Contract (kernels/probe/probe.h): reads [buf, buf + bytes) once, front to back;
 * buf 64-byte aligned, bytes a multiple of BN_PROBE_READ_STEP (512).
 * Sixteen aligned ymm loads per iteration (one 512-byte step) folded pairwise into
 * eight xor accumulators: eight independent chains of one xor per cache line, all in
 * registers (named variables, not an array the compiler may keep on the stack). */
#include <immintrin.h>

#include "kernels/kernel.h"
#include "kernels/probe/probe.h"

#define FOLD(acc, i) \
    acc = _mm256_xor_si256(acc, _mm256_xor_si256(_mm256_load_si256(p + i), _mm256_load_si256(p + i + 1)))

uint64_t bn_probe_read__avx2(const void *buf, size_t bytes)
{
    BN_KASSERT(bytes % BN_PROBE_READ_STEP == 0 && (uintptr_t)buf % 64 == 0);
    const __m256i *p = buf, *end = p + bytes / 32;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (; p < end; p += 16) {
        FOLD(a0, 0);
        FOLD(a1, 2);
        FOLD(a2, 4);
        FOLD(a3, 6);
        FOLD(a4, 8);
        FOLD(a5, 10);
        FOLD(a6, 12);
        FOLD(a7, 14);
    }
    __m256i x = _mm256_xor_si256(_mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3)),
                                 _mm256_xor_si256(_mm256_xor_si256(a4, a5), _mm256_xor_si256(a6, a7)));
    __m128i h = _mm_xor_si128(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    return (uint64_t)_mm_cvtsi128_si64(h) ^ (uint64_t)_mm_extract_epi64(h, 1);
}
