import CKernels

/// The hand-written AVX-512F kernels of CKernels (Adam's update, the shifted-GEMM convolution's
/// relayouts, im2col and col2im rows) and the switch between them and the portable Swift loops
/// they replace. Both give bit-identical results; the kernels are faster.
public enum VectorKernels {
    /// Whether the kernels run: the CPU has AVX-512F and they are not turned off (the
    /// environment variable `GANKIT_NO_AVX512`, set to anything, turns them off from the start).
    /// Setting it makes every later call take the kernels or the portable loops; set it only
    /// while no computation runs (tests compare the two paths with it).
    public static var isEnabled: Bool {
        get { gankit_avx512_enabled() }
        set { gankit_set_avx512(newValue) }
    }

    /// `body`'s result with the portable loops in place of the kernels; the switch is restored after.
    public static func withPortableLoops<T>(_ body: () throws -> T) rethrows -> T {
        let wasEnabled = isEnabled
        isEnabled = false
        defer { isEnabled = wasEnabled }
        return try body()
    }
}
