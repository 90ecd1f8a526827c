/// One of the 8 ways to lay a rectangle back onto itself by flips and 90-degree rotations
/// (the dihedral group of the square): the augmentation of super-resolution training patches.
///
/// `rawValue` bits: 4 = transpose (swap rows and columns) first, then 1 = mirror left to
/// right, then 2 = mirror top to bottom. 0 is the identity; 4 | 1 is a 90-degree clockwise
/// rotation, 4 | 2 a counter-clockwise one, 1 | 2 a half turn.
public struct DihedralOrientation: RawRepresentable, Sendable, Hashable, CaseIterable {
    public let rawValue: Int

    /// The orientation with the given bits (0...7).
    public init(rawValue: Int) {
        precondition((0..<8).contains(rawValue), "DihedralOrientation: raw value must be 0...7, not \(rawValue)")
        self.rawValue = rawValue
    }

    public static let allCases = (0..<8).map(DihedralOrientation.init(rawValue:))
    /// The image as it is.
    public static let identity = DihedralOrientation(rawValue: 0)

    /// Whether rows and columns are swapped.
    public var transposes: Bool { rawValue & 4 != 0 }
    /// Whether the result is mirrored left to right.
    public var flipsHorizontally: Bool { rawValue & 1 != 0 }
    /// Whether the result is mirrored top to bottom.
    public var flipsVertically: Bool { rawValue & 2 != 0 }
}

extension ImageBuffer {
    /// The image laid down in `orientation` (a transposed image is `width` x `height`).
    public func oriented(_ orientation: DihedralOrientation) -> ImageBuffer {
        if orientation == .identity { return self }
        let transposes = orientation.transposes
        let outputHeight = transposes ? width : height, outputWidth = transposes ? height : width
        let flipsHorizontally = orientation.flipsHorizontally, flipsVertically = orientation.flipsVertically
        let sourceWidth = width, planeSize = height * width
        var output = ImageBuffer(channels: channels, height: outputHeight, width: outputWidth)
        pixels.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                for channel in 0..<channels {
                    let source = sourceBuffer.baseAddress! + channel * planeSize
                    let destination = destinationBuffer.baseAddress! + channel * planeSize
                    for row in 0..<outputHeight {
                        let orientedRow = flipsVertically ? outputHeight - 1 - row : row
                        let result = destination + row * outputWidth
                        // Walking along an output row steps by `step` in the source.
                        let start = transposes ? orientedRow : orientedRow * sourceWidth
                        let step = transposes ? sourceWidth : 1
                        for column in 0..<outputWidth {
                            let orientedColumn = flipsHorizontally ? outputWidth - 1 - column : column
                            result[column] = source[start + orientedColumn * step]
                        }
                    }
                }
            }
        }
        return output
    }
}
