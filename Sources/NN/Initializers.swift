import Foundation
import TensorCore

/// How to fill a weight tensor, as `torch.nn.init`. Fan-in and fan-out are computed as
/// PyTorch does: for a tensor [a, b, k...], fan-in is b * k... and fan-out a * k....
public enum Initializer: Sendable {
    /// N(mean, std²), as the DCGAN paper's N(0, 0.02).
    case normal(mean: Float = 0, standardDeviation: Float)
    /// U(low, high).
    case uniform(low: Float, high: Float)
    /// Xavier/Glorot uniform with a gain.
    case xavierUniform(gain: Float = 1)
    /// Xavier/Glorot normal with a gain.
    case xavierNormal(gain: Float = 1)
    /// Kaiming/He uniform for a leaky ReLU of slope `a`, by fan-in.
    case kaimingUniform(a: Float = 0)
    /// Kaiming/He normal for a leaky ReLU of slope `a`, by fan-in.
    case kaimingNormal(a: Float = 0)
    /// All zeros.
    case zeros
    /// All ones.
    case ones

    /// (fan-in, fan-out) of a weight of this shape.
    public static func fans(_ shape: [Int]) -> (in: Int, out: Int) {
        guard shape.count >= 2 else { return (shape.first ?? 1, shape.first ?? 1) }
        let receptive = shape.dropFirst(2).reduce(1, *)
        return (shape[1] * receptive, shape[0] * receptive)
    }

    /// A tensor of `shape` filled by this rule.
    public func make(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = Self.fans(shape)
        switch self {
        case let .normal(mean, std):
            return Tensor.randn(shape, mean: mean, standardDeviation: std, generator: &generator)
        case let .uniform(low, high):
            return Tensor.uniform(shape, low: low, high: high, generator: &generator)
        case let .xavierUniform(gain):
            let bound = gain * (6 / Float(fanIn + fanOut)).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
        case let .xavierNormal(gain):
            return Tensor.randn(shape, standardDeviation: gain * (2 / Float(fanIn + fanOut)).squareRoot(), generator: &generator)
        case let .kaimingUniform(a):
            let bound = (6 / ((1 + a * a) * Float(fanIn))).squareRoot()
            return Tensor.uniform(shape, low: -bound, high: bound, generator: &generator)
        case let .kaimingNormal(a):
            return Tensor.randn(shape, standardDeviation: (2 / ((1 + a * a) * Float(fanIn))).squareRoot(), generator: &generator)
        case .zeros:
            return Tensor.zeros(shape)
        case .ones:
            return Tensor.ones(shape)
        }
    }

    /// PyTorch's default for Linear and convolution weights: kaiming uniform with a = √5,
    /// which is U(-1/√fan_in, 1/√fan_in).
    public static let pytorchDefault = Initializer.kaimingUniform(a: Float(5).squareRoot())

    /// PyTorch's default bias for a layer whose weight has fan-in `fanIn`: U(-1/√fan_in, 1/√fan_in).
    public static func pytorchDefaultBias(fanIn: Int) -> Initializer {
        let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
        return .uniform(low: -bound, high: bound)
    }
}

extension Module {
    /// Refills the `weight` of every Linear, Conv2d and ConvTranspose2d in this module (and
    /// zeros their biases when `zeroBiases`), as the GAN papers' custom initializations do.
    public func initializeWeights(_ initializer: Initializer, zeroBiases: Bool = false, generator: inout RandomGenerator) {
        for (path, module) in namedModules() where module is Linear || module is Conv2d || module is ConvTranspose2d {
            let prefix = path.isEmpty ? "" : "\(path)."
            let weightName = module.optionalParameter("weight") != nil ? "weight" : "weight_orig"
            var values = [prefix + weightName: initializer.make(module.parameter(weightName).shape, generator: &generator)]
            if zeroBiases, let bias = module.optionalParameter("bias") { values[prefix + "bias"] = Tensor.zeros(bias.shape) }
            update(values)
        }
    }
}
