import TensorCore

/// A change applied to one `[C, H, W]` image, possibly random (random transforms draw from
/// the generator they are given, so a seeded generator makes them reproducible).
public protocol ImageTransform: Sendable {
    /// The shape `[C, H, W]` of the output for an input of `inputShape`.
    func outputShape(for inputShape: [Int]) -> [Int]
    /// The transformed image.
    func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer
}

/// Transforms applied one after the other.
public struct TransformPipeline: ImageTransform {
    /// The transforms, first applied first.
    public let transforms: [any ImageTransform]

    /// A pipeline of `transforms`.
    public init(_ transforms: [any ImageTransform]) { self.transforms = transforms }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        transforms.reduce(inputShape) { $1.outputShape(for: $0) }
    }

    public func apply(to image: ImageBuffer, generator: inout RandomGenerator) -> ImageBuffer {
        var result = image
        for transform in transforms { result = transform.apply(to: result, generator: &generator) }
        return result
    }
}
