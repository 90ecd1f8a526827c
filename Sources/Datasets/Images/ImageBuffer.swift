import TensorCore

/// One image as planar float channels, `[channels, height, width]`, row-major: the working
/// form of transforms, PNG conversion and grids. Values are whatever the producer chose;
/// dataset images use [-1, 1].
public struct ImageBuffer: Sendable, Equatable {
    /// Number of channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA).
    public let channels: Int
    /// Height in pixels.
    public let height: Int
    /// Width in pixels.
    public let width: Int
    /// `channels * height * width` values, channel-major.
    public var pixels: [Float]

    /// An image of the given size over `pixels` (planar, channel-major).
    public init(channels: Int, height: Int, width: Int, pixels: [Float]) {
        precondition(channels > 0 && height >= 0 && width >= 0 && pixels.count == channels * height * width,
                     "ImageBuffer: \(pixels.count) values do not fit [\(channels), \(height), \(width)]")
        self.channels = channels
        self.height = height
        self.width = width
        self.pixels = pixels
    }

    /// An image filled with `value`.
    public init(channels: Int, height: Int, width: Int, filledWith value: Float = 0) {
        self.init(channels: channels, height: height, width: width,
                  pixels: [Float](repeating: value, count: channels * height * width))
    }

    /// The image held in a `[C, H, W]` tensor.
    public init(_ tensor: Tensor) {
        precondition(tensor.shape.count == 3, "ImageBuffer(_:): expects a [C, H, W] tensor, got \(tensor.shape)")
        self.init(channels: tensor.shape[0], height: tensor.shape[1], width: tensor.shape[2], pixels: tensor.scalars)
    }

    /// The shape `[channels, height, width]`.
    public var shape: [Int] { [channels, height, width] }

    /// The image as a `[C, H, W]` tensor.
    public func tensor() -> Tensor { Tensor(pixels, shape: shape) }

    /// The value at `channel`, `row`, `column` (for tests and small tools, not hot loops).
    public subscript(channel: Int, row: Int, column: Int) -> Float {
        get { pixels[(channel * height + row) * width + column] }
        set { pixels[(channel * height + row) * width + column] = newValue }
    }
}

extension ImageBuffer {
    /// The images of an `[N, C, H, W]` tensor.
    public static func images(from batch: Tensor) -> [ImageBuffer] {
        precondition(batch.shape.count == 4, "ImageBuffer.images(from:): expects [N, C, H, W], got \(batch.shape)")
        let channels = batch.shape[1], height = batch.shape[2], width = batch.shape[3]
        let size = channels * height * width
        let scalars = batch.scalars
        return (0..<batch.shape[0]).map { index in
            ImageBuffer(channels: channels, height: height, width: width,
                        pixels: Array(scalars[(index * size)..<((index + 1) * size)]))
        }
    }

    /// Images of one shape stacked into an `[N, C, H, W]` tensor.
    public static func batch(_ images: [ImageBuffer]) -> Tensor {
        precondition(!images.isEmpty, "ImageBuffer.batch: no images")
        let shape = images[0].shape
        var scalars: [Float] = []
        scalars.reserveCapacity(images.count * images[0].pixels.count)
        for image in images {
            precondition(image.shape == shape, "ImageBuffer.batch: image shapes \(shape) and \(image.shape) differ")
            scalars += image.pixels
        }
        return Tensor(scalars, shape: [images.count] + shape)
    }
}
