import Foundation
import TensorCore

/// Differentiable augmentation (Zhao et al. 2020, "DiffAugment"): the same random kind of
/// transformation is applied to real and generated images before D, in D's step and in G's,
/// and G's gradient flows back through it. D then cannot overfit the few real images it sees,
/// and G is not pushed to produce augmented-looking images (the augmentation is applied to
/// both sides, after G).
///
/// The operations and constants are those of the authors' PyTorch code:
/// - `color`: brightness `x + (u - 0.5)`, saturation `(x - m_c) * 2u + m_c` (m_c the mean over
///   channels), contrast `(x - m) * (u + 0.5) + m` (m the image mean), u ~ U[0, 1) per image;
/// - `translation`: a shift of up to 1/8 of the side in each direction (integer pixels, per
///   image), zeros moving in;
/// - `cutout`: a square of half the side, at a random centre per image, set to zero.
public struct DiffAugment: Sendable, Equatable {
    public enum Operation: String, Sendable, CaseIterable {
        case color, translation, cutout
    }

    /// The operations, applied in this order.
    public let operations: [Operation]

    public init(_ operations: [Operation]) {
        self.operations = operations
    }

    /// Parses a comma-separated policy such as `translation,cutout,color`; nil names the
    /// first unknown operation.
    public init?(policy: String) {
        var operations: [Operation] = []
        for name in policy.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let operation = Operation(rawValue: name) else { return nil }
            if !operations.contains(operation) { operations.append(operation) }
        }
        guard !operations.isEmpty else { return nil }
        self.operations = operations
    }

    /// The policy as written on the command line.
    public var policy: String { operations.map(\.rawValue).joined(separator: ",") }

    /// The random draws of one augmentation of a batch: drawn first (from the step's
    /// generator), then applied inside a differentiated function.
    public struct Draw {
        fileprivate var brightness: Tensor?, saturation: Tensor?, contrast: Tensor?
        fileprivate var translationIndices: [Int]?
        fileprivate var cutoutMask: Tensor?
    }

    /// Draws the augmentation of a batch of `shape` `[N, C, H, W]`.
    public func draw(shape: [Int], generator rng: inout RandomGenerator) -> Draw {
        precondition(shape.count == 4, "DiffAugment: images must be [N, C, H, W], not \(shape)")
        let (count, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        var draw = Draw()
        func integer(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(rng.next() % UInt64(range.count)) }
        for operation in operations {
            switch operation {
            case .color:
                draw.brightness = Tensor.uniform([count, 1, 1, 1], generator: &rng) - 0.5
                draw.saturation = Tensor.uniform([count, 1, 1, 1], generator: &rng) * 2
                draw.contrast = Tensor.uniform([count, 1, 1, 1], generator: &rng) + 0.5
            case .translation:
                // out[n, c, i, j] = x[n, c, i + dy, j + dx], or zero (the extra last element).
                let shiftY = Int(Float(height) * 0.125 + 0.5), shiftX = Int(Float(width) * 0.125 + 0.5)
                let zero = count * channels * height * width
                var indices = [Int](repeating: zero, count: zero)
                for n in 0..<count {
                    let dy = integer(-shiftY...shiftY), dx = integer(-shiftX...shiftX)
                    for c in 0..<channels {
                        let plane = (n * channels + c) * height * width
                        for i in 0..<height where (0..<height).contains(i + dy) {
                            for j in 0..<width where (0..<width).contains(j + dx) {
                                indices[plane + i * width + j] = plane + (i + dy) * width + (j + dx)
                            }
                        }
                    }
                }
                draw.translationIndices = indices
            case .cutout:
                let sizeY = Int(Float(height) * 0.5 + 0.5), sizeX = Int(Float(width) * 0.5 + 0.5)
                var mask = [Float](repeating: 1, count: count * height * width)
                for n in 0..<count {
                    let top = integer(0...(height - sizeY % 2)) - sizeY / 2
                    let left = integer(0...(width - sizeX % 2)) - sizeX / 2
                    for i in max(0, top)..<min(height, top + sizeY) {
                        for j in max(0, left)..<min(width, left + sizeX) { mask[(n * height + i) * width + j] = 0 }
                    }
                }
                draw.cutoutMask = Tensor(mask, shape: [count, 1, height, width])
            }
        }
        return draw
    }

    /// `images` augmented by `draw` (made for their shape); differentiable in `images`.
    public func apply(_ images: Tensor, _ draw: Draw) -> Tensor {
        var x = images
        for operation in operations {
            switch operation {
            case .color:
                x = x + draw.brightness!
                let channelMean = x.mean(axes: [1], keepDims: true)
                x = (x - channelMean) * draw.saturation! + channelMean
                let imageMean = x.mean(axes: [1, 2, 3], keepDims: true)
                x = (x - imageMean) * draw.contrast! + imageMean
            case .translation:
                let padded = Tensor.concat([x.reshape([-1]), Tensor.zeros([1])], axis: 0)
                x = padded.gatherFlat(draw.translationIndices!, shape: x.shape)
            case .cutout:
                x = x * draw.cutoutMask!
            }
        }
        return x
    }
}
