import TensorCore

extension ImageBuffer {
    /// A one-channel image: the luma of RGB (ITU-R BT.601 weights 0.299, 0.587, 0.114);
    /// alpha is dropped.
    public func grayscale() -> ImageBuffer {
        if channels <= 2 { return channels == 1 ? self : cropChannels(1) }
        var output = ImageBuffer(channels: 1, height: height, width: width)
        let planeSize = height * width
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                let red = sourceBuffer.baseAddress!, green = red + planeSize, blue = green + planeSize
                let destination = destinationBuffer.baseAddress!
                for pixel in 0..<planeSize {
                    destination[pixel] = 0.299 * red[pixel] + 0.587 * green[pixel] + 0.114 * blue[pixel]
                }
            }
        }
        return output
    }

    /// A three-channel image: gray replicated into red, green and blue; alpha dropped.
    public func rgb() -> ImageBuffer {
        switch channels {
        case 3: return self
        case 4: return cropChannels(3)
        default:
            let gray = channels == 1 ? self : cropChannels(1)
            return ImageBuffer(channels: 3, height: height, width: width, pixels: gray.pixels + gray.pixels + gray.pixels)
        }
    }

    /// The first `count` channels.
    private func cropChannels(_ count: Int) -> ImageBuffer {
        ImageBuffer(channels: count, height: height, width: width, pixels: Array(pixels[0..<(count * height * width)]))
    }

    /// `(value - mean[c]) / standardDeviation[c]` per channel (one entry applies to all).
    public func normalized(mean: [Float], standardDeviation: [Float]) -> ImageBuffer {
        precondition((mean.count == 1 || mean.count == channels) && mean.count == standardDeviation.count,
                     "ImageBuffer.normalized: \(mean.count) means and \(standardDeviation.count) deviations for \(channels) channels")
        var output = self
        let planeSize = height * width
        output.pixels.withUnsafeMutableBufferPointer { buffer in
            for channel in 0..<channels {
                let plane = buffer.baseAddress! + channel * planeSize
                let shift = mean[mean.count == 1 ? 0 : channel]
                let scale = 1 / standardDeviation[mean.count == 1 ? 0 : channel]
                for pixel in 0..<planeSize { plane[pixel] = (plane[pixel] - shift) * scale }
            }
        }
        return output
    }
}

/// Subtracts a mean and divides by a standard deviation, per channel.
public struct Normalize: ImageTransform {
    /// Per-channel means (or one for all channels).
    public let mean: [Float]
    /// Per-channel standard deviations (or one for all channels).
    public let standardDeviation: [Float]

    /// Normalizes with `mean` and `standardDeviation` (e.g. `[0.5], [0.5]` maps [0, 1] to [-1, 1]).
    public init(mean: [Float], standardDeviation: [Float]) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        image.normalized(mean: mean, standardDeviation: standardDeviation)
    }
}

/// Converts images to one gray channel.
public struct Grayscale: ImageTransform {
    /// Converts to gray.
    public init() {}
    public func outputShape(for inputShape: [Int]) -> [Int] { [1, inputShape[1], inputShape[2]] }
    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer { image.grayscale() }
}

/// Converts images to three RGB channels.
public struct ConvertToRGB: ImageTransform {
    /// Converts to RGB.
    public init() {}
    public func outputShape(for inputShape: [Int]) -> [Int] { [3, inputShape[1], inputShape[2]] }
    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer { image.rgb() }
}
