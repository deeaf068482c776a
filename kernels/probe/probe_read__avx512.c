/* bn_probe_read__avx512 - streaming read of a buffer with 64-byte loads.
 *
 * Contract (kernels/probe/probe.h): reads [buf, buf + bytes) once, front to back;
 * buf 64-byte aligned, bytes a multiple of BN_PROBE_READ_STEP (512).
 * Eight aligned zmm loads per iteration (one 512-byte step), each folded into its own
 * xor accumulator: eight independent chains of one xor per cache line, all in
 * registers (named variables, not an array the compiler may keep on the stack). */
#include <immintrin.h>

#include "kernels/kernel.h"
#include "kernels/probe/probe.h"

uint64_t bn_probe_read__avx512(const void *buf, size_t bytes)
{
    BN_KASSERT(bytes % BN_PROBE_READ_STEP == 0 && (uintptr_t)buf % 64 == 0);
    const __m512i *p = buf, *end = p + bytes / 64;
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    for (; p < end; p += 8) {
        a0 = _mm512_xor_si512(a0, _mm512_load_si512(p + 0));
        a1 = _mm512_xor_si512(a1, _mm512_load_si512(p + 1));
        a2 = _mm512_xor_si512(a2, _mm512_load_si512(p + 2));
        a3 = _mm512_xor_si512(a3, _mm512_load_si512(p + 3));
        a4 = _mm512_xor_si512(a4, _mm512_load_si512(p + 4));
        a5 = _mm512_xor_si512(a5, _mm512_load_si512(p + 5));
        a6 = _mm512_xor_si512(a6, _mm512_load_si512(p + 6));
        a7 = _mm512_xor_si512(a7, _mm512_load_si512(p + 7));
    }
    __m512i x = _mm512_xor_si512(_mm512_xor_si512(_mm512_xor_si512(a0, a1), _mm512_xor_si512(a2, a3)),
                                 _mm512_xor_si512(_mm512_xor_si512(a4, a5), _mm512_xor_si512(a6, a7)));
    return (uint64_t)_mm512_reduce_add_epi64(x);
}
