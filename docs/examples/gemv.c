/* gemv.c - the smallest use of libbitnet: one I2_S matrix-vector product.
 * Build: cc gemv.c $(pkg-config --cflags --libs bitnet) */
#include <bitnet.h>
#include <stdio.h>

int main(void)
{
    enum { M = 2, K = 128 }; /* I2_S needs K % 128 == 0 */
    int8_t t[M * K], q[K];
    uint8_t w[M * K / 4 + 32]; /* 2 bits per weight + the 32-byte scale tail */
    float x[K], y[M], s;
    int32_t qsum;
    for (int i = 0; i < K; i++) {
        x[i] = (float)(i % 3 - 1); /* -1, 0, +1 (43, 43 and 42 times): quantized to -127, 0, 127 */
        t[i] = 1; /* row 0: all +1 */
        t[K + i] = (int8_t)(i % 3 - 1); /* row 1: the pattern of x */
    }
    const bn_kernel *pack, *quant, *gemv;
    bn_weights wv = {w, M, K, 0.5f, 1, BN_FORMAT_I2S};
    bn_act act = {q, K, &s, &qsum, NULL, 0};
    if (bn_kernel_select(BN_FORMAT_I2S, BN_OP_PACK, &pack) ||
        bn_kernel_select(BN_FORMAT_A8, BN_OP_QUANT, &quant) ||
        bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMV, &gemv) || bn_weights_pack(pack, M, K, t, K, 0.5f, 1, w) ||
        bn_a8_quantize(quant, 1, K, x, sizeof x, q, K, &s, &qsum) || bn_gemv(gemv, &wv, 0, M, &act, y)) {
        fprintf(stderr, "gemv: %s\n", bn_last_error());
        return 1;
    }
    /* row 0: (42 - 43) * 127 / 127 * 0.5 = -0.5;  row 1: (42 + 43) * 127 / 127 * 0.5 = 42.5 */
    printf("%s: y = {%g, %g}\n", bn_kernel_name(gemv), y[0], y[1]);
    return y[0] == -0.5f && y[1] == 42.5f ? 0 : 1;
}
