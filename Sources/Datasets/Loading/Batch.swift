import TensorCore

/// One batch from a `DataLoader`.
public struct Batch: Sendable {
    /// The samples, `[N] + sampleShape`: `[N, C, H, W]` in [-1, 1] for images, `[N, 2]` for points.
    public let samples: Tensor
    /// One label per sample.
    public let labels: [Int]
    /// The epoch the batch belongs to.
    public let epoch: Int
    /// The position of the batch within its epoch, from 0.
    public let index: Int

    /// The samples under the name image trainers use.
    public var images: Tensor { samples }
}
