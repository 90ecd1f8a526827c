// Run-time checks of the CPU's instruction sets, for the kernels that choose by them.
#ifndef GANKIT_CPU_FEATURES_H
#define GANKIT_CPU_FEATURES_H

#include <stdbool.h>

// 1 when the AVX-512F kernels may run, 0 when turned off (GANKIT_NO_AVX512 set, or
// gankit_set_avx512(false)); -1 until the first check reads the environment (vector_kernels.c).
extern int gankit_avx512_switch;
bool gankit_avx512_switch_from_environment(void);

// Whether the AVX-512F kernels run: this CPU has AVX-512F (never off x86-64) and they are not
// turned off. Checked by each kernel before it writes anything.
static inline bool has_avx512f(void) {
#if defined(__x86_64__)
    static int available = -1;
    if (__atomic_load_n(&available, __ATOMIC_RELAXED) < 0) {
        __builtin_cpu_init();
        __atomic_store_n(&available, __builtin_cpu_supports("avx512f") ? 1 : 0, __ATOMIC_RELAXED);
    }
    if (!__atomic_load_n(&available, __ATOMIC_RELAXED)) return false;
    int allowed = __atomic_load_n(&gankit_avx512_switch, __ATOMIC_RELAXED);
    return allowed < 0 ? gankit_avx512_switch_from_environment() : allowed != 0;
#else
    return false;
#endif
}

#endif
