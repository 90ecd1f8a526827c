import NN
import TensorCore

/// A generator G(z, y): noise `[N, latentSize]`, and class labels for conditional models, to
/// samples `[N] + sampleShape`.
public protocol GeneratorNetwork: Module {
    func generate(_ noise: Tensor, labels: [Int]?) -> Tensor
}

/// A discriminator D(x, y): samples, and class labels for conditional models, to one score
/// (a logit, or a critic value) per sample, and class logits when it has an auxiliary
/// classifier (AC-GAN).
public protocol DiscriminatorNetwork: Module {
    func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?)
}

/// Unconditional networks are plain `Sequential`s: the labels are ignored.
extension Sequential: GeneratorNetwork, DiscriminatorNetwork {
    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor { self(noise) }
    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) { (self(samples), nil) }
}
