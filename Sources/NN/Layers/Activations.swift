import TensorCore

/// max(x, 0).
public final class ReLU: Module {
    public override init() { super.init() }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.relu() }
}

/// x for x > 0, `slope * x` otherwise.
public final class LeakyReLU: Module {
    public let slope: Float
    public init(_ slope: Float = 0.01) {
        self.slope = slope
        super.init()
    }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.leakyRelu(slope) }
}

/// The hyperbolic tangent.
public final class Tanh: Module {
    public override init() { super.init() }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.tanh() }
}

/// The logistic function.
public final class Sigmoid: Module {
    public override init() { super.init() }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// Zeroes each element with probability `probability` in training mode and scales the rest by
/// 1 / (1 - probability); the identity in evaluation mode. Its masks come from its own seeded
/// generator.
public final class Dropout: Module {
    public let probability: Float
    /// The generator of the masks (saved with a training run to resume exactly).
    public var generator: RandomGenerator

    public init(_ probability: Float = 0.5, seed: UInt64 = 0) {
        require((0..<1).contains(probability), "Dropout: probability \(probability) outside [0, 1)")
        self.probability = probability
        generator = RandomGenerator(seed: seed)
        super.init()
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return input }
        // The kept elements scaled by 1 / (1 - p) (the value `keep / (1 - p)` gives them), drawn
        // in one pass.
        let mask = Tensor.bernoulli(input.shape, probability: 1 - probability, value: 1 / (1 - probability), generator: &generator)
        return input * mask
    }
}
