#include "CKernels.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

#include "transpose16.h"

// Register block: MR rows of C by NR columns (two 16-float accumulators per row).
enum { MR = 8, NR = 32 };
// Cache blocks: KC values of k (KCP pairs), NC columns of B, MC rows of A per packed block.
enum { KC = 256, KCP = KC / 2, NC = 512, MC = 128 };

static int bf16_available(void) {
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                     && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bf16")) ? 1 : 0;
    }
    return available;
}

// Per-thread packing buffers, grown on demand and kept for the thread's life.
static _Thread_local uint32_t *packedA = NULL;
static _Thread_local uint32_t *packedB = NULL;

static uint32_t *buffer(uint32_t **slot, size_t units) {
    if (*slot == NULL) *slot = aligned_alloc(64, units * sizeof(uint32_t));
    return *slot;
}

static inline __mmask16 mask16(long count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1u);
}

static inline __mmask32 mask32(long count) {
    return count >= 32 ? (__mmask32)0xFFFFFFFFu : count <= 0 ? (__mmask32)0 : (__mmask32)((1u << count) - 1u);
}

// Index of a permutation of 16-bit words interleaving [x0..x15, y0..y15] into x0 y0 x1 y1 ...
BF16_TARGET static inline __m512i interleave_index(void) {
    return _mm512_set_epi16(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8,
                            23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
}

// Two rows of 16 floats (x: even k, y: odd k) rounded to bf16 and interleaved into 16 pairs.
BF16_TARGET static inline __m512i pairs(__m512 x, __m512 y, __m512i index) {
    __m512i both = (__m512i)_mm512_cvtne2ps_pbh(y, x);  // words 0..15 from x, 16..31 from y
    return _mm512_permutexvar_epi16(index, both);
}

// `count` contiguous floats rounded to bf16 into `out`, padded with zeros to `padded` values.
BF16_TARGET static void convert_row(const float *x, long count, uint16_t *out, long padded) {
    for (long i = 0; i < padded; i += 32) {
        __m512 lo = _mm512_maskz_loadu_ps(mask16(count - i), x + i);
        __m512 hi = _mm512_maskz_loadu_ps(mask16(count - i - 16), x + i + 16);
        __m512i words = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
        _mm512_mask_storeu_epi16(out + i, mask32(padded - i), words);
    }
}

// The A block (rows [0, mc), k values [0, kc) of op(A), starting at `a`) in panels of MR rows.
// Non-transposed A: each panel is [MR rows][KCP pairs]; transposed A: [kcp pairs][MR rows].
BF16_TARGET static void pack_a(int transposed, const float *a, long lda, long mc, long kc, uint32_t *out) {
    long kcp = (kc + 1) / 2;
    for (long panel = 0; panel * MR < mc; panel++) {
        uint32_t *p = out + panel * MR * KCP;
        long rows = mc - panel * MR < MR ? mc - panel * MR : MR;
        if (!transposed) {
            for (long i = 0; i < MR; i++) {
                if (i < rows) {
                    convert_row(a + (panel * MR + i) * lda, kc, (uint16_t *)(p + i * KCP), 2 * kcp);
                } else {
                    memset(p + i * KCP, 0, (size_t)kcp * sizeof(uint32_t));
                }
            }
        } else {
            __m512i index = interleave_index();
            __mmask16 m = mask16(rows);
            const float *column = a + panel * MR;
            for (long kp = 0; kp < kcp; kp++) {
                __m512 x = _mm512_maskz_loadu_ps(m, column + 2 * kp * lda);
                __m512 y = 2 * kp + 1 < kc ? _mm512_maskz_loadu_ps(m, column + (2 * kp + 1) * lda) : _mm512_setzero_ps();
                _mm256_storeu_si256((__m256i *)(p + kp * MR), _mm512_castsi512_si256(pairs(x, y, index)));
            }
        }
    }
}

// The B block (k values [0, kc), columns [0, nc) of op(B), starting at `b`) in panels of NR
// columns, each [kcp pairs][NR columns][2].
BF16_TARGET static void pack_b(int transposed, const float *b, long ldb, long nc, long kc, uint32_t *out) {
    long kcp = (kc + 1) / 2;
    if (!transposed) {
        // Along memory rows (two rows of k make a pair), every panel in turn.
        __m512i index = interleave_index();
        for (long kp = 0; kp < kcp; kp++) {
            const float *x = b + 2 * kp * ldb;
            int odd = 2 * kp + 1 < kc;
            for (long panel = 0; panel * NR < nc; panel++) {
                uint32_t *p = out + panel * KCP * NR + kp * NR;
                long columns = nc - panel * NR < NR ? nc - panel * NR : NR;
                __mmask16 m0 = mask16(columns), m1 = mask16(columns - 16);
                const float *row = x + panel * NR;
                __m512 x0 = _mm512_maskz_loadu_ps(m0, row), x1 = _mm512_maskz_loadu_ps(m1, row + 16);
                __m512 y0 = odd ? _mm512_maskz_loadu_ps(m0, row + ldb) : _mm512_setzero_ps();
                __m512 y1 = odd ? _mm512_maskz_loadu_ps(m1, row + ldb + 16) : _mm512_setzero_ps();
                _mm512_storeu_si512(p, pairs(x0, y0, index));
                _mm512_storeu_si512(p + 16, pairs(x1, y1, index));
            }
        }
        return;
    }
    // Column j of op(B) is row j of memory: 16 columns by 16 pairs at a time, rounded to
    // pairs along the rows, then transposed to [pair][column].
    for (long first = 0; first < nc; first += 16) {
        uint32_t *p = out + (first / NR) * KCP * NR + first % NR;
        for (long kp0 = 0; kp0 < kcp; kp0 += 16) {
            __m512i r[16];
            for (long j = 0; j < 16; j++) {
                if (first + j < nc) {
                    const float *x = b + (first + j) * ldb + 2 * kp0;
                    __m512 lo = _mm512_maskz_loadu_ps(mask16(kc - 2 * kp0), x);
                    __m512 hi = _mm512_maskz_loadu_ps(mask16(kc - 2 * kp0 - 16), x + 16);
                    r[j] = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);
                } else {
                    r[j] = _mm512_setzero_si512();
                }
            }
            transpose16(r);
            long pairsHere = kcp - kp0 < 16 ? kcp - kp0 : 16;
            for (long i = 0; i < pairsHere; i++) _mm512_storeu_si512(p + (kp0 + i) * NR, r[i]);
        }
    }
    // A last panel of 16 columns or fewer: its second half is zero.
    if (nc % NR != 0 && nc % NR <= 16) {
        uint32_t *p = out + (nc / NR) * KCP * NR + 16;
        for (long kp = 0; kp < kcp; kp++) _mm512_storeu_si512(p + kp * NR, _mm512_setzero_si512());
    }
}

// C[rows, columns] (rows <= MR, columns <= NR) = alpha * (A panel x B panel) + beta * C, where
// the A panel holds pair kp of row i at a[kp * aK + i * aI]. beta == 0 never reads C.
BF16_TARGET static inline __attribute__((always_inline))
void micro_kernel(long kcp, const uint32_t *a, long aK, long aI, const uint32_t *b,
                  float *c, long ldc, long rows, long columns, float alpha, float beta) {
    __m512 acc[MR][2];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) { acc[i][0] = _mm512_setzero_ps(); acc[i][1] = _mm512_setzero_ps(); }
    for (long kp = 0; kp < kcp; kp++) {
        __m512bh b0 = (__m512bh)_mm512_load_si512(b + kp * NR);
        __m512bh b1 = (__m512bh)_mm512_load_si512(b + kp * NR + 16);
        const uint32_t *ak = a + kp * aK;
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512bh x = (__m512bh)_mm512_set1_epi32((int)ak[i * aI]);
            acc[i][0] = _mm512_dpbf16_ps(acc[i][0], x, b0);
            acc[i][1] = _mm512_dpbf16_ps(acc[i][1], x, b1);
        }
    }
    __mmask16 m0 = mask16(columns), m1 = mask16(columns - 16);
    __m512 vAlpha = _mm512_set1_ps(alpha), vBeta = _mm512_set1_ps(beta);
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        if (i >= rows) break;
        float *row = c + i * ldc;
        __m512 r0 = _mm512_mul_ps(acc[i][0], vAlpha), r1 = _mm512_mul_ps(acc[i][1], vAlpha);
        if (beta != 0) {
            r0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m0, row), vBeta, r0);
            r1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m1, row + 16), vBeta, r1);
        }
        _mm512_mask_storeu_ps(row, m0, r0);
        _mm512_mask_storeu_ps(row + 16, m1, r1);
    }
}

BF16_TARGET static void gemm_bf16(int transposeA, int transposeB, long m, long n, long k, float alpha,
                                  const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
    uint32_t *bufferA = buffer(&packedA, (size_t)MC * KCP);
    uint32_t *bufferB = buffer(&packedB, (size_t)NC * KCP);
    for (long jc = 0; jc < n; jc += NC) {
        long nc = n - jc < NC ? n - jc : NC;
        for (long pc = 0; pc < k; pc += KC) {
            long kc = k - pc < KC ? k - pc : KC, kcp = (kc + 1) / 2;
            // The first k block scales C by beta; the later ones add to it.
            float blockBeta = pc == 0 ? beta : 1.0f;
            const float *bBlock = transposeB ? b + jc * ldb + pc : b + pc * ldb + jc;
            pack_b(transposeB, bBlock, ldb, nc, kc, bufferB);
            for (long ic = 0; ic < m; ic += MC) {
                long mc = m - ic < MC ? m - ic : MC;
                const float *aBlock = transposeA ? a + pc * lda + ic : a + ic * lda + pc;
                pack_a(transposeA, aBlock, lda, mc, kc, bufferA);
                for (long jr = 0; jr < nc; jr += NR) {
                    const uint32_t *bPanel = bufferB + (jr / NR) * KCP * NR;
                    long columns = nc - jr < NR ? nc - jr : NR;
                    for (long ir = 0; ir < mc; ir += MR) {
                        const uint32_t *aPanel = bufferA + (ir / MR) * MR * KCP;
                        long rows = mc - ir < MR ? mc - ir : MR;
                        float *cTile = c + (ic + ir) * ldc + jc + jr;
                        if (transposeA) {
                            micro_kernel(kcp, aPanel, MR, 1, bPanel, cTile, ldc, rows, columns, alpha, blockBeta);
                        } else {
                            micro_kernel(kcp, aPanel, 1, KCP, bPanel, cTile, ldc, rows, columns, alpha, blockBeta);
                        }
                    }
                }
            }
        }
    }
}

BF16_TARGET static void round_bf16(const float *x, uint16_t *out, long count) {
    for (long i = 0; i < count; i += 32) {
        __m512 lo = _mm512_maskz_loadu_ps(mask16(count - i), x + i);
        __m512 hi = _mm512_maskz_loadu_ps(mask16(count - i - 16), x + i + 16);
        _mm512_mask_storeu_epi16(out + i, mask32(count - i), (__m512i)_mm512_cvtne2ps_pbh(hi, lo));
    }
}

#endif

bool gankit_bf16_available(void) {
#if defined(__x86_64__)
    return bf16_available() != 0;
#else
    return false;
#endif
}

bool gankit_bf16_gemm(bool transposeA, bool transposeB, long m, long n, long k, float alpha,
                      const float *a, long lda, const float *b, long ldb, float beta, float *c, long ldc) {
#if defined(__x86_64__)
    if (!bf16_available()) return false;
    if (m <= 0 || n <= 0) return true;
    if (k <= 0) {
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) c[i * ldc + j] = beta == 0 ? 0 : beta * c[i * ldc + j];
        return true;
    }
    gemm_bf16(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return true;
#else
    (void)transposeA; (void)transposeB; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda;
    (void)b; (void)ldb; (void)beta; (void)c; (void)ldc;
    return false;
#endif
}

bool gankit_bf16_round(const float *x, uint16_t *out, long count) {
#if defined(__x86_64__)
    if (!bf16_available()) return false;
    round_bf16(x, out, count);
    return true;
#else
    (void)x; (void)out; (void)count;
    return false;
#endif
}
