import COpenBLAS

/// Single-precision matrix multiplication through OpenBLAS.
///
/// OpenBLAS runs single-threaded; large products are split into row (or column) blocks that
/// run on GANKit's own parallel loop. OpenBLAS's own threads would spin (sched_yield) between
/// calls and steal the cores from every other loop of a training step.
enum Gemm {
    /// Multiply-adds below which a product runs on the calling thread.
    static let minimumParallelWork = 1 << 18

    /// `c = alpha * op(a) * op(b) + beta * c` for row-major matrices, where op(a) is m x k and
    /// op(b) is k x n.
    @inline(__always)
    static func multiply(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                         alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                         b: UnsafePointer<Float>, ldb: Int,
                         beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        guard k > 0 else {
            for row in 0..<m { for column in 0..<n { c[row * ldc + column] = beta == 0 ? 0 : beta * c[row * ldc + column] } }
            return
        }
        let threads = Parallel.threadCount
        let work = m * n * k
        func block(rows: Range<Int>, columns: Range<Int>) {
            let aBlock = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
            let bBlock = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(rows.count), Int32(columns.count), Int32(k), alpha, aBlock, Int32(lda), bBlock, Int32(ldb),
                        beta, c + rows.lowerBound * ldc + columns.lowerBound, Int32(ldc))
        }
        if threads == 1 || work < minimumParallelWork {
            block(rows: 0..<m, columns: 0..<n)
        } else if m >= n {
            Parallel.forEachChunk(threads, costPerItem: Parallel.minimumParallelWork) { chunks in
                for chunk in chunks { block(rows: (m * chunk / threads)..<(m * (chunk + 1) / threads), columns: 0..<n) }
            }
        } else {
            Parallel.forEachChunk(threads, costPerItem: Parallel.minimumParallelWork) { chunks in
                for chunk in chunks { block(rows: 0..<m, columns: (n * chunk / threads)..<(n * (chunk + 1) / threads)) }
            }
        }
    }
}
