import NN
import TensorCore

/// A generator G(z, y): noise `[N, latentSize]`, and class labels for conditional models, to
/// samples `[N] + sampleShape`.
public protocol GeneratorNetwork: Module {
    func generate(_ noise: Tensor, labels: [Int]?) -> Tensor
    /// G(z, y, c) for networks that also take a conditioning image `c` (LAPGAN's upsampled
    /// coarser image, say), one per sample. The default takes none.
    func generate(_ noise: Tensor, labels: [Int]?, condition: Tensor?) -> Tensor
}

extension GeneratorNetwork {
    public func generate(_ noise: Tensor, labels: [Int]?, condition: Tensor?) -> Tensor {
        require(condition == nil, "\(Self.self).generate: this generator takes no conditioning image")
        return generate(noise, labels: labels)
    }
}

/// A discriminator D(x, y): samples, and class labels for conditional models, to one score
/// (a logit, or a critic value) per sample, and class logits when it has an auxiliary
/// classifier (AC-GAN).
public protocol DiscriminatorNetwork: Module {
    func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?)
    /// D(x, y, c) for networks that also judge a conditioning image `c` given with each sample
    /// (LAPGAN's D_k judges the residual with the low-pass image). The default takes none.
    func discriminate(_ samples: Tensor, labels: [Int]?, condition: Tensor?) -> (score: Tensor, classLogits: Tensor?)
}

extension DiscriminatorNetwork {
    public func discriminate(_ samples: Tensor, labels: [Int]?, condition: Tensor?) -> (score: Tensor, classLogits: Tensor?) {
        require(condition == nil, "\(Self.self).discriminate: this discriminator takes no conditioning image")
        return discriminate(samples, labels: labels)
    }
}

/// Unconditional networks are plain `Sequential`s: the labels are ignored.
extension Sequential: GeneratorNetwork, DiscriminatorNetwork {
    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor { self(noise) }
    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) { (self(samples), nil) }
}
