import Foundation
import TensorCore

/// The Inception-style score of class probabilities p(y|x) (Salimans et al., 2016) computed
/// with the evaluator's softmax: exp(E_x KL(p(y|x) ‖ p(y))), where p(y) is the mean of
/// p(y|x) over the split. The samples are cut into `splitCount` consecutive splits, as the
/// original code; the mean and the standard deviation (ddof 0) over the splits are reported.
/// Terms with p(y|x) = 0 contribute 0. It ranges from 1 (every sample the same class
/// distribution) to the number of classes (confident and balanced).
public struct InceptionScore: Sendable, Equatable, Codable {
    public let mean: Double
    public let standardDeviation: Double
    public let splitCount: Int

    /// The score of `probabilities` (`[N, classes]`, rows summing to 1).
    public init(probabilities: Tensor, splitCount: Int = 10) {
        precondition(probabilities.rank == 2, "InceptionScore: probabilities must be [N, classes], not \(probabilities.shape)")
        let n = probabilities.shape[0], classes = probabilities.shape[1]
        let splits = max(1, min(splitCount, n))
        let splitSize = n / splits
        precondition(splitSize >= 1, "InceptionScore: no samples")
        let p = probabilities.storage.base
        var scores: [Double] = []
        var marginal = [Double](repeating: 0, count: classes)
        for split in 0..<splits {
            let first = split * splitSize, end = first + splitSize
            marginal.withUnsafeMutableBufferPointer { marginalBuffer in
                let mean = marginalBuffer.baseAddress!
                for index in 0..<classes { mean[index] = 0 }
                for row in first..<end {
                    for index in 0..<classes { mean[index] += Double(p[row * classes + index]) }
                }
                for index in 0..<classes { mean[index] = Foundation.log(mean[index] / Double(splitSize)) }
                var divergence = 0.0
                for row in first..<end {
                    for index in 0..<classes {
                        let value = Double(p[row * classes + index])
                        if value > 0 { divergence += value * (Foundation.log(value) - mean[index]) }
                    }
                }
                scores.append(Foundation.exp(divergence / Double(splitSize)))
            }
        }
        let mean = scores.reduce(0, +) / Double(scores.count)
        self.mean = mean
        standardDeviation = (scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)).squareRoot()
        self.splitCount = splits
    }
}
