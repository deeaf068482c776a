/* bn_qk256_gemv_1x4__avx512 - QK256 decode GEMV with AVX-512 VNNI, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; canonical layout (ceil(K/256) blocks of
 * 64 bytes per row); any K >= 1; any row count (a tail of 1..3 rows recomputes the last
 * valid row and drops the copies); unaligned buffers; no over-read.  The padding codes of
 * the last block never count and no activation past K is read: the last, partial 128-weight
 * group loads its activations with a byte mask (zero past K), and its weight bytes lie
 * inside the stored block.
 * Algorithm: a QK256 block is two I2_S groups, so the I2_S core applies unchanged with the
 * QK256 row stride (kernels/common/ternary_avx512.h): broadcast + in-place masks +
 * vpdpbusd, exact int32, epilogue on four rows at once.
 * Registers: 8 accumulators + 2 activations + 2 masks + 2 temporaries of 32 zmm. */
#include "kernels/common/ternary_avx512.h"
#include "ref/formats.h"

BN_T512_ATTR bn_gemv_fn bn_qk256_gemv_1x4__avx512;

void bn_qk256_gemv_1x4__avx512(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                               float *restrict y)
{
    BN_KASSERT(w->cols >= 1 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t512_gemv_1x4(w, bn_qk256_row_bytes(w->cols), r0, r1, x, y);
}
