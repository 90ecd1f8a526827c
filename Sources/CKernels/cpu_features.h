// Run-time checks of the CPU's instruction sets, for the kernels that choose by them.
#ifndef GANKIT_CPU_FEATURES_H
#define GANKIT_CPU_FEATURES_H

#include <stdbool.h>

// Whether this CPU has AVX-512F (always false off x86-64); checked once per kernel file.
static inline bool has_avx512f(void) {
#if defined(__x86_64__)
    static int available = -1;
    if (available < 0) {
        __builtin_cpu_init();
        available = __builtin_cpu_supports("avx512f") ? 1 : 0;
    }
    return available;
#else
    return false;
#endif
}

#endif
