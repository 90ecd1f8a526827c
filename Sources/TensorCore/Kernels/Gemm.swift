import COpenBLAS

/// Single-precision matrix multiplication through OpenBLAS.
enum Gemm {
    /// `c = alpha * op(a) * op(b) + beta * c` for row-major matrices, where op(a) is m x k and
    /// op(b) is k x n.
    @inline(__always)
    static func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                         alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int,
                         beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = Parallel.threadCount  // sets OpenBLAS's thread count once
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for row in 0..<m { for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] } }
            return
        }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
