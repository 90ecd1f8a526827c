import NN
import TensorCore

/// The networks of one LAPGAN level, as PyTorch modules: a `net` `nn.Sequential` and, for
/// class-conditional models (CC-LAPGAN), a `label_embedding` `nn.Embedding` (the paper's
/// linear map of the one-hot class vector).
public enum LaplacianNetworks {
    /// Width of the hidden layers of the coarsest level's MLPs.
    public static let coarseWidth = 600
    /// Size of the class vector the coarsest level appends to its input.
    public static let coarseEmbeddingSize = 16

    /// Channels of a finer level's generator: 64, or 32 above 16x16 (4x the pixels).
    public static func generatorWidth(size: Int) -> Int { size > 16 ? 32 : 64 }
}

/// The coarsest level's generator, a plain GAN's MLP: noise [N, latentSize] (and the class
/// vector) to an image [N, C, s, s] in [-1, 1]. `net`: 0 Linear(in, 600) · 1 BatchNorm1d ·
/// 2 ReLU · 3 Linear(600, 600) · 4 BatchNorm1d · 5 ReLU · 6 Linear(600, C·s·s) · 7 Tanh ·
/// 8 Unflatten(C, s, s), where in = latentSize (+ 16 with classes).
public final class LaplacianCoarseGenerator: Module, GeneratorNetwork {
    public let net: Sequential
    public let labelEmbedding: Embedding?

    public init(latentSize: Int, channels: Int, size: Int, classCount: Int?, generator rng: inout RandomGenerator) {
        let width = LaplacianNetworks.coarseWidth
        let embedding = classCount.map { Embedding($0, LaplacianNetworks.coarseEmbeddingSize, generator: &rng) }
        let input = latentSize + (embedding?.dimension ?? 0)
        net = Sequential {
            Linear(input, width, generator: &rng)
            BatchNorm1d(width)
            ReLU()
            Linear(width, width, generator: &rng)
            BatchNorm1d(width)
            ReLU()
            Linear(width, channels * size * size, generator: &rng)
            Tanh()
            Unflatten(1, [channels, size, size])
        }
        labelEmbedding = embedding
        super.init()
        registerChild("net", net)
        if let embedding { registerChild("label_embedding", embedding) }
    }

    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor {
        guard let labelEmbedding else { return net(noise) }
        guard let labels else { preconditionFailure("LaplacianCoarseGenerator: a class-conditional generator needs labels") }
        return net(Tensor.concat([noise, labelEmbedding(labels)], axis: 1))
    }
}

/// The coarsest level's discriminator, an MLP on the flattened image (and the class vector):
/// `net`: 0 Linear(C·s·s (+16), 600) · 1 LeakyReLU(0.2) · 2 Dropout(0.3) · 3 Linear(600, 600) ·
/// 4 LeakyReLU(0.2) · 5 Dropout(0.3) · 6 Linear(600, 1).
public final class LaplacianCoarseDiscriminator: Module, DiscriminatorNetwork {
    public let net: Sequential
    public let labelEmbedding: Embedding?

    public init(channels: Int, size: Int, classCount: Int?, seed: UInt64, generator rng: inout RandomGenerator) {
        let width = LaplacianNetworks.coarseWidth
        let embedding = classCount.map { Embedding($0, LaplacianNetworks.coarseEmbeddingSize, generator: &rng) }
        let input = channels * size * size + (embedding?.dimension ?? 0)
        net = Sequential {
            Linear(input, width, generator: &rng)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed)
            Linear(width, width, generator: &rng)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed &+ 1)
            Linear(width, 1, generator: &rng)
        }
        labelEmbedding = embedding
        super.init()
        registerChild("net", net)
        if let embedding { registerChild("label_embedding", embedding) }
    }

    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) {
        let flat = samples.reshape([samples.shape[0], -1])
        guard let labelEmbedding else { return (net(flat), nil) }
        guard let labels else { preconditionFailure("LaplacianCoarseDiscriminator: a class-conditional discriminator needs labels") }
        return (net(Tensor.concat([flat, labelEmbedding(labels)], axis: 1)), nil)
    }
}

/// The generator of a finer level, G_k(z_k, l_k): the low-pass image l_k [N, C, s, s], the
/// noise z_k [N, s·s] as one more image plane (as in the paper), and for CC-LAPGAN the class
/// as a learned s x s plane, to the band-pass residual h_k [N, C, s, s] (no squashing).
/// `net`: 0 Conv2d(C+1 (+1), w, k3, p1, no bias) · 1 BatchNorm2d · 2 ReLU · 3 Conv2d(w, w, k3,
/// p1, no bias) · 4 BatchNorm2d · 5 ReLU · 6 Conv2d(w, C, k3, p1).
public final class LaplacianLevelGenerator: Module, GeneratorNetwork {
    public let net: Sequential
    public let labelEmbedding: Embedding?
    public let size: Int

    public init(channels: Int, size: Int, width: Int, classCount: Int?, generator rng: inout RandomGenerator) {
        let embedding = classCount.map { Embedding($0, size * size, generator: &rng) }
        let input = channels + 1 + (embedding == nil ? 0 : 1)
        net = Sequential {
            Conv2d(input, width, kernelSize: 3, padding: 1, bias: false, generator: &rng)
            BatchNorm2d(width)
            ReLU()
            Conv2d(width, width, kernelSize: 3, padding: 1, bias: false, generator: &rng)
            BatchNorm2d(width)
            ReLU()
            Conv2d(width, channels, kernelSize: 3, padding: 1, generator: &rng)
        }
        labelEmbedding = embedding
        self.size = size
        super.init()
        registerChild("net", net)
        if let embedding { registerChild("label_embedding", embedding) }
    }

    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor {
        preconditionFailure("LaplacianLevelGenerator: a LAPGAN level needs its low-pass image (generate(_:labels:condition:))")
    }

    public func generate(_ noise: Tensor, labels: [Int]?, condition: Tensor?) -> Tensor {
        guard let condition else { return generate(noise, labels: labels) }
        let n = noise.shape[0]
        require(condition.rank == 4 && condition.shape[0] == n && condition.shape[2] == size && condition.shape[3] == size
                && noise.shape == [n, size * size],
                "LaplacianLevelGenerator: noise \(noise.shape) and low-pass image \(condition.shape) do not fit a \(size)x\(size) level")
        var planes = [condition, noise.reshape([n, 1, size, size])]
        if let labelEmbedding {
            guard let labels else { preconditionFailure("LaplacianLevelGenerator: a class-conditional generator needs labels") }
            planes.append(labelEmbedding(labels).reshape([n, 1, size, size]))
        }
        return net(Tensor.concat(planes, axis: 1))
    }
}

/// The discriminator of a finer level, D_k(h_k, l_k): the residual and the low-pass image as
/// channels side by side (and for CC-LAPGAN the class as a learned plane), to one logit.
/// `net`: 0 Conv2d(2C (+1), 64, k5, s2, p2) · 1 LeakyReLU(0.2) · 2 Dropout(0.3) · 3 Conv2d(64,
/// 128, k5, s2, p2) · 4 LeakyReLU(0.2) · 5 Dropout(0.3) · 6 Flatten · 7 Linear(128·q·q, 1),
/// q = ceil(s / 4): the `dcgan` discriminator with the extra planes.
public final class LaplacianLevelDiscriminator: Module, DiscriminatorNetwork {
    public let net: Sequential
    public let labelEmbedding: Embedding?
    public let size: Int

    public init(channels: Int, size: Int, classCount: Int?, seed: UInt64, generator rng: inout RandomGenerator) {
        let embedding = classCount.map { Embedding($0, size * size, generator: &rng) }
        let input = 2 * channels + (embedding == nil ? 0 : 1)
        let quarter = Tensor.downsampledSize(Tensor.downsampledSize(size))
        net = Sequential {
            Conv2d(input, 64, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed)
            Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed &+ 1)
            Flatten()
            Linear(128 * quarter * quarter, 1, generator: &rng)
        }
        labelEmbedding = embedding
        self.size = size
        super.init()
        registerChild("net", net)
        if let embedding { registerChild("label_embedding", embedding) }
    }

    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) {
        preconditionFailure("LaplacianLevelDiscriminator: a LAPGAN level judges a residual with its low-pass image (discriminate(_:labels:condition:))")
    }

    public func discriminate(_ samples: Tensor, labels: [Int]?, condition: Tensor?) -> (score: Tensor, classLogits: Tensor?) {
        guard let condition else { return discriminate(samples, labels: labels) }
        let n = samples.shape[0]
        require(condition.shape == samples.shape && samples.rank == 4 && samples.shape[2] == size && samples.shape[3] == size,
                "LaplacianLevelDiscriminator: residual \(samples.shape) and low-pass image \(condition.shape) do not fit a \(size)x\(size) level")
        var planes = [samples, condition]
        if let labelEmbedding {
            guard let labels else { preconditionFailure("LaplacianLevelDiscriminator: a class-conditional discriminator needs labels") }
            planes.append(labelEmbedding(labels).reshape([n, 1, size, size]))
        }
        return (net(Tensor.concat(planes, axis: 1)), nil)
    }
}
