import TensorCore

/// Penalties on the discriminator's input gradient, added to its loss every step. Both
/// differentiate through a gradient, which TensorCore's composable autodiff provides.
public enum GradientRegularizer: Sendable, Equatable, Codable {
    /// WGAN-GP (Gulrajani et al.): weight · E[(‖∇D(x̂)‖ - 1)²] at random interpolates x̂
    /// between real and generated samples.
    case gradientPenalty(weight: Float)
    /// R1 (Mescheder et al.): weight / 2 · E[‖∇D(x)‖²] on real samples.
    case r1(weight: Float)

    /// The penalty for discriminator `D` (a function of its input) on this batch.
    public func penalty(_ D: @escaping (Tensor) -> Tensor, real: Tensor, fake: Tensor, generator: inout RandomGenerator) -> Tensor {
        switch self {
        case let .gradientPenalty(weight):
            let mixShape = [real.shape[0]] + Array(repeating: 1, count: real.rank - 1)
            let t = Tensor.uniform(mixShape, generator: &generator)
            let interpolates = real * t + stopGradient(fake) * (1 - t)
            let gradient = grad { (x: Tensor) in D(x).sum() }(interpolates)
            let norms = (gradient.flatten().square().sum(axes: [1]) + 1e-12).sqrt()
            return (norms - 1).square().mean() * weight
        case let .r1(weight):
            let gradient = grad { (x: Tensor) in D(x).sum() }(real)
            return gradient.flatten().square().sum(axes: [1]).mean() * (weight / 2)
        }
    }
}
