import TensorCore

/// How `padded` fills the new border.
public enum PaddingMode: Sendable, Equatable {
    /// A constant value.
    case constant(Float)
    /// The nearest edge pixel repeated.
    case edge
    /// The image mirrored without repeating the edge pixel (as NumPy's `reflect`).
    case reflect
}

extension ImageBuffer {
    /// The image mirrored left to right.
    public func flippedHorizontally() -> ImageBuffer {
        var output = self
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                for row in 0..<(channels * height) {
                    let input = source + row * width, result = destination + row * width
                    for column in 0..<width { result[column] = input[width - 1 - column] }
                }
            }
        }
        return output
    }

    /// The `height` x `width` region whose top-left corner is at (`top`, `left`).
    public func cropped(top: Int, left: Int, height newHeight: Int, width newWidth: Int) -> ImageBuffer {
        precondition(top >= 0 && left >= 0 && newHeight > 0 && newWidth > 0 && top + newHeight <= height && left + newWidth <= width,
                     "ImageBuffer.cropped: region \(newHeight)x\(newWidth) at (\(top), \(left)) is outside the \(height)x\(width) image")
        var output = ImageBuffer(channels: channels, height: newHeight, width: newWidth)
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                for channel in 0..<channels {
                    for row in 0..<newHeight {
                        let input = sourceBuffer.baseAddress! + (channel * height + top + row) * width + left
                        let result = destinationBuffer.baseAddress! + (channel * newHeight + row) * newWidth
                        result.update(from: input, count: newWidth)
                    }
                }
            }
        }
        return output
    }

    /// The image with `top`, `bottom`, `left` and `right` pixels added, filled by `mode`.
    public func padded(top: Int, bottom: Int, left: Int, right: Int, mode: PaddingMode = .constant(0)) -> ImageBuffer {
        precondition(top >= 0 && bottom >= 0 && left >= 0 && right >= 0, "ImageBuffer.padded: padding must be >= 0")
        if case .reflect = mode {
            precondition(top < height && bottom < height && left < width && right < width,
                         "ImageBuffer.padded: reflect padding must be smaller than the \(height)x\(width) image")
        }
        let newHeight = height + top + bottom, newWidth = width + left + right
        var output = ImageBuffer(channels: channels, height: newHeight, width: newWidth)
        // Source coordinate of each output row and column (-1 for a constant fill).
        func sourceIndex(_ position: Int, size: Int) -> Int {
            if position >= 0 && position < size { return position }
            switch mode {
            case .constant: return -1
            case .edge: return min(max(position, 0), size - 1)
            case .reflect: return position < 0 ? -position : 2 * (size - 1) - position
            }
        }
        let rowSources = (0..<newHeight).map { sourceIndex($0 - top, size: height) }
        let columnSources = (0..<newWidth).map { sourceIndex($0 - left, size: width) }
        var fill: Float = 0
        if case .constant(let value) = mode { fill = value }
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                columnSources.withUnsafeBufferPointer { columns in
                    for channel in 0..<channels {
                        for row in 0..<newHeight {
                            let result = destinationBuffer.baseAddress! + (channel * newHeight + row) * newWidth
                            let sourceRow = rowSources[row]
                            if sourceRow < 0 {
                                for column in 0..<newWidth { result[column] = fill }
                                continue
                            }
                            let input = sourceBuffer.baseAddress! + (channel * height + sourceRow) * width
                            for column in 0..<newWidth {
                                let sourceColumn = columns[column]
                                result[column] = sourceColumn < 0 ? fill : input[sourceColumn]
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}

/// Mirrors images left to right with a given probability.
public struct RandomHorizontalFlip: ImageTransform {
    /// The probability of a flip.
    public let probability: Float

    /// Flips with `probability` (default one half).
    public init(probability: Float = 0.5) { self.probability = probability }

    public func outputShape(for inputShape: [Int]) -> [Int] { inputShape }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        generator.nextUniform() < probability ? image.flippedHorizontally() : image
    }
}

/// Adds a border of fixed size.
public struct Pad: ImageTransform {
    /// Pixels added on each side.
    public let top: Int, bottom: Int, left: Int, right: Int
    /// How the border is filled.
    public let mode: PaddingMode

    /// Adds `amount` pixels on every side.
    public init(_ amount: Int, mode: PaddingMode = .constant(-1)) {
        self.init(top: amount, bottom: amount, left: amount, right: amount, mode: mode)
    }

    /// Adds the given pixels on each side.
    public init(top: Int, bottom: Int, left: Int, right: Int, mode: PaddingMode = .constant(-1)) {
        self.top = top
        self.bottom = bottom
        self.left = left
        self.right = right
        self.mode = mode
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        [inputShape[0], inputShape[1] + top + bottom, inputShape[2] + left + right]
    }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        image.padded(top: top, bottom: bottom, left: left, right: right, mode: mode)
    }
}

/// Cuts a region of fixed size at a random position, after optional padding (the usual
/// "pad 4, crop 32" augmentation).
public struct RandomCrop: ImageTransform {
    /// Output height and width.
    public let height: Int, width: Int
    /// Pixels of padding added on every side before cropping.
    public let padding: Int
    /// How the padding is filled.
    public let paddingMode: PaddingMode

    /// Crops `height` x `width` at a random position after padding each side by `padding`.
    public init(height: Int, width: Int, padding: Int = 0, paddingMode: PaddingMode = .constant(-1)) {
        self.height = height
        self.width = width
        self.padding = padding
        self.paddingMode = paddingMode
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape[0], height, width] }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        let source = padding > 0
            ? image.padded(top: padding, bottom: padding, left: padding, right: padding, mode: paddingMode) : image
        precondition(source.height >= height && source.width >= width,
                     "RandomCrop: \(height)x\(width) does not fit the \(source.height)x\(source.width) (padded) image")
        let top = Int(generator.next() % UInt64(source.height - height + 1))
        let left = Int(generator.next() % UInt64(source.width - width + 1))
        return source.cropped(top: top, left: left, height: height, width: width)
    }
}

/// Cuts the central region of fixed size.
public struct CenterCrop: ImageTransform {
    /// Output height and width.
    public let height: Int, width: Int

    /// Crops the central `height` x `width`.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    public func outputShape(for inputShape: [Int]) -> [Int] { [inputShape[0], height, width] }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        image.cropped(top: (image.height - height) / 2, left: (image.width - width) / 2, height: height, width: width)
    }
}
