import Foundation
import TensorCore

/// Squared Euclidean distances between all rows of one feature set and all rows of another,
/// produced a block of rows at a time (‖a‖² + ‖b‖² − 2 a·b with the products from BLAS), so
/// that 10,000 x 10,000 distances never sit in memory at once. Blocks run in parallel on
/// GANKit's threads.
enum PairwiseDistances {
    /// Rows per block: 256 rows against 10,000 columns is 20 MB of Float64.
    static let blockSize = 256

    /// Calls `block(&partial, rowRange, distances)` for consecutive blocks of `rows`, where
    /// `distances` holds `rowRange.count x columns.rowCount` squared distances, row-major.
    /// Each parallel worker starts from `initial()` and the workers' partials are returned
    /// (in no particular order) for the caller to combine. Work that writes only the entries
    /// of its own rows may also write shared per-row buffers.
    static func reduceBlocks<Partial>(rows: FeatureMatrix, columns: FeatureMatrix,
                                      initial: () -> Partial,
                                      block: (inout Partial, Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Partial] {
        precondition(rows.columnCount == columns.columnCount,
                     "PairwiseDistances: feature dimensions \(rows.columnCount) and \(columns.columnCount) differ")
        let dimension = rows.columnCount, columnCount = columns.rowCount
        let rowNorms = rows.squaredRowNorms(), columnNorms = columns.squaredRowNorms()
        let lock = NSLock()
        var partials: [Partial] = []
        _ = Parallel.threadCount  // configures OpenBLAS to one thread before the first dgemm
        rows.values.withUnsafeBufferPointer { rowValues in
            columns.values.withUnsafeBufferPointer { columnValues in
                rowNorms.withUnsafeBufferPointer { rowNorm in
                    columnNorms.withUnsafeBufferPointer { columnNorm in
                        Parallel.forEachChunk(rows.rowCount, costPerItem: max(1, columnCount * dimension)) { chunk in
                            var partial = initial()
                            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: min(blockSize, chunk.count) * columnCount)
                            defer { buffer.deallocate() }
                            var start = chunk.lowerBound
                            while start < chunk.upperBound {
                                let end = min(chunk.upperBound, start + blockSize)
                                MatrixProduct.multiply(rowValues.baseAddress! + start * dimension,
                                                       columnValues.baseAddress!, transposeB: true, into: buffer,
                                                       rows: end - start, columns: columnCount, inner: dimension)
                                for row in start..<end {
                                    let line = buffer + (row - start) * columnCount
                                    let norm = rowNorm[row]
                                    for column in 0..<columnCount {
                                        let squared = norm + columnNorm[column] - 2 * line[column]
                                        line[column] = squared > 0 ? squared : 0
                                    }
                                }
                                block(&partial, start..<end, buffer)
                                start = end
                            }
                            lock.lock()
                            partials.append(partial)
                            lock.unlock()
                        }
                    }
                }
            }
        }
        return partials
    }

    /// The squared distance from each row of `features` to its `k`-th nearest neighbour in
    /// the same set, not counting itself (the (k+1)-th smallest distance including the zero
    /// self-distance, as the reference `prdc` implementation).
    static func nearestNeighborRadii(of features: FeatureMatrix, k: Int) -> [Double] {
        precondition(k >= 1 && k < features.rowCount,
                     "nearestNeighborRadii: k = \(k) needs more than \(k) samples, not \(features.rowCount)")
        let n = features.rowCount, kept = k + 1
        var radii = [Double](repeating: 0, count: n)
        radii.withUnsafeMutableBufferPointer { output in
            let radius = output.baseAddress!
            _ = reduceBlocks(rows: features, columns: features, initial: { () }) { _, rowRange, distances in
                let smallest = UnsafeMutablePointer<Double>.allocate(capacity: kept)
                defer { smallest.deallocate() }
                for row in rowRange {
                    let line = distances + (row - rowRange.lowerBound) * n
                    radius[row] = kthSmallest(line, count: n, rank: kept, scratch: smallest)
                }
            }
        }
        return radii
    }

    /// The `rank`-th smallest of `count` values (1-based), keeping the `rank` smallest seen so
    /// far sorted in `scratch`.
    @inline(__always)
    static func kthSmallest(_ values: UnsafePointer<Double>, count: Int, rank: Int, scratch: UnsafeMutablePointer<Double>) -> Double {
        var filled = 0
        for index in 0..<count {
            let value = values[index]
            if filled == rank {
                if value >= scratch[rank - 1] { continue }
                filled -= 1
            }
            var position = filled
            while position > 0 && scratch[position - 1] > value {
                scratch[position] = scratch[position - 1]
                position -= 1
            }
            scratch[position] = value
            filled += 1
        }
        return scratch[rank - 1]
    }
}
