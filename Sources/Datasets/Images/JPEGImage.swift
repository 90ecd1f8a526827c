/// A decoded or to-be-encoded JPEG image: interleaved 8-bit samples, gray or RGB.
///
/// Decoding (libjpeg-turbo) turns every JPEG color space into one of these: gray JPEGs stay
/// gray (1 channel), YCbCr and RGB JPEGs become RGB, CMYK and YCCK JPEGs are converted to RGB
/// (see `JPEGImage(fileBytes:)`). Baseline and progressive files both decode.
public struct JPEGImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Samples per pixel: 1 gray or 3 RGB.
    public let channels: Int
    /// `height * width * channels` samples, row by row, pixel by pixel.
    public let samples: [UInt8]

    /// An image over interleaved `samples`.
    public init(width: Int, height: Int, channels: Int, samples: [UInt8]) {
        precondition(channels == 1 || channels == 3, "JPEGImage: channels must be 1 or 3, not \(channels)")
        precondition(width > 0 && height > 0 && samples.count == width * height * channels,
                     "JPEGImage: \(samples.count) samples do not fit \(width)x\(height)x\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
    }

    /// The image converted to planar floats, mapping 0 to `range.lowerBound` and 255 to
    /// `range.upperBound`.
    public func imageBuffer(range: ClosedRange<Float> = -1...1) -> ImageBuffer {
        ImageBuffer(interleaved: samples, channels: channels, height: height, width: width, maximum: 255, range: range)
    }

    /// Quantizes a planar float image whose values span `range` into 8-bit samples; values
    /// outside `range` are clamped. Gray images (1 channel) stay gray; RGB stays RGB; the
    /// alpha channel of gray+alpha and RGBA images is dropped (JPEG has no transparency).
    public init(_ image: ImageBuffer, range: ClosedRange<Float> = -1...1) {
        precondition((1...4).contains(image.channels), "JPEGImage(_:): images need 1...4 channels, not \(image.channels)")
        let outputChannels = image.channels <= 2 ? 1 : 3
        let samples = image.interleavedSamples(channels: outputChannels, maximum: 255, range: range, as: UInt8.self)
        self.init(width: image.width, height: image.height, channels: outputChannels, samples: samples)
    }
}
