import Foundation

/// How often the evaluator assigns each class to a set of samples: a generator biased toward
/// some classes, or dropping some, shows here and in the KL divergence from the real set's
/// histogram.
public struct ClassHistogram: Sendable, Equatable, Codable {
    /// Samples per class.
    public let counts: [Int]

    /// The histogram of `classes` (each in 0..<classCount).
    public init(classes: [Int], classCount: Int) {
        var counts = [Int](repeating: 0, count: classCount)
        for label in classes {
            precondition(label >= 0 && label < classCount, "ClassHistogram: class \(label) outside 0..<\(classCount)")
            counts[label] += 1
        }
        self.counts = counts
    }

    /// Number of samples.
    public var total: Int { counts.reduce(0, +) }

    /// The share of samples in each class.
    public var frequencies: [Double] {
        let total = Double(max(self.total, 1))
        return counts.map { Double($0) / total }
    }

    /// Classes that no sample falls in.
    public var emptyClasses: [Int] { counts.indices.filter { counts[$0] == 0 } }

    /// KL(self ‖ reference) = Σ p log(p / q) over classes with p > 0, in nats: 0 for identical
    /// histograms, log K for all samples in one of K equally likely classes; infinite when
    /// this histogram has samples in a class the reference never shows.
    public func divergence(from reference: ClassHistogram) -> Double {
        precondition(counts.count == reference.counts.count,
                     "ClassHistogram.divergence: \(counts.count) and \(reference.counts.count) classes")
        var sum = 0.0
        for (p, q) in zip(frequencies, reference.frequencies) where p > 0 {
            guard q > 0 else { return .infinity }
            sum += p * log(p / q)
        }
        return max(0, sum)
    }
}

/// For a conditional generator: the share of samples that the evaluator assigns to the class
/// they were generated for.
public func classConsistency(predicted: [Int], requested: [Int]) -> Double {
    precondition(predicted.count == requested.count,
                 "classConsistency: \(predicted.count) predictions for \(requested.count) requested labels")
    guard !predicted.isEmpty else { return 0 }
    return Double(zip(predicted, requested).filter { $0 == $1 }.count) / Double(predicted.count)
}
