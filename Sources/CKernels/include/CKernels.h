#ifndef GANKIT_CKERNELS_H
#define GANKIT_CKERNELS_H

#include <stdbool.h>

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

#endif
