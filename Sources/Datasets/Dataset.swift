import TensorCore

/// A finite, indexable collection of labeled samples that a `DataLoader` can batch.
///
/// Samples follow the GANKit contract: float32 values, shape `[C, H, W]` in [-1, 1] for images
/// and `[2]` for 2-D points. A dataset without labels reports label 0.
public protocol Dataset: Sendable {
    /// Number of samples.
    var count: Int { get }
    /// The shape of one sample, e.g. `[1, 28, 28]` or `[2]`.
    var sampleShape: [Int] { get }
    /// The label of sample `index` (a class index, or 0 when there are no labels).
    func label(at index: Int) -> Int
    /// The number of classes the labels index, or nil when the samples carry no class labels.
    var classCount: Int? { get }
    /// Writes sample `index` (`sampleShape.reduce(1, *)` floats) to `destination`.
    func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>)
}

extension Dataset {
    /// No class labels unless a dataset says otherwise.
    public var classCount: Int? { nil }

    /// Number of floats in one sample.
    public var sampleSize: Int { sampleShape.reduce(1, *) }

    /// Sample `index` as a tensor of shape `sampleShape`.
    public func sample(at index: Int) -> Tensor {
        precondition(index >= 0 && index < count, "Dataset.sample(at:): index \(index) out of 0..<\(count)")
        var scalars = [Float](repeating: 0, count: sampleSize)
        scalars.withUnsafeMutableBufferPointer { copySample(at: index, into: $0.baseAddress!) }
        return Tensor(scalars, shape: sampleShape)
    }

    /// The samples at `indices` stacked into one tensor of shape `[indices.count] + sampleShape`.
    public func samples(at indices: [Int]) -> Tensor {
        let size = sampleSize
        var scalars = [Float](repeating: 0, count: size * indices.count)
        scalars.withUnsafeMutableBufferPointer { buffer in
            for (position, index) in indices.enumerated() {
                precondition(index >= 0 && index < count, "Dataset.samples(at:): index \(index) out of 0..<\(count)")
                copySample(at: index, into: buffer.baseAddress! + position * size)
            }
        }
        return Tensor(scalars, shape: [indices.count] + sampleShape)
    }

    /// The labels at `indices`.
    public func labels(at indices: [Int]) -> [Int] { indices.map { label(at: $0) } }
}
