import TensorCore

/// Makes (low-resolution, high-resolution) pairs from in-memory images by shrinking them by an
/// integer factor with a PyTorch-style `ResamplingMethod`. For training on photos the way
/// SRGAN does (random patches, MATLAB's bicubic shrink, flips and rotations), use
/// `SuperResolutionPatches`.
public struct SuperResolutionPairs: Sendable {
    /// The downsampling factor.
    public let factor: Int
    /// How the low-resolution image is computed.
    public let method: ResamplingMethod

    /// Pairs shrinking by `factor` with `method`.
    public init(factor: Int, method: ResamplingMethod = .bicubic) {
        precondition(factor >= 1, "SuperResolutionPairs: factor must be >= 1, not \(factor)")
        self.factor = factor
        self.method = method
    }

    /// The pair for one image; the high-resolution image is center-cropped to a multiple of `factor`.
    public func pair(_ image: ImageBuffer) -> (lowResolution: ImageBuffer, highResolution: ImageBuffer) {
        let height = image.height / factor * factor, width = image.width / factor * factor
        precondition(height > 0 && width > 0, "SuperResolutionPairs: a \(image.height)x\(image.width) image is smaller than the factor \(factor)")
        let high = image.cropped(top: (image.height - height) / 2, left: (image.width - width) / 2, height: height, width: width)
        return (high.resized(height: height / factor, width: width / factor, method: method), high)
    }

    /// The pairs for an `[N, C, H, W]` batch, as two batches.
    public func pairs(_ batch: Tensor) -> (lowResolution: Tensor, highResolution: Tensor) {
        let pairs = ImageBuffer.images(from: batch).map(pair)
        return (ImageBuffer.batch(pairs.map(\.lowResolution)), ImageBuffer.batch(pairs.map(\.highResolution)))
    }
}
