/* bn_probe_read__scalar - streaming read of a buffer with 8-byte loads (portable).
 *
 * Contract (kernels/probe/probe.h): reads [buf, buf + bytes) once, front to back;
 * buf 64-byte aligned, bytes a multiple of BN_PROBE_READ_STEP.
 * One 64-byte line per iteration into eight independent xor accumulators (named
 * variables, so they stay in registers): no chain longer than one xor per line. */
#include "kernels/kernel.h"
#include "kernels/probe/probe.h"

uint64_t bn_probe_read__scalar(const void *buf, size_t bytes)
{
    BN_KASSERT(bytes % BN_PROBE_READ_STEP == 0 && (uintptr_t)buf % 64 == 0);
    const uint64_t *p = buf, *end = p + bytes / 8;
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    for (; p < end; p += 8) {
        a0 ^= p[0], a1 ^= p[1], a2 ^= p[2], a3 ^= p[3];
        a4 ^= p[4], a5 ^= p[5], a6 ^= p[6], a7 ^= p[7];
    }
    return a0 ^ a1 ^ a2 ^ a3 ^ a4 ^ a5 ^ a6 ^ a7;
}
