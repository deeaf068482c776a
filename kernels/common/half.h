/*
 * half.h - IEEE binary16 -> binary32, exact, portable (no F16C/NEON needed).
 * static inline only: used by the scalar F16 kernel and by the model's embedding lookup.
 */
#ifndef BN_KERNELS_HALF_H
#define BN_KERNELS_HALF_H

#include <stdint.h>
#include <string.h>

static inline float bn_half_to_float(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, em = h & 0x7FFFu, bits;
    if (em >= 0x7C00u)
        bits = sign | 0x7F800000u | ((em & 0x3FFu) << 13); /* inf / nan */
    else if (em >= 0x0400u)
        bits = sign | ((em << 13) + 0x38000000u); /* normal: rebias */
    else { /* zero, subnormal */
        float f = (float)em * 0x1p-24f; /* exact */
        memcpy(&bits, &f, sizeof bits);
        bits |= sign;
    }
    float out;
    memcpy(&out, &bits, sizeof out);
    return out;
}

#endif /* BN_KERNELS_HALF_H */
