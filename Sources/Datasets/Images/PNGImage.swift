/// A decoded or to-be-encoded PNG image: interleaved samples, 8 or 16 bits each.
///
/// Decoding expands every PNG color type to one of these: palette images become RGB (or RGBA
/// when the palette has transparency), gray images of 1, 2 or 4 bits become 8-bit gray.
public struct PNGImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
    public let channels: Int
    /// Bits per sample: 8 or 16.
    public let bitDepth: Int
    /// `height * width * channels` samples, row by row, pixel by pixel.
    public let samples: [UInt16]

    /// An image over interleaved `samples`.
    public init(width: Int, height: Int, channels: Int, bitDepth: Int = 8, samples: [UInt16]) {
        precondition((1...4).contains(channels), "PNGImage: channels must be 1...4, not \(channels)")
        precondition(bitDepth == 8 || bitDepth == 16, "PNGImage: bit depth must be 8 or 16, not \(bitDepth)")
        precondition(width > 0 && height > 0 && samples.count == width * height * channels,
                     "PNGImage: \(samples.count) samples do not fit \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.samples = samples
    }

    /// The largest sample value (255 or 65535).
    public var maximumValue: Int { (1 << bitDepth) - 1 }

    /// The image converted to planar floats, mapping 0 to `range.lowerBound` and the maximum
    /// sample value to `range.upperBound`.
    public func imageBuffer(range: ClosedRange<Float> = -1...1) -> ImageBuffer {
        ImageBuffer(interleaved: samples, channels: channels, height: height, width: width, maximum: Float(maximumValue), range: range)
    }

    /// Quantizes a planar float image (1 to 4 channels) whose values span `range` into
    /// samples of `bitDepth` bits; values outside `range` are clamped.
    public init(_ image: ImageBuffer, range: ClosedRange<Float> = -1...1, bitDepth: Int = 8) {
        precondition((1...4).contains(image.channels), "PNGImage(_:): images need 1...4 channels, not \(image.channels)")
        let maximum = Float((1 << bitDepth) - 1)
        let channels = image.channels
        let samples = image.interleavedSamples(channels: channels, maximum: maximum, range: range, as: UInt16.self)
        self.init(width: image.width, height: image.height, channels: channels, bitDepth: bitDepth, samples: samples)
    }
}
