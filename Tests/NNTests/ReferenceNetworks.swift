import Foundation
import NN
import TensorCore

/// DESIGN.md's `dcgan` networks, built as the PyTorch `nn.Sequential` of the fixture script.
enum ReferenceNetworks {
    static func generator(generator rng: inout RandomGenerator) -> Sequential {
        Sequential {
            Linear(100, 7 * 7 * 256, bias: false, generator: &rng)
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
    }

    /// The discriminator with dropout probability `dropout` (the fixtures use 0).
    static func discriminator(dropout: Float = 0, generator rng: inout RandomGenerator) -> Sequential {
        Sequential {
            Conv2d(1, 64, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
            LeakyReLU(0.2)
            Dropout(dropout)
            Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
            LeakyReLU(0.2)
            Dropout(dropout)
            Flatten()
            Linear(128 * 7 * 7, 1, generator: &rng)
        }
    }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "safetensors")!.path
    }
}
