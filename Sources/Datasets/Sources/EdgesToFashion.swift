import TensorCore

/// `edges2fashion`: a paired task made from Fashion-MNIST, as pix2pix's edges2shoes. A is the
/// garment's edge map (black lines on white: -1 where the Sobel gradient magnitude of the
/// garment, on a 0...1 scale, exceeds `threshold`, +1 elsewhere), B the garment itself. Both are
/// padded from 28x28 to 32x32 with the background value (-1 for the garment, +1 for the edge
/// map) so that a U-Net can halve them five times; `EdgesToFashion.crop` undoes the padding.
/// A sample is `[A; B]` on the channel axis, `[2, 32, 32]`; labels are the garments' classes.
public struct EdgesToFashion: Dataset {
    /// The garments.
    public let garments: ByteImageDataset
    /// The Sobel magnitude above which a pixel is an edge.
    public let threshold: Float
    /// Side of the padded images.
    public static let size = 32
    /// Pixels added on every side of the 28x28 garments.
    public static let padding = 2

    /// The split of Fashion-MNIST in `directory` (default location when nil).
    public init(split: DatasetSplit, directory: String? = nil, threshold: Float = 0.5) throws {
        garments = try MNISTFamily.fashionMNIST.load(split: split, directory: directory)
        self.threshold = threshold
    }

    public var count: Int { garments.count }
    public var sampleShape: [Int] { [2, Self.size, Self.size] }
    public var classCount: Int? { garments.classCount }
    public func label(at index: Int) -> Int { garments.label(at: index) }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let side = 28, padded = Self.size, offset = Self.padding
        var garment = [Float](repeating: -1, count: side * side)
        garment.withUnsafeMutableBufferPointer { garments.copySample(at: index, into: $0.baseAddress!) }
        let plane = padded * padded
        for position in 0..<plane {
            destination[position] = 1
            destination[plane + position] = -1
        }
        // Intensity on 0...1 with zero outside the image.
        func value(_ row: Int, _ column: Int) -> Float {
            guard row >= 0, row < side, column >= 0, column < side else { return 0 }
            return (garment[row * side + column] + 1) / 2
        }
        for row in 0..<side {
            for column in 0..<side {
                let gx = (value(row - 1, column + 1) + 2 * value(row, column + 1) + value(row + 1, column + 1))
                    - (value(row - 1, column - 1) + 2 * value(row, column - 1) + value(row + 1, column - 1))
                let gy = (value(row + 1, column - 1) + 2 * value(row + 1, column) + value(row + 1, column + 1))
                    - (value(row - 1, column - 1) + 2 * value(row - 1, column) + value(row - 1, column + 1))
                let target = (row + offset) * padded + column + offset
                destination[target] = (gx * gx + gy * gy).squareRoot() > threshold ? -1 : 1
                destination[plane + target] = garment[row * side + column]
            }
        }
    }

    /// The central 28x28 of `[N, C, 32, 32]` images: the garments as Fashion-MNIST has them.
    public static func crop(_ images: Tensor) -> Tensor {
        precondition(images.rank == 4 && images.shape[2] == size && images.shape[3] == size,
                     "EdgesToFashion.crop: expects [N, C, \(size), \(size)], got \(images.shape)")
        return images.slice(lowerBounds: [0, 0, padding, padding],
                            upperBounds: [images.shape[0], images.shape[1], size - padding, size - padding])
    }
}
