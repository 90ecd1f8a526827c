import NN
import TensorCore

/// The conditional GAN (`cgan`): G(z, y) and D(x, y) on a labelled dataset, conditioned as
/// `--conditioning` says (see `Conditioning`), on the `dcgan` networks at 28x28 (1 or 3
/// channels). Options: `conditioning` (default `projection`), `aux-weight` (AC-GAN's
/// classification loss weight, default 1).
public enum ConditionalFamily {
    public static let defaultConditioning = Conditioning.projection

    public static let descriptor = FamilyDescriptor(
        name: "cgan", summary: "conditional GAN on labelled data: G(z, y), D(x, y); --conditioning concat|projection|acgan",
        make: make)

    /// Classes shown in the preview grid (one row each), and samples per row.
    static let previewClasses = 10, previewColumns = 8

    @Sendable
    static func make(_ configuration: TrainingConfiguration) throws -> any GANFamily {
        let sampleShape = try configuration.recordedSampleShape()
        guard let classCount = configuration.classCount, classCount >= 2 else {
            throw TrainingError.invalidConfiguration(
                "cgan needs a labelled dataset; \(configuration.dataset) has no class labels (use fashion-mnist, mnist, stacked-fashion-mnist or a folder with one subfolder per class)")
        }
        guard sampleShape.count == 3, [1, 3].contains(sampleShape[0]), sampleShape[1] == 28, sampleShape[2] == 28 else {
            throw TrainingError.invalidConfiguration("cgan trains on 28x28 images of 1 or 3 channels, not samples of shape \(sampleShape)")
        }
        let name = configuration.option("conditioning", default: defaultConditioning.rawValue)
        guard let conditioning = Conditioning(rawValue: name) else {
            throw TrainingError.invalidConfiguration("--conditioning must be one of \(Conditioning.allCases.map(\.rawValue).joined(separator: ", ")), not \(name)")
        }
        let auxiliaryWeight = configuration.option("aux-weight", default: Float(1))
        guard auxiliaryWeight.isFinite, auxiliaryWeight >= 0 else {
            throw TrainingError.invalidConfiguration("--aux-weight must be a number >= 0, not \(configuration.options["aux-weight"] ?? "")")
        }
        func makeGenerator(_ rng: inout RandomGenerator) -> any GeneratorNetwork {
            conditioning == .projection
                ? ConditionalBatchNormGenerator(latentSize: configuration.latentSize, classCount: classCount, sampleShape: sampleShape, generator: &rng)
                : EmbeddingConcatGenerator(latentSize: configuration.latentSize, classCount: classCount, sampleShape: sampleShape, generator: &rng)
        }
        let counters = try ModeCollapseCounters(configuration: configuration, sampleShape: sampleShape, conditional: true)
        var weights = RandomGenerator(seed: configuration.seed)
        let G = makeGenerator(&weights)
        let D = ConditionalDiscriminator(conditioning: conditioning, classCount: classCount, sampleShape: sampleShape,
                                         seed: configuration.seed, minibatchStandardDeviation: counters.minibatchStandardDeviation,
                                         generator: &weights)
        G.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        D.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        counters.applySpectralNorm(to: D, generator: &weights)
        let average: (any GeneratorNetwork)? = configuration.emaDecay.map { _ in
            var unused = RandomGenerator(seed: 0)
            return makeGenerator(&unused)
        }
        let shown = min(classCount, previewClasses)
        let labels = (0..<shown).flatMap { [Int](repeating: $0, count: previewColumns) }
        return AdversarialGAN(configuration: configuration, generator: G, discriminator: D, averageNetwork: average,
                              classCount: classCount, auxiliaryWeight: auxiliaryWeight, previewLabels: labels, previewRows: shown,
                              counters: counters)
    }
}
