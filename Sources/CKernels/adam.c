#include "CKernels.h"
#include "cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>

// Every product and sum rounds on its own, as in the Swift loop this replaces.
#pragma clang fp contract(off)

__attribute__((target("avx512f")))
static void adam_avx512(float *out, float *outM, float *outV,
                        const float *p, const float *g, const float *m, const float *v,
                        long start, long end, float b1, float b2, float l2, float shrink,
                        float stepSize, float c2root, float eps) {
    const __m512 B1 = _mm512_set1_ps(b1), B2 = _mm512_set1_ps(b2), L2 = _mm512_set1_ps(l2);
    const __m512 OB1 = _mm512_set1_ps(1.0f - b1), OB2 = _mm512_set1_ps(1.0f - b2);
    const __m512 SHRINK = _mm512_set1_ps(shrink), STEP = _mm512_set1_ps(stepSize);
    const __m512 C2 = _mm512_set1_ps(c2root), EPS = _mm512_set1_ps(eps);
    for (long i = start; i < end; i += 16) {
        long left = end - i;
        __mmask16 mask = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
        __m512 P = _mm512_maskz_loadu_ps(mask, p + i);
        __m512 G = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, g + i), _mm512_mul_ps(L2, P));
        __m512 M = _mm512_add_ps(_mm512_mul_ps(B1, _mm512_maskz_loadu_ps(mask, m + i)), _mm512_mul_ps(OB1, G));
        __m512 V = _mm512_add_ps(_mm512_mul_ps(B2, _mm512_maskz_loadu_ps(mask, v + i)), _mm512_mul_ps(_mm512_mul_ps(OB2, G), G));
        _mm512_mask_storeu_ps(outM + i, mask, M);
        _mm512_mask_storeu_ps(outV + i, mask, V);
        __m512 denominator = _mm512_add_ps(_mm512_div_ps(_mm512_sqrt_ps(V), C2), EPS);
        __m512 update = _mm512_div_ps(_mm512_mul_ps(STEP, M), denominator);
        _mm512_mask_storeu_ps(out + i, mask, _mm512_sub_ps(_mm512_mul_ps(P, SHRINK), update));
    }
}

#endif

bool gankit_adam_update(float *out, float *outM, float *outV,
                        const float *p, const float *g, const float *m, const float *v,
                        long start, long end, float b1, float b2, float l2, float shrink,
                        float stepSize, float c2root, float eps) {
#if defined(__x86_64__)
    if (!has_avx512f()) return false;
    adam_avx512(out, outM, outV, p, g, m, v, start, end, b1, b2, l2, shrink, stepSize, c2root, eps);
    return true;
#else
    (void)out; (void)outM; (void)outV; (void)p; (void)g; (void)m; (void)v; (void)start; (void)end;
    (void)b1; (void)b2; (void)l2; (void)shrink; (void)stepSize; (void)c2root; (void)eps;
    return false;
#endif
}
