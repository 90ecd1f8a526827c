import NN
import TensorCore

/// The DCGAN-style networks of the anomaly detectors (GANomaly's `Encoder`/`Decoder`/`NetD`,
/// and f-AnoGAN's generator, critic and encoder), sized for square images whose side halves
/// down to at most 7 (28 → 14 → 7, 32 → 16 → 8 → 4, 64 → ... → 4). Latent codes are `[N, latentSize]`.
public struct AnomalyNetworkShape: Sendable, Equatable {
    public let channels: Int
    public let size: Int
    public let latentSize: Int
    /// Channels of the first convolution; each halving doubles them.
    public let width: Int

    /// The shape for samples `[C, H, W]`, or nil when the networks cannot take them.
    public init?(sampleShape: [Int], latentSize: Int, width: Int) {
        guard sampleShape.count == 3, sampleShape[1] == sampleShape[2], sampleShape[1] >= 8, [1, 3].contains(sampleShape[0]) else { return nil }
        channels = sampleShape[0]
        size = sampleShape[1]
        self.latentSize = latentSize
        self.width = width
        guard size % 2 == 0, finalSize <= 8 else { return nil }
    }

    /// Stride-2 convolutions: halve while the side is even and above 7.
    public var halvings: Int {
        var side = size, count = 0
        while side % 2 == 0 && side > 7 { side /= 2; count += 1 }
        return count
    }

    /// The side after the halvings (the kernel of the last convolution).
    public var finalSize: Int { size >> halvings }
    /// Channels after the halvings.
    public var finalWidth: Int { width << (halvings - 1) }

    /// The convolutional trunk: stride-2 4x4 convolutions, LeakyReLU(0.2), BatchNorm after
    /// the first when `batchNorm` (a WGAN-GP critic has none). Output `[N, finalWidth, s, s]`.
    func trunk(batchNorm: Bool, generator rng: inout RandomGenerator) -> [Module] {
        var layers: [Module] = [Conv2d(channels, width, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), LeakyReLU(0.2)]
        var current = width
        for _ in 1..<halvings {
            layers.append(Conv2d(current, current * 2, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng))
            if batchNorm { layers.append(BatchNorm2d(current * 2)) }
            layers.append(LeakyReLU(0.2))
            current *= 2
        }
        return layers
    }

    /// Image to code: the trunk, a convolution over the whole remaining map, flattened.
    public func encoder(batchNorm: Bool = true, generator rng: inout RandomGenerator) -> Sequential {
        Sequential(trunk(batchNorm: batchNorm, generator: &rng) + [
            Conv2d(finalWidth, latentSize, kernelSize: finalSize, stride: 1, padding: 0, bias: false, generator: &rng),
            Flatten(),
        ])
    }

    /// Code to image: the encoder mirrored with transposed convolutions, BatchNorm and ReLU, Tanh at the end.
    public func decoder(generator rng: inout RandomGenerator) -> Sequential {
        var current = finalWidth
        var layers: [Module] = [
            Unflatten(1, [latentSize, 1, 1]),
            ConvTranspose2d(latentSize, current, kernelSize: finalSize, stride: 1, padding: 0, bias: false, generator: &rng),
            BatchNorm2d(current), ReLU(),
        ]
        for _ in 1..<halvings {
            layers += [ConvTranspose2d(current, current / 2, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng),
                       BatchNorm2d(current / 2), ReLU()]
            current /= 2
        }
        layers += [ConvTranspose2d(current, channels, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), Tanh()]
        return Sequential(layers)
    }
}

/// GANomaly's generator (Akcay et al. 2018): encoder1 maps the image to z, the decoder
/// reconstructs x̂, encoder2 maps x̂ to ẑ. PyTorch names: `encoder1.*`, `decoder.*`, `encoder2.*`.
public final class GANomalyGenerator: Module {
    public let encoder1: Sequential
    public let decoder: Sequential
    public let encoder2: Sequential

    public init(shape: AnomalyNetworkShape, generator rng: inout RandomGenerator) {
        encoder1 = shape.encoder(generator: &rng)
        decoder = shape.decoder(generator: &rng)
        encoder2 = shape.encoder(generator: &rng)
        super.init()
        registerChild("encoder1", encoder1)
        registerChild("decoder", decoder)
        registerChild("encoder2", encoder2)
    }

    /// x̂, z and ẑ for images `x`.
    public func forward(_ x: Tensor) -> (reconstruction: Tensor, latent: Tensor, reconstructedLatent: Tensor) {
        let z = encoder1(x)
        let reconstruction = decoder(z)
        return (reconstruction, z, encoder2(reconstruction))
    }

    /// The reconstruction x̂ alone.
    public override func callAsFunction(_ input: Tensor) -> Tensor { decoder(encoder1(input)) }
}

/// A discriminator that exposes its last hidden features: `features` (the encoder trunk) and
/// `classifier` (a convolution over the whole map to one score, flattened). GANomaly's `NetD`
/// (with BatchNorm, a logit) and f-AnoGAN's critic (without, a Wasserstein score).
public final class FeatureDiscriminator: Module, DiscriminatorNetwork {
    public let features: Sequential
    public let classifier: Sequential

    public init(shape: AnomalyNetworkShape, batchNorm: Bool, generator rng: inout RandomGenerator) {
        features = Sequential(shape.trunk(batchNorm: batchNorm, generator: &rng))
        classifier = Sequential([
            Conv2d(shape.finalWidth, 1, kernelSize: shape.finalSize, stride: 1, padding: 0, bias: false, generator: &rng),
            Flatten(),
        ])
        super.init()
        registerChild("features", features)
        registerChild("classifier", classifier)
    }

    /// The score `[N, 1]` and the features `[N, F]` (flattened) of images `x`.
    public func scoreAndFeatures(_ x: Tensor) -> (score: Tensor, features: Tensor) {
        let hidden = features(x)
        return (classifier(hidden), hidden.reshape([x.shape[0], -1]))
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor { classifier(features(input)) }

    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) { (self(samples), nil) }
}
