import TensorCore

/// Three random images of a one-channel dataset stacked as the three channels of one image,
/// the "stacked MNIST" of mode-coverage studies: with 10 base classes there are 1,000 modes.
/// The label of a stacked image is `first * 100 + second * 10 + third` (the base labels).
public struct StackedDataset<Base: Dataset>: Dataset {
    /// The one-channel dataset the images come from.
    public let base: Base
    /// The three base indices of every stacked image, flattened.
    public let baseIndices: [Int]

    /// `count` stacked images whose channels are base images chosen with `seed`.
    public init(base: Base, count: Int, seed: UInt64) {
        precondition(base.sampleShape.count == 3 && base.sampleShape[0] == 1,
                     "StackedDataset: the base dataset must hold one-channel images, not \(base.sampleShape)")
        precondition(base.count > 0 && count >= 0, "StackedDataset: needs a non-empty base and count >= 0")
        var generator = RandomGenerator(seed: seed)
        self.base = base
        self.baseIndices = (0..<(3 * count)).map { _ in Int(generator.next() % UInt64(base.count)) }
    }

    public var count: Int { baseIndices.count / 3 }
    public var sampleShape: [Int] { [3, base.sampleShape[1], base.sampleShape[2]] }

    /// The base's class count cubed (1,000 for ten base classes).
    public var classCount: Int? { base.classCount.map { $0 * $0 * $0 } }

    public func label(at index: Int) -> Int {
        base.label(at: baseIndices[3 * index]) * 100 + base.label(at: baseIndices[3 * index + 1]) * 10
            + base.label(at: baseIndices[3 * index + 2])
    }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let planeSize = base.sampleSize
        for channel in 0..<3 {
            base.copySample(at: baseIndices[3 * index + channel], into: destination + channel * planeSize)
        }
    }
}
