import Foundation
import NN
import TensorCore

/// The networks of the unconditional families, built as PyTorch `nn.Sequential`s so
/// checkpoint keys and layouts match. At 28x28 they are DESIGN.md's reference networks.
public enum Architecture: String, Sendable, Codable, CaseIterable {
    /// At 28x28 (1 or 3 channels) the TensorFlow DCGAN tutorial networks; at 32x32 and 64x64
    /// the DCGAN paper's (Radford et al.: 4x4 transposed convolutions doubling the size from
    /// 4x4, BatchNorm and ReLU in G; strided 4x4 convolutions, BatchNorm and LeakyReLU in D).
    case dcgan
    /// MLP G and D; for 2-D data a narrower variant with 2-D input and output.
    case vanilla

    /// Data shapes this architecture handles.
    public func supports(sampleShape: [Int]) -> Bool {
        switch self {
        case .dcgan:
            return sampleShape.count == 3 && [1, 3].contains(sampleShape[0]) && sampleShape[1] == sampleShape[2]
                && [28, 32, 64].contains(sampleShape[1])
        case .vanilla: return sampleShape.count == 3 || sampleShape == [2]
        }
    }

    /// The generator: noise [N, latentSize] to samples [N] + sampleShape.
    /// `widths`: the hidden layers of `vanilla`'s MLP (nil: `MLPWidths.reference`).
    public func makeGenerator(latentSize: Int, sampleShape: [Int], widths: MLPWidths? = nil, generator rng: inout RandomGenerator) -> Sequential {
        switch (self, sampleShape.count) {
        case (.dcgan, _) where sampleShape[1] != 28:
            return Self.paperGenerator(latentSize: latentSize, channels: sampleShape[0], size: sampleShape[1], generator: &rng)
        case (.dcgan, _):
            return Sequential {
                Linear(latentSize, 7 * 7 * 256, bias: false, generator: &rng)
                BatchNorm1d(7 * 7 * 256)
                LeakyReLU(0.2)
                Unflatten(1, [256, 7, 7])
                ConvTranspose2d(256, 128, kernelSize: 5, stride: 1, padding: 2, bias: false, generator: &rng)
                BatchNorm2d(128)
                LeakyReLU(0.2)
                ConvTranspose2d(128, 64, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng)
                BatchNorm2d(64)
                LeakyReLU(0.2)
                ConvTranspose2d(64, sampleShape[0], kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng)
                Tanh()
            }
        case (.vanilla, _):
            // MLP: LeakyReLU after every hidden layer, BatchNorm after all but the first (unless
            // `widths.generatorBatchNorm` is false); 2-D
            // points end there (the mixtures reach ±4), images with Tanh.
            var layers: [Module] = []
            var inputs = latentSize
            for (index, width) in (widths ?? .reference(sampleShape: sampleShape)).generator.enumerated() {
                layers.append(Linear(inputs, width, generator: &rng))
                if index > 0 && (widths?.generatorBatchNorm ?? true) { layers.append(BatchNorm1d(width)) }
                layers.append(LeakyReLU(0.2))
                inputs = width
            }
            layers.append(Linear(inputs, sampleShape.reduce(1, *), generator: &rng))
            if sampleShape.count > 1 { layers += [Tanh(), Unflatten(1, sampleShape)] }
            return Sequential(layers)
        }
    }

    /// The discriminator: samples to one logit (or critic score) each. Dropout masks come
    /// from `seed`. `counters` widens the input for packing (`pack` samples side by side) and
    /// adds a minibatch standard deviation layer before the last layer. `widths`: the hidden
    /// layers of `vanilla`'s MLP (nil: `MLPWidths.reference`).
    public func makeDiscriminator(sampleShape: [Int], seed: UInt64, counters: ModeCollapseCounters = .none, widths: MLPWidths? = nil,
                                  generator rng: inout RandomGenerator) -> Sequential {
        let inputShape = counters.packedShape(sampleShape)
        let deviation = counters.minibatchStandardDeviation
        let extra = deviation ? 1 : 0
        func statistic() -> [Module] { deviation ? [MinibatchStandardDeviation()] : [] }
        switch (self, sampleShape.count) {
        case (.dcgan, _) where sampleShape[1] != 28:
            return Self.paperDiscriminator(channels: inputShape[0], size: sampleShape[1], minibatchStandardDeviation: deviation, generator: &rng)
        case (.dcgan, _):
            return Sequential(Self.dcganDiscriminatorFeatures(inputChannels: inputShape[0], seed: seed, minibatchStandardDeviation: deviation,
                                                              generator: &rng)
                              + [Linear((128 + extra) * 7 * 7, 1, generator: &rng)])
        case (.vanilla, _):
            var layers: [Module] = [Flatten()]
            var inputs = inputShape.reduce(1, *)
            for width in (widths ?? .reference(sampleShape: sampleShape)).discriminator {
                layers += [Linear(inputs, width, generator: &rng), LeakyReLU(0.2)]
                inputs = width
            }
            return Sequential(layers + statistic() + [Linear(inputs + extra, 1, generator: &rng)])
        }
    }

    /// The convolutional part of the 28x28 `dcgan` discriminator, up to its flattened
    /// 128·7·7 features: Conv(5, stride 2) · LeakyReLU(0.2) · Dropout(0.3), twice, Flatten.
    /// Dropout masks come from `seed`. With `minibatchStandardDeviation`, a
    /// `MinibatchStandardDeviation` layer before Flatten adds a channel (129·7·7 features).
    public static func dcganDiscriminatorFeatures(inputChannels: Int, seed: UInt64, minibatchStandardDeviation: Bool = false,
                                                  generator rng: inout RandomGenerator) -> [Module] {
        [Conv2d(inputChannels, 64, kernelSize: 5, stride: 2, padding: 2, generator: &rng), LeakyReLU(0.2), Dropout(0.3, seed: seed &+ 1),
         Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, generator: &rng), LeakyReLU(0.2), Dropout(0.3, seed: seed &+ 2)]
            + (minibatchStandardDeviation ? [MinibatchStandardDeviation()] : []) + [Flatten()]
    }

    /// The DCGAN paper's generator for `size` 32 or 64: [N, latent] -> [N, latent, 1, 1] -> 4x4
    /// with 64·size/8 channels, halving the channels as each 4x4 stride-2 transposed
    /// convolution doubles the size, Tanh at the end.
    static func paperGenerator(latentSize: Int, channels: Int, size: Int, generator rng: inout RandomGenerator) -> Sequential {
        let doublings = size == 64 ? 4 : 3
        var width = 64 << (doublings - 1)
        var layers: [Module] = [Unflatten(1, [latentSize, 1, 1]),
                                ConvTranspose2d(latentSize, width, kernelSize: 4, stride: 1, padding: 0, bias: false, generator: &rng),
                                BatchNorm2d(width), ReLU()]
        for _ in 1..<doublings {
            layers += [ConvTranspose2d(width, width / 2, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng),
                       BatchNorm2d(width / 2), ReLU()]
            width /= 2
        }
        layers += [ConvTranspose2d(width, channels, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), Tanh()]
        return Sequential(layers)
    }

    /// The DCGAN paper's discriminator for `size` 32 or 64: 4x4 stride-2 convolutions from 64
    /// channels, doubling them, BatchNorm after the first, LeakyReLU(0.2), then a 4x4
    /// convolution to one logit (after a minibatch standard deviation channel when asked).
    static func paperDiscriminator(channels: Int, size: Int, minibatchStandardDeviation: Bool = false,
                                   generator rng: inout RandomGenerator) -> Sequential {
        let halvings = size == 64 ? 4 : 3
        var width = 64
        var layers: [Module] = [Conv2d(channels, width, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng), LeakyReLU(0.2)]
        for _ in 1..<halvings {
            layers += [Conv2d(width, width * 2, kernelSize: 4, stride: 2, padding: 1, bias: false, generator: &rng),
                       BatchNorm2d(width * 2), LeakyReLU(0.2)]
            width *= 2
        }
        if minibatchStandardDeviation { layers.append(MinibatchStandardDeviation()) }
        layers += [Conv2d(width + (minibatchStandardDeviation ? 1 : 0), 1, kernelSize: 4, stride: 1, padding: 0, bias: false, generator: &rng),
                   Flatten()]
        return Sequential(layers)
    }
}

/// The hidden layer widths of `vanilla`'s MLP generator and discriminator (options `g-hidden`
/// and `d-hidden`, comma-separated widths such as `400,400,400,400`).
public struct MLPWidths: Sendable, Equatable {
    public var generator: [Int]
    public var discriminator: [Int]
    /// Whether G's hidden layers after the first are batch-normalized (option `g-batchnorm`).
    public var generatorBatchNorm: Bool

    public init(generator: [Int], discriminator: [Int], generatorBatchNorm: Bool = true) {
        self.generator = generator
        self.discriminator = discriminator
        self.generatorBatchNorm = generatorBatchNorm
    }

    /// The widths without the options: G 128,256,256 and D 256,128 for 2-D points, G
    /// 256,512,1024 and D 512,256 for images.
    public static func reference(sampleShape: [Int]) -> MLPWidths {
        sampleShape.count == 1 ? MLPWidths(generator: [128, 256, 256], discriminator: [256, 128])
            : MLPWidths(generator: [256, 512, 1024], discriminator: [512, 256])
    }

    /// The widths `configuration`'s options ask for, the reference ones for those not given;
    /// a bad list throws `TrainingError.invalidConfiguration` naming its flag.
    public init(configuration: TrainingConfiguration, sampleShape: [Int]) throws {
        let reference = Self.reference(sampleShape: sampleShape)
        func widths(_ name: String, _ fallback: [Int]) throws -> [Int] {
            guard let text = configuration.options[name] else { return fallback }
            let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.count <= 16, values.allSatisfy({ $0.map { (1...8192).contains($0) } ?? false }) else {
                throw TrainingError.invalidConfiguration("--\(name) must be 1 to 16 comma-separated layer widths from 1 to 8192 (such as 400,400,400), not \(text)")
            }
            return values.compactMap { $0 }
        }
        self.init(generator: try widths("g-hidden", reference.generator), discriminator: try widths("d-hidden", reference.discriminator),
                  generatorBatchNorm: try configuration.option("g-batchnorm", default: true, requirement: "true or false"))
    }
}
