// The switch that turns the AVX-512F kernels off, so the portable Swift loops run (and are
// tested) on CPUs that have AVX-512 too.
#include "CKernels.h"
#include "cpu_features.h"

#include <stdlib.h>

int gankit_avx512_switch = -1;

bool gankit_avx512_switch_from_environment(void) {
    int allowed = getenv("GANKIT_NO_AVX512") == NULL ? 1 : 0;
    int unset = -1;
    // A switch set meanwhile by gankit_set_avx512 wins over the environment.
    __atomic_compare_exchange_n(&gankit_avx512_switch, &unset, allowed, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    return __atomic_load_n(&gankit_avx512_switch, __ATOMIC_RELAXED) != 0;
}

bool gankit_avx512_enabled(void) { return has_avx512f(); }

void gankit_set_avx512(bool enabled) { __atomic_store_n(&gankit_avx512_switch, enabled ? 1 : 0, __ATOMIC_RELAXED); }
