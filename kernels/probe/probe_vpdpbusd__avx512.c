/* bn_probe_vpdpbusd__avx512 - the peak rate of zmm vpdpbusd (AVX512-VNNI).
 *
 * Contract (kernels/probe/probe.h): iterations x BN_PROBE_VNNI_CHAINS (16) vpdpbusd,
 * returns a value depending on every accumulator.
 * Each vpdpbusd multiplies 64 unsigned bytes by 64 signed bytes and adds groups of four
 * products into 16 int32 lanes: 64 int8 multiply-accumulates.  Sixteen accumulators
 * (zmm registers) form sixteen independent chains, more than latency x throughput on
 * current cores (e.g. 4 cycles x 2 per cycle), so the loop measures throughput; the two sources stay in registers, so there are no loads.
 * The sources come from `seed`, so the compiler cannot fold the chains. */
#include <immintrin.h>

#include "kernels/kernel.h"
#include "kernels/probe/probe.h"

_Static_assert(BN_PROBE_VNNI_CHAINS == 16, "the loop below is written out for 16 chains");

uint64_t bn_probe_vpdpbusd__avx512(uint64_t iterations, uint32_t seed)
{
    const __m512i u = _mm512_set1_epi32((int)(seed | 0x01010101u));
    const __m512i s = _mm512_set1_epi32((int)(~seed & 0x7F7F7F7Fu));
    __m512i a0 = _mm512_set1_epi32(0), a1 = _mm512_set1_epi32(1), a2 = _mm512_set1_epi32(2);
    __m512i a3 = _mm512_set1_epi32(3), a4 = _mm512_set1_epi32(4), a5 = _mm512_set1_epi32(5);
    __m512i a6 = _mm512_set1_epi32(6), a7 = _mm512_set1_epi32(7), a8 = _mm512_set1_epi32(8);
    __m512i a9 = _mm512_set1_epi32(9), a10 = _mm512_set1_epi32(10), a11 = _mm512_set1_epi32(11);
    __m512i a12 = _mm512_set1_epi32(12), a13 = _mm512_set1_epi32(13), a14 = _mm512_set1_epi32(14);
    __m512i a15 = _mm512_set1_epi32(15);
    /* Inline asm: GCC 12 wraps the intrinsic form of this loop in ~30 register copies
     * and two stack spills (objdump), which would measure the copies.  Two blocks of
     * eight because an in-out operand counts twice against GCC's limit of 30.
     * AT&T order: vpdpbusd s, u, acc  is  acc += u (unsigned bytes) . s (signed bytes). */
    for (uint64_t i = 0; i < iterations; i++) {
        __asm__("vpdpbusd %[s], %[u], %[a0]\n\t"
                "vpdpbusd %[s], %[u], %[a1]\n\t"
                "vpdpbusd %[s], %[u], %[a2]\n\t"
                "vpdpbusd %[s], %[u], %[a3]\n\t"
                "vpdpbusd %[s], %[u], %[a4]\n\t"
                "vpdpbusd %[s], %[u], %[a5]\n\t"
                "vpdpbusd %[s], %[u], %[a6]\n\t"
                "vpdpbusd %[s], %[u], %[a7]"
                : [a0] "+v"(a0), [a1] "+v"(a1), [a2] "+v"(a2), [a3] "+v"(a3), [a4] "+v"(a4), [a5] "+v"(a5),
                  [a6] "+v"(a6), [a7] "+v"(a7)
                : [u] "v"(u), [s] "v"(s));
        __asm__("vpdpbusd %[s], %[u], %[a8]\n\t"
                "vpdpbusd %[s], %[u], %[a9]\n\t"
                "vpdpbusd %[s], %[u], %[a10]\n\t"
                "vpdpbusd %[s], %[u], %[a11]\n\t"
                "vpdpbusd %[s], %[u], %[a12]\n\t"
                "vpdpbusd %[s], %[u], %[a13]\n\t"
                "vpdpbusd %[s], %[u], %[a14]\n\t"
                "vpdpbusd %[s], %[u], %[a15]"
                : [a8] "+v"(a8), [a9] "+v"(a9), [a10] "+v"(a10), [a11] "+v"(a11), [a12] "+v"(a12),
                  [a13] "+v"(a13), [a14] "+v"(a14), [a15] "+v"(a15)
                : [u] "v"(u), [s] "v"(s));
    }
    __m512i sum = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(a0, a1), _mm512_add_epi32(a2, a3)),
                                   _mm512_add_epi32(_mm512_add_epi32(a4, a5), _mm512_add_epi32(a6, a7)));
    sum = _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_add_epi32(a8, a9), _mm512_add_epi32(a10, a11)));
    sum = _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_add_epi32(a12, a13), _mm512_add_epi32(a14, a15)));
    return (uint64_t)(uint32_t)_mm512_reduce_add_epi32(sum);
}
