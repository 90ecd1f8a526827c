import ArgumentParser
import GAN

/// `gankit train text2image`.
struct TrainTextToImageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "text2image", abstract: TextToImageGAN.descriptor.summary + ".")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var adversarial: AdversarialTrainingOptions
    @Option(name: .customLong("pretrain-steps"), help: "Steps of contrastive caption-encoder pretraining before GAN-CLS, which counts them in --steps (default 1500).")
    var pretrainSteps: Int?
    @Option(name: .customLong("encoder-lr"), help: "Learning rate of the contrastive pretraining (default 1e-3).") var encoderLearningRate: Float?
    @Option(name: .customLong("generator-width"), help: "Channels of G's first convolution (default 128; 256 is dcgan's G).") var generatorWidth: Int?
    @Option(help: "Temperature of the contrastive loss (default 0.1).") var temperature: Float?
    @Flag(name: .customLong("projection-term"), inversion: .prefixedNo,
          help: "D's logit plus the inner product of the embedded caption and D's features (projection discriminator, Miyato & Koyama 2018; default on).")
    var projectionTerm: Bool?
    @Option(name: .customLong("matching-weight"), help: "Weight of G's image-text matching loss through the frozen contrastive image encoder (AttnGAN's DAMSM; default 1, 0: off).")
    var matchingWeight: Float?

    /// The settings of a new run when their flags are not given (measured best; recorded in the
    /// run's config). A resumed run keeps its saved settings; a run saved before a setting
    /// existed has none recorded and keeps the family's old default (no projection term, no
    /// matching loss, 1,000 pretraining steps).
    static let newRunDefaults = ["pretrain-steps": "1500", "projection-term": "true", "matching-weight": "1.0"]

    func run() throws {
        let resuming = common.resumesExistingRun(family: "text2image", defaultDataset: "fashion-captions")
        try common.train(family: "text2image", defaultDataset: "fashion-captions") { configuration in
            adversarial.apply(to: &configuration)
            if !resuming { configuration.options.merge(Self.newRunDefaults) { saved, _ in saved } }
            if let pretrainSteps { configuration.options["pretrain-steps"] = String(pretrainSteps) }
            if let encoderLearningRate { configuration.options["encoder-lr"] = String(encoderLearningRate) }
            if let generatorWidth { configuration.options["generator-width"] = String(generatorWidth) }
            if let temperature { configuration.options["temperature"] = String(temperature) }
            if let projectionTerm { configuration.options["projection-term"] = String(projectionTerm) }
            if let matchingWeight { configuration.options["matching-weight"] = String(matchingWeight) }
        }
    }
}
