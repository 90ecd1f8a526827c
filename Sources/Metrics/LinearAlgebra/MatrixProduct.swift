import COpenBLAS

/// Float64 matrix products through BLAS (`cblas_dgemm`), on row-major buffers.
enum MatrixProduct {
    /// C = alpha * op(A) op(B) + beta * C, where op(A) is `rows x inner` and op(B) is
    /// `inner x columns`; `A` is stored as `rows x inner` (or `inner x rows` when
    /// `transposeA`), `B` as `inner x columns` (or `columns x inner` when `transposeB`).
    static func multiply(_ a: UnsafePointer<Double>, transposeA: Bool = false,
                         _ b: UnsafePointer<Double>, transposeB: Bool = false,
                         into c: UnsafeMutablePointer<Double>,
                         rows: Int, columns: Int, inner: Int, alpha: Double = 1, beta: Double = 0) {
        guard rows > 0, columns > 0 else { return }
        if inner == 0 {
            for index in 0..<(rows * columns) { c[index] *= beta }
            return
        }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(rows), Int32(columns), Int32(inner), alpha,
                    a, Int32(transposeA ? rows : inner), b, Int32(transposeB ? inner : columns),
                    beta, c, Int32(columns))
    }
}
