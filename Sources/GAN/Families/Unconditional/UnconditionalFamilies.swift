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
        let clusters = try selfConditionClusters(architecture, configuration, sampleShape: sampleShape)
        // A self-conditioned dcgan's D judges each image with its cluster, as cgan's does.
        let counters = try ModeCollapseCounters(configuration: configuration, sampleShape: sampleShape,
                                                conditional: clusters > 0 && architecture == .dcgan)
        let widths = architecture == .vanilla ? try MLPWidths(configuration: configuration, sampleShape: sampleShape) : nil
        var weights = RandomGenerator(seed: configuration.seed)
        func makeG(_ rng: inout RandomGenerator) -> any GeneratorNetwork {
            guard clusters > 0 else {
                return architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: sampleShape, widths: widths, generator: &rng)
            }
            // The noise's first coordinate draws the cluster; the rest goes into the network.
            return SelfConditionedGenerator(main: architecture.makeClusterConditionedGenerator(
                latentSize: configuration.latentSize - 1, clusters: clusters, sampleShape: sampleShape, widths: widths, generator: &rng),
                                            clusterCount: clusters)
        }
        let G = makeG(&weights)
        let D: any DiscriminatorNetwork
        if clusters > 0 {
            let main = architecture.makeClusterConditionedDiscriminator(clusters: clusters, sampleShape: sampleShape, seed: configuration.seed,
                                                                        counters: counters, widths: widths, generator: &weights)
            D = SelfConditionedDiscriminator(main: main, clusters: DataClusters(clusterCount: clusters, featureCount: sampleShape.reduce(1, *)))
        } else {
            D = architecture.makeDiscriminator(sampleShape: sampleShape, seed: configuration.seed, counters: counters, widths: widths,
                                               generator: &weights)
        }
        // DCGAN's initialization: N(0, 0.02) for every Linear and convolution weight.
        G.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        D.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        counters.applySpectralNorm(to: D, generator: &weights)
        let average: (any GeneratorNetwork)? = configuration.emaDecay.map { _ in
            var unused = RandomGenerator(seed: 0)
            return makeG(&unused)
        }
        let selfConditioning = (D as? SelfConditionedDiscriminator).flatMap { D in
            (G as? SelfConditionedGenerator).map { SelfConditioning(discriminator: D, generator: $0) }
        }
        return AdversarialGAN(configuration: configuration, generator: G, discriminator: D, averageNetwork: average, counters: counters,
                              selfConditioning: selfConditioning)
    }

    /// The clusters of `--self-condition K` (0: off), checked against the run's other settings.
    static func selfConditionClusters(_ architecture: Architecture, _ configuration: TrainingConfiguration, sampleShape: [Int]) throws -> Int {
        let clusters = try configuration.option("self-condition", default: 0, valid: { $0 == 0 || (2...1024).contains($0) },
                                                requirement: "0 (off) or a number of clusters from 2 to 1024")
        guard clusters > 0 else { return 0 }
        guard architecture == .vanilla || sampleShape.last == 28 else {
            throw TrainingError.invalidConfiguration("--self-condition on dcgan takes 28x28 images (its conditional networks are cgan's), not \(sampleShape)")
        }
        guard configuration.latentSize >= 2 else {
            throw TrainingError.invalidConfiguration("--self-condition uses the noise's first coordinate to draw the cluster, so it needs --latent-size 2 or more")
        }
        guard configuration.batchSize >= clusters else {
            throw TrainingError.invalidConfiguration("--self-condition \(clusters) starts its clusters from the first batch, so it needs --batch \(clusters) or more (--self-condition 0 turns it off)")
        }
        return clusters
    }
}
