import Foundation
import TensorCore

/// The kernel distance between feature sets (KID when the features come from the evaluator;
/// Bińkowski et al., 2018): the unbiased estimate of the squared maximum mean discrepancy with
/// the cubic polynomial kernel k(x, y) = (x·y / d + 1)³, averaged over random subsets.
///
/// For subsets X (real) and Y (generated) of m samples each,
///
///     MMD²ᵤ = [Σ_{i≠j} k(xᵢ,xⱼ) + Σ_{i≠j} k(yᵢ,yⱼ)] / (m (m − 1)) − 2 Σ_{i,j} k(xᵢ,yⱼ) / m²
///
/// as `torch-fidelity` and the original implementation; the reported mean and standard
/// deviation (population, ddof 0) are over the subsets.
public struct KernelInceptionDistance: Sendable, Equatable, Codable {
    /// The mean of the subset estimates.
    public let mean: Double
    /// Their standard deviation.
    public let standardDeviation: Double
    /// Number of subsets.
    public let subsetCount: Int
    /// Samples per subset.
    public let subsetSize: Int

    /// The estimate over the given subsets: `realSubsets[s]` and `generatedSubsets[s]` are the
    /// row indices of subset s (all subsets the same size m ≥ 2).
    public init(real: FeatureMatrix, generated: FeatureMatrix, realSubsets: [[Int]], generatedSubsets: [[Int]]) {
        precondition(real.columnCount == generated.columnCount,
                     "KernelInceptionDistance: feature dimensions \(real.columnCount) and \(generated.columnCount) differ")
        precondition(!realSubsets.isEmpty && realSubsets.count == generatedSubsets.count,
                     "KernelInceptionDistance: \(realSubsets.count) real and \(generatedSubsets.count) generated subsets")
        let size = realSubsets[0].count
        precondition(size >= 2 && (realSubsets + generatedSubsets).allSatisfy { $0.count == size },
                     "KernelInceptionDistance: every subset must have the same size of at least 2")
        var estimates = [Double](repeating: 0, count: realSubsets.count)
        _ = Parallel.threadCount  // configures OpenBLAS to one thread before the first dgemm
        estimates.withUnsafeMutableBufferPointer { output in
            let results = output.baseAddress!
            Parallel.forEachChunk(realSubsets.count, costPerItem: 3 * size * size * real.columnCount) { range in
                var workspace = [Double](repeating: 0, count: size * size)
                for subset in range {
                    let x = real.rows(realSubsets[subset]), y = generated.rows(generatedSubsets[subset])
                    let withinReal = Self.kernelSum(x, x, workspace: &workspace, excludingDiagonal: true)
                    let withinGenerated = Self.kernelSum(y, y, workspace: &workspace, excludingDiagonal: true)
                    let across = Self.kernelSum(x, y, workspace: &workspace, excludingDiagonal: false)
                    let m = Double(size)
                    results[subset] = (withinReal + withinGenerated) / (m * (m - 1)) - 2 * across / (m * m)
                }
            }
        }
        let mean = estimates.reduce(0, +) / Double(estimates.count)
        let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(estimates.count)
        self.mean = mean
        standardDeviation = variance.squareRoot()
        subsetCount = realSubsets.count
        subsetSize = size
    }

    /// The estimate over `subsetCount` subsets of `subsetSize` samples (fewer when a set is
    /// smaller), each drawn without replacement with a generator seeded by `seed`.
    public init(real: FeatureMatrix, generated: FeatureMatrix, subsetCount: Int = 100, subsetSize: Int = 1_000, seed: UInt64 = 0) {
        let size = min(subsetSize, real.rowCount, generated.rowCount)
        var generator = RandomGenerator(seed: seed)
        var realSubsets: [[Int]] = [], generatedSubsets: [[Int]] = []
        for _ in 0..<subsetCount {
            realSubsets.append(Array(generator.permutation(real.rowCount).prefix(size)))
            generatedSubsets.append(Array(generator.permutation(generated.rowCount).prefix(size)))
        }
        self.init(real: real, generated: generated, realSubsets: realSubsets, generatedSubsets: generatedSubsets)
    }

    /// Σ k(aᵢ, bⱼ) over all pairs (over i ≠ j when `excludingDiagonal`; a and b then coincide).
    static func kernelSum(_ a: FeatureMatrix, _ b: FeatureMatrix, workspace: inout [Double], excludingDiagonal: Bool) -> Double {
        let rows = a.rowCount, columns = b.rowCount, dimension = a.columnCount
        let scale = 1 / Double(dimension)
        return workspace.withUnsafeMutableBufferPointer { buffer in
            let products = buffer.baseAddress!
            a.values.withUnsafeBufferPointer { left in
                b.values.withUnsafeBufferPointer { right in
                    MatrixProduct.multiply(left.baseAddress!, right.baseAddress!, transposeB: true, into: products,
                                           rows: rows, columns: columns, inner: dimension)
                }
            }
            var sum = 0.0
            for row in 0..<rows {
                let line = products + row * columns
                for column in 0..<columns {
                    let base = line[column] * scale + 1
                    sum += base * base * base
                }
                if excludingDiagonal {
                    let base = line[row] * scale + 1
                    sum -= base * base * base
                }
            }
            return sum
        }
    }
}
