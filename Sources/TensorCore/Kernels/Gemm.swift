import CKernels
import COpenBLAS
import Foundation

/// Single-precision matrix multiplication through OpenBLAS, or with `MatmulPrecision.bfloat16`
/// through CKernels' bf16 GEMM (bf16 inputs, float32 sums).
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
        let bfloat16 = MatmulPrecision.current == .bfloat16
        func block(rows: Range<Int>, columns: Range<Int>) {
            let aBlock = transposeA ? a + rows.lowerBound : a + rows.lowerBound * lda
            let bBlock = transposeB ? b + columns.lowerBound * ldb : b + columns.lowerBound
            product(bfloat16: bfloat16, transposeA: transposeA, transposeB: transposeB, m: rows.count, n: columns.count, k: k,
                    alpha: alpha, a: aBlock, lda: lda, b: bBlock, ldb: ldb, beta: beta,
                    c: c + rows.lowerBound * ldc + columns.lowerBound, ldc: ldc)
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

    /// One product on the calling thread: `cblas_sgemm`, or with `bfloat16` the bf16 GEMM.
    @inline(__always)
    static func product(bfloat16: Bool, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if bfloat16 {
            // MatmulPrecision.current is bfloat16 only on a CPU that runs the kernel.
            let done = gankit_bf16_gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
            precondition(done, "bf16 matrix products need a CPU with AVX-512 BF16")
        } else {
            cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
        }
    }
}

/// The precision of the products inside matrix multiplications and convolutions (forward and
/// backward), process-wide: float32 (OpenBLAS's sgemm), or bfloat16 inputs with float32 sums
/// (`gankit_bf16_gemm`, on CPUs with AVX-512 BF16). Everything else (weights, optimizer state,
/// normalization, losses, the GEMMs' outputs) stays float32. Set it once, before training
/// starts, with `select(_:)`.
public enum MatmulPrecision: String, Sendable, Codable, CaseIterable {
    case float32 = "fp32"
    case bfloat16 = "bf16"

    /// Whether this CPU runs bf16 products (AVX-512 BF16 on x86-64). The environment variable
    /// `GANKIT_NO_BF16` set (to anything) makes it false, to try the paths of CPUs without it;
    /// so do the AVX-512 kernels turned off (`VectorKernels.isEnabled`, `GANKIT_NO_AVX512`).
    public static var isBFloat16Available: Bool {
        gankit_bf16_available() && VectorKernels.isEnabled && ProcessInfo.processInfo.environment["GANKIT_NO_BF16"] == nil
    }

    nonisolated(unsafe) private static var selected = MatmulPrecision.float32

    /// The precision every product runs at now (float32 until `select` says otherwise).
    public static var current: MatmulPrecision {
        @inline(__always) get { selected }
    }

    /// Makes `precision` the process-wide one. Call it before any product runs (between
    /// training steps at the earliest), never while one runs.
    public static func select(_ precision: MatmulPrecision) throws {
        if precision == .bfloat16 && !isBFloat16Available { throw UnavailableError() }
        selected = precision
    }

    /// The bfloat16 bit pattern of `x` as the bf16 GEMM rounds its inputs (VCVTNE2PS2BF16):
    /// to nearest, ties to even; a NaN stays a (quiet) NaN with its sign; subnormals become
    /// zero of their sign; values that round past the largest bf16 become infinities.
    public static func bfloat16Bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        if x.isSubnormal { return UInt16(truncatingIfNeeded: bits >> 16) & 0x8000 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// `x` rounded to bfloat16 (`bfloat16Bits`) and widened back to a Float.
    public static func roundedToBFloat16(_ x: Float) -> Float {
        Float(bitPattern: UInt32(bfloat16Bits(x)) << 16)
    }

    /// bf16 was selected on a CPU without AVX-512 BF16.
    public struct UnavailableError: Error, CustomStringConvertible {
        public init() {}
        public var description: String {
            "--precision bf16 needs a CPU with AVX-512 BF16; this one has none: use --precision fp32"
        }
    }
}
