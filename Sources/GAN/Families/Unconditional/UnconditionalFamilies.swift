import NN
import TensorCore

/// The unconditional families: `vanilla` (MLP G and D) and `dcgan` (convolutional), G(z) and
/// D(x) trained with the shared adversarial step.
public enum UnconditionalFamilies {
    public static let vanilla = FamilyDescriptor(
        name: "vanilla", summary: "MLP generator and discriminator (28x28 images or 2-D points)",
        make: { try make(.vanilla, $0) })

    public static let dcgan = FamilyDescriptor(
        name: "dcgan", summary: "convolutional GAN: 28x28 (1 or 3 channels), or 32x32 / 64x64 with --image-size",
        make: { try make(.dcgan, $0) })

    /// G and D of `architecture` for the recorded sample shape, N(0, 0.02) weights from the seed.
    static func make(_ architecture: Architecture, _ configuration: TrainingConfiguration) throws -> AdversarialGAN {
        let sampleShape = try configuration.recordedSampleShape()
        guard architecture.supports(sampleShape: sampleShape) else {
            throw TrainingError.invalidConfiguration(
                "\(architecture.rawValue) does not train on samples of shape \(sampleShape) from \(configuration.dataset)"
                + (architecture == .dcgan ? "; it takes 1 or 3 channels at 28x28, 32x32 or 64x64 (use --image-size 32 or 64)" : ""))
        }
        let counters = try ModeCollapseCounters(configuration: configuration, sampleShape: sampleShape, conditional: false)
        let widths = architecture == .vanilla ? try MLPWidths(configuration: configuration, sampleShape: sampleShape) : nil
        var weights = RandomGenerator(seed: configuration.seed)
        let G = architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: sampleShape, widths: widths, generator: &weights)
        let D = architecture.makeDiscriminator(sampleShape: sampleShape, seed: configuration.seed, counters: counters, widths: widths,
                                               generator: &weights)
        // DCGAN's initialization: N(0, 0.02) for every Linear and convolution weight.
        G.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        D.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        counters.applySpectralNorm(to: D, generator: &weights)
        let average: Sequential? = configuration.emaDecay.map { _ in
            var unused = RandomGenerator(seed: 0)
            return architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: sampleShape, widths: widths, generator: &unused)
        }
        return AdversarialGAN(configuration: configuration, generator: G, discriminator: D, averageNetwork: average, counters: counters)
    }
}
