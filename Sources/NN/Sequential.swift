import TensorCore

/// Builds the list of layers of a `Sequential`.
@resultBuilder
public enum LayerBuilder {
    public static func buildExpression(_ module: Module) -> [Module] { [module] }
    public static func buildExpression(_ modules: [Module]) -> [Module] { modules }
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    public static func buildEither(first: [Module]) -> [Module] { first }
    public static func buildEither(second: [Module]) -> [Module] { second }
}

/// Layers applied in order, named "0", "1", ... like `torch.nn.Sequential` (layers without
/// parameters take an index too, so checkpoint keys match PyTorch's).
///
/// ```swift
/// let D = Sequential {
///     Flatten()
///     Linear(784, 256, generator: &rng)
///     LeakyReLU(0.2)
///     Linear(256, 1, generator: &rng)
/// }
/// ```
public final class Sequential: Module {
    /// The layers, in order.
    public let layers: [Module]

    public init(_ layers: [Module]) {
        self.layers = layers
        super.init()
        for (index, layer) in layers.enumerated() { registerChild(String(index), layer) }
    }

    public convenience init(@LayerBuilder _ build: () -> [Module]) { self.init(build()) }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        layers.reduce(input) { $1($0) }
    }
}
