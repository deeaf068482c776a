/* bn_probe_read__neon - streaming read of a buffer with 16-byte loads.
 *
 * Contract (kernels/probe/probe.h): reads [buf, buf + bytes) once, front to back;
 * buf 64-byte aligned, bytes a multiple of BN_PROBE_READ_STEP (512).
 * Four 4-register loads (ld1 {v0-v3}) per 256 bytes into eight independent xor
 * accumulators: no chain longer than one xor per 32 bytes. */
#include <arm_neon.h>

#include "kernels/kernel.h"
#include "kernels/probe/probe.h"

uint64_t bn_probe_read__neon(const void *buf, size_t bytes)
{
    BN_KASSERT(bytes % BN_PROBE_READ_STEP == 0 && (uintptr_t)buf % 64 == 0);
    const uint64_t *p = buf;
    uint64x2_t a[8];
    for (int j = 0; j < 8; j++) a[j] = vdupq_n_u64(0);
    for (size_t i = 0; i < bytes / 8; i += 32) {
        for (int h = 0; h < 2; h++) {
            uint64x2x4_t v = vld1q_u64_x4(p + i + 16 * h);
            a[4 * h + 0] = veorq_u64(a[4 * h + 0], v.val[0]);
            a[4 * h + 1] = veorq_u64(a[4 * h + 1], v.val[1]);
            a[4 * h + 2] = veorq_u64(a[4 * h + 2], v.val[2]);
            a[4 * h + 3] = veorq_u64(a[4 * h + 3], v.val[3]);
        }
    }
    for (int j = 1; j < 8; j++) a[0] = veorq_u64(a[0], a[j]);
    return vgetq_lane_u64(a[0], 0) ^ vgetq_lane_u64(a[0], 1);
}
