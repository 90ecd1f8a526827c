import ArgumentParser
import GAN

/// `gankit train anomaly`: a GAN anomaly detector trained on normal images only.
struct TrainAnomalyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly", abstract: AnomalyFamily.descriptor.summary + ".",
        discussion: """
            Trains on class --normal-class of a labelled dataset (less every tenth normal image, held out \
            for gankit detect's threshold), or on every image of --data DIR when DIR is a folder of normal \
            images. Score images with gankit detect; gankit eval --run measures AUROC on the test split.
            """)
    @OptionGroup var common: AnomalyTrainingOptions
    func run() throws { try common.train() }
}

/// The flags of `gankit train anomaly` (also used by `gankit bench anomaly`).
struct AnomalyTrainingOptions: ParsableArguments {
    @OptionGroup var common: CommonTrainingOptions
    @Option(help: "\(AnomalyMethod.allCases.map(\.rawValue).joined(separator: " or ")) (default \(AnomalyMethod.default.rawValue)).")
    var method: String?
    @Option(name: .customLong("normal-class"), help: "The class of a labelled dataset that is normal; training sees only it.")
    var normalClass: Int?
    @Option(help: "Channels of the first convolution, doubled at each halving (default 32).") var width: Int?
    @Option(name: .customLong("latent-size"), help: "Size of the latent code (default 100).") var latentSize: Int?
    @Option(help: "Adam learning rate of every network (default 2e-4).") var lr: Float?
    @Option(help: "Adam beta1 (default 0.5).") var beta1: Float?
    @Option(name: .customLong("adversarial-weight"), help: "GANomaly: weight of the feature-matching loss (default 1).") var adversarialWeight: Float?
    @Option(name: .customLong("reconstruction-weight"), help: "GANomaly: weight of the L1 reconstruction loss (default 50).")
    var reconstructionWeight: Float?
    @Option(name: .customLong("latent-weight"), help: "GANomaly: weight of the latent (encoder) loss (default 1).") var latentWeight: Float?
    @Option(help: "f-AnoGAN: weight of the discriminator-feature residual (default 1).") var kappa: Float?
    @Option(name: .customLong("encoder-fraction"), help: "f-AnoGAN: share of the steps that train the encoder after the GAN (default 0.5).")
    var encoderFraction: Float?
    @Option(name: .customLong("critic-steps"), help: "f-AnoGAN: critic updates per generator update (default 5).") var criticSteps: Int?

    /// Writes the anomaly flags into `configuration`.
    func apply(to configuration: inout TrainingConfiguration) {
        // Without --dataset and --normal-class, --data DIR is a folder of normal images.
        if common.dataset == nil, let data = common.data, normalClass == nil {
            configuration.dataset = data
            configuration.dataDirectory = nil
        }
        if let latentSize { configuration.latentSize = latentSize }
        if let lr { (configuration.learningRateG, configuration.learningRateD) = (lr, lr) }
        if let beta1 { configuration.beta1 = beta1 }
        let values: [(String, String?)] = [
            ("method", method), ("normal-class", normalClass.map(String.init)), ("width", width.map(String.init)),
            ("adversarial-weight", adversarialWeight.map { "\($0)" }), ("reconstruction-weight", reconstructionWeight.map { "\($0)" }),
            ("latent-weight", latentWeight.map { "\($0)" }), ("kappa", kappa.map { "\($0)" }),
            ("encoder-fraction", encoderFraction.map { "\($0)" }), ("critic-steps", criticSteps.map(String.init)),
        ]
        for (name, value) in values { if let value { configuration.options[name] = value } }
    }

    func train() throws {
        try common.train(family: "anomaly") { configuration in
            apply(to: &configuration)
            _ = try AnomalyOptions(configuration)
        }
    }
}
