/// Conversions between the planar float `ImageBuffer` and the interleaved integer samples
/// (`[pixel][channel]`) that PNG and JPEG files hold.
extension ImageBuffer {
    /// A planar image from interleaved samples in 0...`maximum`, mapped linearly so that 0 is
    /// `range.lowerBound` and `maximum` is `range.upperBound`.
    init<Sample: BinaryInteger>(interleaved samples: [Sample], channels: Int, height: Int, width: Int, maximum: Float,
                                range: ClosedRange<Float>) {
        var pixels = [Float](repeating: 0, count: samples.count)
        let scale = (range.upperBound - range.lowerBound) / maximum, offset = range.lowerBound
        let planeSize = width * height
        samples.withUnsafeBufferPointer { sourceBuffer in
            pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                for pixel in 0..<planeSize {
                    for channel in 0..<channels {
                        destination[channel * planeSize + pixel] = Float(source[pixel * channels + channel]) * scale + offset
                    }
                }
            }
        }
        self.init(channels: channels, height: height, width: width, pixels: pixels)
    }

    /// The first `channels` planes quantized to interleaved samples in 0...`maximum`, values
    /// spanning `range`; values outside `range` are clamped and NaN becomes 0.
    func interleavedSamples<Sample: BinaryInteger>(channels outputChannels: Int, maximum: Float, range: ClosedRange<Float>,
                                                   as _: Sample.Type) -> [Sample] {
        let scale = maximum / (range.upperBound - range.lowerBound), offset = range.lowerBound
        let planeSize = width * height
        var samples = [Sample](repeating: 0, count: planeSize * outputChannels)
        pixels.withUnsafeBufferPointer { sourceBuffer in
            samples.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                for channel in 0..<outputChannels {
                    for pixel in 0..<planeSize {
                        let scaled = ((source[channel * planeSize + pixel] - offset) * scale).rounded()
                        // NaN fails both comparisons and lands on 0.
                        let clamped = scaled > 0 ? min(scaled, maximum) : 0
                        destination[pixel * outputChannels + channel] = Sample(clamped)
                    }
                }
            }
        }
        return samples
    }
}
