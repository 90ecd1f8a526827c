/// Labeled 8-bit images held in memory as bytes (one byte a channel value, planar `[C, H, W]`
/// per image), served as floats in [-1, 1]. The IDX datasets and the stacked variant use it.
public struct ByteImageDataset: Dataset {
    /// All pixel bytes, image after image, each `[channels, height, width]`.
    public let pixels: [UInt8]
    /// One label per image.
    public let labels: [Int]
    /// One more than the largest label (10 for the MNIST family).
    public let classCount: Int?
    /// Channels, height and width of one image.
    public let channels: Int, height: Int, width: Int

    /// Images from `pixels` (planar, `count * channels * height * width` bytes) and `labels`.
    public init(pixels: [UInt8], labels: [Int], channels: Int, height: Int, width: Int) {
        precondition(pixels.count == labels.count * channels * height * width,
                     "ByteImageDataset: \(pixels.count) bytes do not hold \(labels.count) images of [\(channels), \(height), \(width)]")
        self.pixels = pixels
        self.labels = labels
        classCount = labels.max().map { $0 + 1 }
        self.channels = channels
        self.height = height
        self.width = width
    }

    public var count: Int { labels.count }
    public var sampleShape: [Int] { [channels, height, width] }
    public func label(at index: Int) -> Int { labels[index] }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let size = channels * height * width
        precondition(index >= 0 && index < labels.count, "ByteImageDataset: index \(index) out of 0..<\(labels.count)")
        pixels.withUnsafeBufferPointer { buffer in
            let source = buffer.baseAddress! + index * size
            let scale: Float = 2 / 255
            for offset in 0..<size { destination[offset] = Float(source[offset]) * scale - 1 }
        }
    }
}
