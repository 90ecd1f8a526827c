#ifndef GANKIT_CKERNELS_H
#define GANKIT_CKERNELS_H

#include <stdbool.h>
#include <stdint.h>

/// Adam's update of elements [start, end) on 16-float AVX-512 vectors, when the CPU has
/// AVX-512F: out = p * shrink - stepSize * m' / (sqrt(v') / c2root + eps) with
/// m' = b1 * m + (1 - b1) * g', v' = b2 * v + (1 - b2) * g' * g', g' = g + l2 * p, the same
/// operations in the same order as NN's Swift loop (no fused multiply-add), so the results
/// are bit-identical. outM/outV may be m/v (in place). Returns false, writing nothing, on a
/// CPU without AVX-512F or off x86-64.
bool gankit_adam_update(float *out, float *outM, float *outV,
                        const float *p, const float *g, const float *m, const float *v,
                        long start, long end, float b1, float b2, float l2, float shrink,
                        float stepSize, float c2root, float eps);

/// Whether this CPU runs the bf16 kernels below (AVX-512 F, BW, VL and BF16 on x86-64).
bool gankit_bf16_available(void);

/// c = alpha * op(a) * op(b) + beta * c for row-major matrices (op(a) m x k, op(b) k x n, as
/// cblas_sgemm), with the inputs rounded to bfloat16 (to nearest even, as VCVTNE2PS2BF16:
/// quiet NaNs kept, subnormals flushed to zero) while they are packed, products summed in
/// float32 (pairs of k by VDPBF16PS, then over k in float32). beta == 0 never reads c.
/// Returns false, writing nothing, when `gankit_bf16_available()` is false.
bool gankit_bf16_gemm(bool transposeA, bool transposeB, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc);

/// x[0..<count] rounded to bfloat16 bit patterns by the same instruction the GEMM packs with.
/// Returns false, writing nothing, when `gankit_bf16_available()` is false.
bool gankit_bf16_round(const float *x, uint16_t *out, long count);

/// Copies between `samples` images laid out [sample, channel, pixel] (`channels` x `plane` each,
/// contiguous) and position-major rows: pixel p of sample n, channel c is at
/// rows[positions[p] * samples * channels + n * channels + c] (positions[p] = p when
/// `positions` is NULL). `toRows` copies images into rows, otherwise rows into images. On 16 x 16
/// AVX-512 transposes; returns false, writing nothing, on a CPU without AVX-512F or off x86-64.
bool gankit_relayout(float *images, float *rows, const long *positions, long samples, long channels, long plane,
                     bool toRows);

/// The shape of an im2col column buffer (TensorCore's PatchLayout): `channels` planes of
/// `height` x `width` pixels, a kernel of `kernelHeight` x `kernelWidth`, an output of
/// `outputHeight` x `outputWidth` positions, and the convolution's stride, padding and dilation.
typedef struct {
    long channels, height, width, kernelHeight, kernelWidth, outputHeight, outputWidth;
    long strideHeight, strideWidth, paddingHeight, paddingWidth, dilationHeight, dilationWidth;
} gankit_patch_layout;

/// im2col: rows [rowStart, rowEnd) (row = (channel, kernel row, kernel column)) of the column
/// buffer of `sampleCount` images (sample stride `sampleStride`), each row `sampleCount` x
/// output positions long, zeros where a patch reaches past the image. As PatchLayout.unfold.
/// Returns false, writing nothing, on a CPU without AVX-512F or off x86-64.
bool gankit_unfold(const gankit_patch_layout *layout, const float *images, long sampleCount, long sampleStride,
                   long rowStart, long rowEnd, float *columns);

/// col2im: adds the column buffer's rows of channels [channelStart, channelEnd) onto the images,
/// in PatchLayout.fold's order (so the sums round identically). Returns false, writing nothing,
/// on a CPU without AVX-512F or off x86-64.
bool gankit_fold(const gankit_patch_layout *layout, const float *columns, long sampleCount, long sampleStride,
                 long channelStart, long channelEnd, float *images);

/// Whether the AVX-512F kernels above (Adam, relayout, unfold, fold) run: the CPU has AVX-512F
/// and they are not turned off. The environment variable `GANKIT_NO_AVX512` set (to anything)
/// turns them off from the start, so the portable Swift loops run, as on other CPUs.
bool gankit_avx512_enabled(void);

/// Turns the AVX-512F kernels off (`false`) or back on where the CPU has them; for tests that
/// compare the kernels with the portable loops in one process. Not for use while kernels run.
void gankit_set_avx512(bool enabled);

#endif
