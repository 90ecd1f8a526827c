import NN
import TensorCore

extension Architecture {
    /// G(z, c) for a self-conditioned GAN on `clusters` clusters: for `vanilla` its MLP with the
    /// cluster's one-hot code beside the noise, for `dcgan` (28x28) cgan's generator with
    /// class-conditional BatchNorm.
    func makeClusterConditionedGenerator(latentSize: Int, clusters: Int, sampleShape: [Int], widths: MLPWidths?,
                                         generator rng: inout RandomGenerator) -> any GeneratorNetwork {
        switch self {
        case .vanilla:
            return OneHotConditionedMLP(makeGenerator(latentSize: latentSize + clusters, sampleShape: sampleShape, widths: widths, generator: &rng),
                                        classCount: clusters)
        case .dcgan:
            return ConditionalBatchNormGenerator(latentSize: latentSize, classCount: clusters, sampleShape: sampleShape, generator: &rng)
        }
    }

    /// D(x, c) for a self-conditioned GAN: for `vanilla` its MLP taking each (packed) sample's
    /// values with its one-hot code, for `dcgan` (28x28) cgan's projection discriminator.
    func makeClusterConditionedDiscriminator(clusters: Int, sampleShape: [Int], seed: UInt64, counters: ModeCollapseCounters,
                                             widths: MLPWidths?, generator rng: inout RandomGenerator) -> any DiscriminatorNetwork {
        switch self {
        case .vanilla:
            // Built as for flat samples of values and code together (packing multiplies both).
            let mlp = makeDiscriminator(sampleShape: [sampleShape.reduce(1, *) + clusters], seed: seed, counters: counters, widths: widths,
                                        generator: &rng)
            return OneHotConditionedMLP(mlp, classCount: clusters)
        case .dcgan:
            return ConditionalDiscriminator(conditioning: .projection, classCount: clusters, sampleShape: sampleShape, seed: seed,
                                            minibatchStandardDeviation: counters.minibatchStandardDeviation, generator: &rng)
        }
    }
}
