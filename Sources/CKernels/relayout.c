#include "CKernels.h"
#include "cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>

#include "transpose16.h"

static inline __mmask16 lanes(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1u);
}

// Blocks of 16 channels by 16 pixels: 16 plane rows in, one 16 x 16 transpose, 16 position rows
// out (or the reverse), each a whole 64-byte line where the block is full.
__attribute__((target("avx512f")))
static void relayout_avx512(float *images, float *rows, const long *positions, long samples,
                            long channels, long plane, bool toRows) {
    const long step = samples * channels;
    for (long n = 0; n < samples; n++) {
        float *image = images + n * channels * plane;
        float *sampleRows = rows + n * channels;
        for (long c0 = 0; c0 < channels; c0 += 16) {
            const long width = channels - c0 < 16 ? channels - c0 : 16;
            const __mmask16 channelLanes = lanes(width);
            for (long p0 = 0; p0 < plane; p0 += 16) {
                const long count = plane - p0 < 16 ? plane - p0 : 16;
                const __mmask16 pixelLanes = lanes(count);
                __m512i r[16];
                if (toRows) {
                    for (long j = 0; j < 16; j++) {
                        r[j] = j < width ? _mm512_castps_si512(_mm512_maskz_loadu_ps(pixelLanes, image + (c0 + j) * plane + p0))
                                         : _mm512_setzero_si512();
                    }
                    transpose16(r);
                    for (long i = 0; i < count; i++) {
                        const long position = positions ? positions[p0 + i] : p0 + i;
                        _mm512_mask_storeu_ps(sampleRows + position * step + c0, channelLanes, _mm512_castsi512_ps(r[i]));
                    }
                } else {
                    for (long i = 0; i < 16; i++) {
                        if (i < count) {
                            const long position = positions ? positions[p0 + i] : p0 + i;
                            r[i] = _mm512_castps_si512(_mm512_maskz_loadu_ps(channelLanes, sampleRows + position * step + c0));
                        } else {
                            r[i] = _mm512_setzero_si512();
                        }
                    }
                    transpose16(r);
                    for (long j = 0; j < width; j++) {
                        _mm512_mask_storeu_ps(image + (c0 + j) * plane + p0, pixelLanes, _mm512_castsi512_ps(r[j]));
                    }
                }
            }
        }
    }
}

#endif

bool gankit_relayout(float *images, float *rows, const long *positions, long samples, long channels, long plane,
                     bool toRows) {
#if defined(__x86_64__)
    if (!has_avx512f()) return false;
    relayout_avx512(images, rows, positions, samples, channels, plane, toRows);
    return true;
#else
    (void)images; (void)rows; (void)positions; (void)samples; (void)channels; (void)plane; (void)toRows;
    return false;
#endif
}
