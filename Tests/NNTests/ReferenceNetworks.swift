import Foundation
import GAN
import NN
import TensorCore

/// DESIGN.md's `dcgan` networks (built by the GAN layer, as the PyTorch `nn.Sequential` of the
/// fixture script), and the fixture files.
enum ReferenceNetworks {
    static func generator(generator rng: inout RandomGenerator) -> Sequential {
        Architecture.dcgan.makeGenerator(latentSize: 100, sampleShape: [1, 28, 28], generator: &rng)
    }

    static func discriminator(generator rng: inout RandomGenerator) -> Sequential {
        Architecture.dcgan.makeDiscriminator(sampleShape: [1, 28, 28], seed: 0, generator: &rng)
    }

    /// Training mode except for dropout, which the fixtures turn off (p = 0) so that outputs
    /// are deterministic in both frameworks.
    static func trainWithoutDropout(_ model: Module) {
        model.train()
        for (_, module) in model.namedModules() where module is Dropout { module.eval() }
    }

    static func fixture(_ name: String) -> String {
        Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "safetensors")!.path
    }
}
