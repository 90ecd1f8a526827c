/// The mean and covariance of a feature set in Float64: the Gaussian that the Fréchet
/// distance compares. The covariance is the unbiased one (divided by N - 1), as `numpy.cov`.
public struct FeatureStatistics: Sendable, Equatable {
    /// Number of samples the statistics come from.
    public let sampleCount: Int
    /// Dimension of the features.
    public let dimension: Int
    /// The mean feature vector.
    public let mean: [Double]
    /// The `dimension x dimension` covariance, row-major.
    public let covariance: [Double]

    /// Statistics given directly (e.g. read from a cache).
    public init(sampleCount: Int, mean: [Double], covariance: [Double]) {
        precondition(covariance.count == mean.count * mean.count,
                     "FeatureStatistics: covariance of \(covariance.count) values does not match a mean of \(mean.count)")
        self.sampleCount = sampleCount
        dimension = mean.count
        self.mean = mean
        self.covariance = covariance
    }

    /// The mean and unbiased covariance of the rows of `features` (at least two rows).
    public init(_ features: FeatureMatrix) {
        let n = features.rowCount, d = features.columnCount
        precondition(n >= 2, "FeatureStatistics: a covariance needs at least 2 samples, not \(n)")
        var mean = [Double](repeating: 0, count: d)
        var centered = [Double](repeating: 0, count: n * d)
        var covariance = [Double](repeating: 0, count: d * d)
        features.values.withUnsafeBufferPointer { source in
            mean.withUnsafeMutableBufferPointer { meanBuffer in
                let m = meanBuffer.baseAddress!
                for row in 0..<n {
                    let values = source.baseAddress! + row * d
                    for column in 0..<d { m[column] += values[column] }
                }
                for column in 0..<d { m[column] /= Double(n) }
                centered.withUnsafeMutableBufferPointer { centeredBuffer in
                    for row in 0..<n {
                        let values = source.baseAddress! + row * d
                        let output = centeredBuffer.baseAddress! + row * d
                        for column in 0..<d { output[column] = values[column] - m[column] }
                    }
                }
            }
        }
        centered.withUnsafeBufferPointer { x in
            covariance.withUnsafeMutableBufferPointer { c in
                MatrixProduct.multiply(x.baseAddress!, transposeA: true, x.baseAddress!, into: c.baseAddress!,
                                       rows: d, columns: d, inner: n, alpha: 1 / Double(n - 1))
            }
        }
        // Exact symmetry (BLAS may round the two triangles differently).
        Self.symmetrize(&covariance, size: d)
        self.init(sampleCount: n, mean: mean, covariance: covariance)
    }

    /// The sum of the covariance's diagonal.
    public var covarianceTrace: Double {
        var sum = 0.0
        for index in 0..<dimension { sum += covariance[index * dimension + index] }
        return sum
    }

    /// Replaces both triangles of the `size` x `size` row-major matrix `m` by their average, so
    /// it is exactly symmetric (products computed by BLAS may round the two triangles apart).
    static func symmetrize(_ m: inout [Double], size d: Int) {
        m.withUnsafeMutableBufferPointer { m in
            for row in 0..<d {
                for column in (row + 1)..<d {
                    let average = (m[row * d + column] + m[column * d + row]) / 2
                    m[row * d + column] = average
                    m[column * d + row] = average
                }
            }
        }
    }
}
