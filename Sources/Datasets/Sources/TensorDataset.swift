import TensorCore

/// Samples and labels held in memory as one tensor: generated images, subsets and unions of
/// other datasets.
public struct TensorDataset: Dataset {
    /// All samples, `[count] + sampleShape`.
    public let samples: Tensor
    /// One label per sample.
    public let labels: [Int]
    public let classCount: Int?

    /// `samples` ([N, ...]) with one label each; `classCount` defaults to the largest label + 1.
    public init(samples: Tensor, labels: [Int], classCount: Int? = nil) {
        precondition(samples.rank >= 1 && samples.shape[0] == labels.count,
                     "TensorDataset: \(labels.count) labels for samples of shape \(samples.shape)")
        self.samples = samples
        self.labels = labels
        self.classCount = classCount ?? labels.max().map { $0 + 1 }
    }

    /// Every sample of `dataset`.
    public init(_ dataset: some Dataset) {
        let indices = Array(0..<dataset.count)
        self.init(samples: dataset.samples(at: indices), labels: dataset.labels(at: indices), classCount: dataset.classCount)
    }

    /// `perClass` samples of each class of `dataset` (or all of a class that has fewer), chosen
    /// at random with `seed`, in class order.
    public init(_ dataset: some Dataset, perClass: Int, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        let order = generator.permutation(dataset.count)
        var byClass: [Int: [Int]] = [:]
        for index in order where byClass[dataset.label(at: index), default: []].count < perClass {
            byClass[dataset.label(at: index), default: []].append(index)
        }
        let indices = byClass.keys.sorted().flatMap { byClass[$0]! }
        self.init(samples: dataset.samples(at: indices), labels: dataset.labels(at: indices), classCount: dataset.classCount)
    }

    public var count: Int { labels.count }
    public var sampleShape: [Int] { Array(samples.shape.dropFirst()) }
    public func label(at index: Int) -> Int { labels[index] }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let size = sampleSize
        precondition(index >= 0 && index < count, "TensorDataset: index \(index) out of 0..<\(count)")
        destination.update(from: samples.storage.base + index * size, count: size)
    }

    /// The samples of both datasets (same sample shape), `self` first.
    public func appending(_ other: TensorDataset) -> TensorDataset {
        precondition(sampleShape == other.sampleShape, "TensorDataset.appending: shapes \(sampleShape) and \(other.sampleShape) differ")
        return TensorDataset(samples: Tensor.concat([samples, other.samples], axis: 0), labels: labels + other.labels,
                             classCount: max(classCount ?? 0, other.classCount ?? 0))
    }
}
