import NN
import TensorCore

/// The adversarial objective: how discriminator outputs (logits, or critic scores for
/// Wasserstein and hinge) become the discriminator's and the generator's losses.
public enum AdversarialLoss: String, Sendable, Codable, CaseIterable {
    /// Goodfellow et al.'s minimax game: D maximizes log D(x) + log(1 - D(G(z))), G minimizes
    /// log(1 - D(G(z))) (saturates when D wins).
    case minimax
    /// The same D loss, with G maximizing log D(G(z)) instead (the usual default).
    case nonSaturating = "non-saturating"
    /// LSGAN: squared distance of D's outputs to 1 (real) and 0 (fake).
    case leastSquares = "least-squares"
    /// WGAN: D is a critic maximizing E[D(x)] - E[D(G(z))]; pair with a gradient penalty.
    case wasserstein
    /// Hinge loss (SAGAN, BigGAN): D minimizes E[relu(1 - D(x))] + E[relu(1 + D(G(z)))].
    case hinge

    /// The discriminator's loss for outputs on real and on generated data. `smoothing` is
    /// one-sided label smoothing: the real target becomes 1 - smoothing (minimax,
    /// non-saturating and least squares).
    public func discriminatorLoss(real: Tensor, fake: Tensor, smoothing: Float = 0) -> Tensor {
        switch self {
        case .minimax, .nonSaturating:
            return bceWithLogits(real, target: 1 - smoothing) + bceWithLogits(fake, target: 0)
        case .leastSquares:
            return ((real - (1 - smoothing)).square().mean() + fake.square().mean()) * 0.5
        case .wasserstein:
            return fake.mean() - real.mean()
        case .hinge:
            return (1 - real).relu().mean() + (1 + fake).relu().mean()
        }
    }

    /// The generator's loss for the discriminator's outputs on generated data.
    public func generatorLoss(fake: Tensor) -> Tensor {
        switch self {
        case .minimax:
            return -bceWithLogits(fake, target: 0)  // minimizes log(1 - D(G(z)))
        case .nonSaturating:
            return bceWithLogits(fake, target: 1)
        case .leastSquares:
            return (fake - 1).square().mean() * 0.5
        case .wasserstein, .hinge:
            return -fake.mean()
        }
    }

    /// Whether the discriminator's outputs are logits of a probability (so D(x) = sigmoid).
    public var outputsAreLogits: Bool { self == .minimax || self == .nonSaturating }
}
