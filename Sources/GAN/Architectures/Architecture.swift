import NN
import TensorCore

/// The reference networks of DESIGN.md, built exactly as the PyTorch `nn.Sequential` of
/// shared/bench/torch_reference.py so checkpoint keys and layouts match.
public enum Architecture: String, Sendable, Codable, CaseIterable {
    /// The TensorFlow DCGAN tutorial networks for 28x28 gray images.
    case dcgan
    /// MLP G and D; for 2-D data a narrower variant with 2-D input and output.
    case vanilla

    /// Data shapes this architecture handles.
    public func supports(sampleShape: [Int]) -> Bool {
        switch self {
        case .dcgan: return sampleShape == [1, 28, 28]
        case .vanilla: return sampleShape == [1, 28, 28] || sampleShape == [2]
        }
    }

    /// The generator: noise [N, latentSize] to samples [N] + sampleShape.
    public func makeGenerator(latentSize: Int, sampleShape: [Int], generator rng: inout RandomGenerator) -> Sequential {
        switch (self, sampleShape.count) {
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
                ConvTranspose2d(64, 1, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng)
                Tanh()
            }
        case (.vanilla, 1):
            // 2-D points: no Tanh (the mixtures reach ±4) and narrower layers.
            return Sequential {
                Linear(latentSize, 128, generator: &rng)
                LeakyReLU(0.2)
                Linear(128, 256, generator: &rng)
                BatchNorm1d(256)
                LeakyReLU(0.2)
                Linear(256, 256, generator: &rng)
                BatchNorm1d(256)
                LeakyReLU(0.2)
                Linear(256, sampleShape[0], generator: &rng)
            }
        case (.vanilla, _):
            return Sequential {
                Linear(latentSize, 256, generator: &rng)
                LeakyReLU(0.2)
                Linear(256, 512, generator: &rng)
                BatchNorm1d(512)
                LeakyReLU(0.2)
                Linear(512, 1024, generator: &rng)
                BatchNorm1d(1024)
                LeakyReLU(0.2)
                Linear(1024, sampleShape.reduce(1, *), generator: &rng)
                Tanh()
                Unflatten(1, sampleShape)
            }
        }
    }

    /// The discriminator: samples to one logit (or critic score) each. Dropout masks come
    /// from `seed`.
    public func makeDiscriminator(sampleShape: [Int], seed: UInt64, generator rng: inout RandomGenerator) -> Sequential {
        switch (self, sampleShape.count) {
        case (.dcgan, _):
            return Sequential {
                Conv2d(1, 64, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
                LeakyReLU(0.2)
                Dropout(0.3, seed: seed &+ 1)
                Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
                LeakyReLU(0.2)
                Dropout(0.3, seed: seed &+ 2)
                Flatten()
                Linear(128 * 7 * 7, 1, generator: &rng)
            }
        case (.vanilla, 1):
            return Sequential {
                Flatten()
                Linear(sampleShape[0], 256, generator: &rng)
                LeakyReLU(0.2)
                Linear(256, 128, generator: &rng)
                LeakyReLU(0.2)
                Linear(128, 1, generator: &rng)
            }
        case (.vanilla, _):
            return Sequential {
                Flatten()
                Linear(sampleShape.reduce(1, *), 512, generator: &rng)
                LeakyReLU(0.2)
                Linear(512, 256, generator: &rng)
                LeakyReLU(0.2)
                Linear(256, 1, generator: &rng)
            }
        }
    }
}
