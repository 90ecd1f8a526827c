import TensorCore

/// How `resized(height:width:method:)` computes output pixels. The conventions are PyTorch's
/// `interpolate` with `align_corners=False` (and adaptive average pooling for `area`).
public enum ResamplingMethod: String, Sendable, CaseIterable {
    /// The input pixel at `floor(output * inputSize / outputSize)`.
    case nearest
    /// Linear interpolation between the two nearest pixel centers, per axis.
    case bilinear
    /// Cubic convolution (a = -0.75) over four pixels per axis, borders clamped.
    case bicubic
    /// The mean of the input pixels each output pixel covers (best for shrinking).
    case area
}

/// The input pixels and weights that make each output pixel along one axis.
struct ResamplingTable {
    /// `offsets[o]..<offsets[o + 1]` index `indices` and `weights` for output pixel `o`.
    var offsets: [Int] = [0]
    var indices: [Int] = []
    var weights: [Float] = []

    init(inputSize: Int, outputSize: Int, method: ResamplingMethod) {
        let scale = Double(inputSize) / Double(outputSize)
        for output in 0..<outputSize {
            switch method {
            case .nearest:
                append(min(Int((Double(output) * scale).rounded(.down)), inputSize - 1), 1)
            case .bilinear:
                let source = max((Double(output) + 0.5) * scale - 0.5, 0)
                let lower = min(Int(source.rounded(.down)), inputSize - 1)
                let upper = min(lower + 1, inputSize - 1)
                let fraction = Float(source - Double(lower))
                append(lower, 1 - fraction)
                append(upper, fraction)
            case .bicubic:
                let source = (Double(output) + 0.5) * scale - 0.5
                let floorValue = source.rounded(.down)
                let fraction = source - floorValue
                let cubicWeights = Self.cubicWeights(fraction)
                for tap in 0..<4 {
                    let index = min(max(Int(floorValue) - 1 + tap, 0), inputSize - 1)
                    append(index, Float(cubicWeights[tap]))
                }
            case .area:
                let start = Int((Double(output) * scale).rounded(.down))
                let end = min(Int((Double(output + 1) * scale).rounded(.up)), inputSize)
                let weight = 1 / Float(end - start)
                for index in start..<end { append(index, weight) }
            }
            offsets.append(indices.count)
        }
    }

    private mutating func append(_ index: Int, _ weight: Float) {
        indices.append(index)
        weights.append(weight)
    }

    /// Keys' cubic convolution weights for the four taps around a point `fraction` past the second.
    private static func cubicWeights(_ fraction: Double) -> [Double] {
        let a = -0.75
        func near(_ x: Double) -> Double { ((a + 2) * x - (a + 3)) * x * x + 1 }
        func far(_ x: Double) -> Double { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return [far(fraction + 1), near(fraction), near(1 - fraction), far(2 - fraction)]
    }
}

extension ImageBuffer {
    /// The image resampled to `height` x `width` with `method` (separably: rows, then columns).
    public func resized(height newHeight: Int, width newWidth: Int, method: ResamplingMethod = .bilinear) -> ImageBuffer {
        precondition(newHeight > 0 && newWidth > 0, "ImageBuffer.resized: size must be positive, not \(newHeight)x\(newWidth)")
        if newHeight == height && newWidth == width { return self }
        let horizontal = ResamplingTable(inputSize: width, outputSize: newWidth, method: method)
        let vertical = ResamplingTable(inputSize: height, outputSize: newHeight, method: method)
        return resampledAlongWidth(horizontal).resampledAlongHeight(vertical)
    }

    /// The image with every row resampled by `table` (its output size is the new width).
    func resampledAlongWidth(_ table: ResamplingTable) -> ImageBuffer {
        let newWidth = table.offsets.count - 1
        var output = ImageBuffer(channels: channels, height: height, width: newWidth)
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { outputBuffer in
                let source = sourceBuffer.baseAddress!, destination = outputBuffer.baseAddress!
                table.offsets.withUnsafeBufferPointer { offsets in
                table.indices.withUnsafeBufferPointer { indices in
                table.weights.withUnsafeBufferPointer { weights in
                    for row in 0..<(channels * height) {
                        let input = source + row * width, result = destination + row * newWidth
                        for column in 0..<newWidth {
                            var sum: Float = 0
                            for tap in offsets[column]..<offsets[column + 1] { sum += input[indices[tap]] * weights[tap] }
                            result[column] = sum
                        }
                    }
                }}}
            }
        }
        return output
    }

    /// The image with every column resampled by `table` (its output size is the new height).
    func resampledAlongHeight(_ table: ResamplingTable) -> ImageBuffer {
        let newHeight = table.offsets.count - 1
        var output = ImageBuffer(channels: channels, height: newHeight, width: width)
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { outputBuffer in
                let source = sourceBuffer.baseAddress!, destination = outputBuffer.baseAddress!
                table.offsets.withUnsafeBufferPointer { offsets in
                table.indices.withUnsafeBufferPointer { indices in
                table.weights.withUnsafeBufferPointer { weights in
                    for channel in 0..<channels {
                        let plane = source + channel * height * width
                        for row in 0..<newHeight {
                            let result = destination + (channel * newHeight + row) * width
                            for column in 0..<width { result[column] = 0 }
                            for tap in offsets[row]..<offsets[row + 1] {
                                let input = plane + indices[tap] * width, weight = weights[tap]
                                for column in 0..<width { result[column] += input[column] * weight }
                            }
                        }
                    }
                }}}
            }
        }
        return output
    }
}

/// Resizes images to a fixed size.
public struct Resize: ImageTransform {
    /// Output height and width.
    public let height: Int, width: Int
    /// The resampling method.
    public let method: ResamplingMethod

    /// Resizes to `height` x `width` with `method`.
    public init(height: Int, width: Int, method: ResamplingMethod = .bilinear) {
        self.height = height
        self.width = width
        self.method = method
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape[0], height, width] }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        image.resized(height: height, width: width, method: method)
    }
}
