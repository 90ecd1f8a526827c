#include "CKernels.h"
#include "cpu_features.h"

// im2col and col2im with every row's copy or sum inline: a convolution over small maps (SRResNet's
// 12x12 blocks, a U-Net's inner maps) has rows of a few floats, where a call per row (memmove)
// cost more than the copy.

#if defined(__x86_64__)
#include <immintrin.h>

static inline __mmask16 lanes(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1u);
}

// Output columns [first, last) of kernel column kj read input column ow * stride + offset inside
// the image (PatchLayout.validColumns).
static inline void valid_columns(const gankit_patch_layout *l, long kj, long *first, long *last, long *offset) {
    const long sw = l->strideWidth;
    *offset = kj * l->dilationWidth - l->paddingWidth;
    long f = *offset >= 0 ? 0 : (-*offset + sw - 1) / sw;
    long z = l->width - 1 - *offset < 0 ? 0 : (l->width - 1 - *offset) / sw + 1;
    if (z > l->outputWidth) z = l->outputWidth;
    *first = f < l->outputWidth ? f : l->outputWidth;
    *last = z;
}

__attribute__((target("avx512f")))
static void unfold_avx512(const gankit_patch_layout *l, const float *images, long sampleCount, long sampleStride,
                          long rowStart, long rowEnd, float *columns) {
    const long kh = l->kernelHeight, kw = l->kernelWidth, oh = l->outputHeight, ow = l->outputWidth;
    const long positions = oh * ow, rowLength = sampleCount * positions, plane = l->height * l->width;
    const long sh = l->strideHeight, sw = l->strideWidth;
    for (long row = rowStart; row < rowEnd; row++) {
        const long kj = row % kw, ki = (row / kw) % kh, c = row / (kw * kh);
        long first, last, offset;
        valid_columns(l, kj, &first, &last, &offset);
        for (long n = 0; n < sampleCount; n++) {
            const float *image = images + n * sampleStride + c * plane;
            float *target = columns + row * rowLength + n * positions;
            for (long y = 0; y < oh; y++) {
                const long ih = y * sh - l->paddingHeight + ki * l->dilationHeight;
                float *line = target + y * ow;
                const bool inside = ih >= 0 && ih < l->height && first < last;
                if (sw == 1) {
                    // Lane x of a 16-wide block reads source[x] when first <= x < last.
                    const float *source = inside ? image + ih * l->width + offset : image;
                    for (long x = 0; x < ow; x += 16) {
                        __mmask16 read = 0;
                        if (inside && x < last && x + 16 > first) {
                            read = lanes(last - x) & (__mmask16)~lanes(first - x);
                        }
                        _mm512_mask_storeu_ps(line + x, lanes(ow - x), _mm512_maskz_loadu_ps(read, source + x));
                    }
                } else {
                    for (long x = 0; x < ow; x++) line[x] = 0;
                    if (!inside) continue;
                    const float *source = image + ih * l->width + offset;
                    for (long x = first; x < last; x++) line[x] = source[x * sw];
                }
            }
        }
    }
}

__attribute__((target("avx512f")))
static void fold_avx512(const gankit_patch_layout *l, const float *columns, long sampleCount, long sampleStride,
                        long channelStart, long channelEnd, float *images) {
    const long kh = l->kernelHeight, kw = l->kernelWidth, oh = l->outputHeight, ow = l->outputWidth;
    const long positions = oh * ow, rowLength = sampleCount * positions, plane = l->height * l->width;
    const long sh = l->strideHeight, sw = l->strideWidth, area = kh * kw;
    for (long c = channelStart; c < channelEnd; c++) {
        for (long k = 0; k < area; k++) {
            const long ki = k / kw, kj = k % kw;
            const float *rows = columns + (c * area + k) * rowLength;
            long first, last, offset;
            valid_columns(l, kj, &first, &last, &offset);
            if (first >= last) continue;
            for (long n = 0; n < sampleCount; n++) {
                float *image = images + n * sampleStride + c * plane;
                const float *source = rows + n * positions;
                for (long y = 0; y < oh; y++) {
                    const long ih = y * sh - l->paddingHeight + ki * l->dilationHeight;
                    if (ih < 0 || ih >= l->height) continue;
                    const float *line = source + y * ow;
                    float *target = image + ih * l->width + offset;
                    if (sw == 1) {
                        for (long x = first; x < last; x += 16) {
                            const __mmask16 m = lanes(last - x);
                            __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(m, target + x), _mm512_maskz_loadu_ps(m, line + x));
                            _mm512_mask_storeu_ps(target + x, m, sum);
                        }
                    } else {
                        for (long x = first; x < last; x++) target[x * sw] += line[x];
                    }
                }
            }
        }
    }
}

#endif

bool gankit_unfold(const gankit_patch_layout *layout, const float *images, long sampleCount, long sampleStride,
                   long rowStart, long rowEnd, float *columns) {
#if defined(__x86_64__)
    if (!has_avx512f()) return false;
    unfold_avx512(layout, images, sampleCount, sampleStride, rowStart, rowEnd, columns);
    return true;
#else
    (void)layout; (void)images; (void)sampleCount; (void)sampleStride; (void)rowStart; (void)rowEnd; (void)columns;
    return false;
#endif
}

bool gankit_fold(const gankit_patch_layout *layout, const float *columns, long sampleCount, long sampleStride,
                 long channelStart, long channelEnd, float *images) {
#if defined(__x86_64__)
    if (!has_avx512f()) return false;
    fold_avx512(layout, columns, sampleCount, sampleStride, channelStart, channelEnd, images);
    return true;
#else
    (void)layout; (void)columns; (void)sampleCount; (void)sampleStride; (void)channelStart; (void)channelEnd; (void)images;
    return false;
#endif
}
