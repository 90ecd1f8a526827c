import TensorCore

/// A set of feature vectors in Float64: `rowCount` rows (one sample each) of `columnCount`
/// features, row-major. The metrics compute on these so that sums over thousands of samples
/// keep their precision.
public struct FeatureMatrix: Sendable, Equatable {
    /// Number of samples.
    public let rowCount: Int
    /// Number of features per sample.
    public let columnCount: Int
    /// The values, row after row.
    public let values: [Double]

    /// A matrix of `rowCount` x `columnCount` values given row after row.
    public init(rowCount: Int, columnCount: Int, values: [Double]) {
        precondition(rowCount >= 0 && columnCount >= 0 && values.count == rowCount * columnCount,
                     "FeatureMatrix: \(values.count) values do not fill \(rowCount) x \(columnCount)")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.values = values
    }

    /// The rows of a `[N, D]` tensor, widened to Float64.
    public init(_ tensor: Tensor) {
        precondition(tensor.rank == 2, "FeatureMatrix: features must be [N, D], not \(tensor.shape)")
        let count = tensor.count
        let source = tensor.storage.base
        let widened = [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            let destination = buffer.baseAddress!
            for index in 0..<count { destination[index] = Double(source[index]) }
            initialized = count
        }
        self.init(rowCount: tensor.shape[0], columnCount: tensor.shape[1], values: widened)
    }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> FeatureMatrix {
        let width = columnCount
        let gathered = [Double](unsafeUninitializedCapacity: indices.count * width) { buffer, initialized in
            values.withUnsafeBufferPointer { source in
                for (position, row) in indices.enumerated() {
                    precondition(row >= 0 && row < rowCount, "FeatureMatrix.rows: row \(row) out of 0..<\(rowCount)")
                    (buffer.baseAddress! + position * width).initialize(from: source.baseAddress! + row * width, count: width)
                }
            }
            initialized = indices.count * width
        }
        return FeatureMatrix(rowCount: indices.count, columnCount: width, values: gathered)
    }

    /// The squared Euclidean norm of each row.
    public func squaredRowNorms() -> [Double] {
        let width = columnCount
        return [Double](unsafeUninitializedCapacity: rowCount) { norms, initialized in
            values.withUnsafeBufferPointer { source in
                for row in 0..<rowCount {
                    let start = source.baseAddress! + row * width
                    var sum = 0.0
                    for column in 0..<width { sum += start[column] * start[column] }
                    norms[row] = sum
                }
            }
            initialized = rowCount
        }
    }
}
