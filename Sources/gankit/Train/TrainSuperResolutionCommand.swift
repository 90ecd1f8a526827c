import ArgumentParser
import GAN

/// The flags of the super-resolution families (recorded in the run's options).
struct SuperResolutionTrainingOptions: ParsableArguments {
    @Option(help: "Upscaling factor: 2, 3 or 4 (default 4).") var scale: Int?
    @Option(name: .customLong("patch-size"), help: "HR training patch side, a multiple of 16 (default 96).") var patchSize: Int?
    @Option(help: "Residual blocks of G (default 8; 16 in the paper).") var blocks: Int?
    @Option(help: "Channels of G (default 32; 64 in the paper).") var channels: Int?
    @Option(name: .customLong("patches-per-photo"), help: "Random patches drawn from each photo per epoch (default 16).")
    var patchesPerPhoto: Int?
    @Option(name: .customLong("pixel-loss"), help: "mse or l1 (default mse).") var pixelLoss: String?
    @Option(name: .customLong("lr-g"), help: "Generator learning rate (default 2e-4 for srresnet, 1e-4 for srgan).") var learningRateG: Float?
    @Option(help: "Adam beta1 (default 0.9).") var beta1: Float?

    /// Records every setting, defaults included, so a run keeps its model if a default changes.
    /// `defaults` gives the settings not passed as flags (srgan: G's architecture from its `--init` run).
    func apply(to configuration: inout TrainingConfiguration, common: CommonTrainingOptions, learningRate: Float,
               defaults: SuperResolutionSettings = SuperResolutionSettings()) {
        if common.batch == nil { configuration.batchSize = 16 }
        configuration.learningRateG = learningRateG ?? learningRate
        configuration.beta1 = beta1 ?? 0.9
        configuration.options["scale"] = String(scale ?? defaults.scale)
        configuration.options["patch-size"] = String(patchSize ?? defaults.patchSize)
        configuration.options["blocks"] = String(blocks ?? defaults.blocks)
        configuration.options["channels"] = String(channels ?? defaults.channels)
        configuration.options["patches-per-photo"] = String(patchesPerPhoto ?? defaults.patchesPerPhoto)
        configuration.options["pixel-loss"] = pixelLoss ?? defaults.pixelLoss
    }
}

/// `gankit train srresnet --data PHOTOS`.
struct TrainSRResNetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "srresnet", abstract: SuperResolutionFamily.srresnet.summary + ".",
                                                    discussion: "--data DIR is a folder of PNG/JPEG photos (searched recursively).")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var superResolution: SuperResolutionTrainingOptions

    func run() throws {
        try common.train(family: "srresnet", defaultDataset: SuperResolutionData.photosDatasetName) { configuration in
            superResolution.apply(to: &configuration, common: common, learningRate: 2e-4)
        }
    }
}

/// `gankit train srgan --data PHOTOS --init RUN`.
struct TrainSRGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "srgan", abstract: SuperResolutionFamily.srgan.summary + ".",
                                                    discussion: "--data DIR is a folder of PNG/JPEG photos; --init RUN a gankit train srresnet run, whose --scale, --blocks and --channels are the defaults.")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var superResolution: SuperResolutionTrainingOptions
    @Option(help: "The SRResNet run G starts from (its --scale, --blocks and --channels are the defaults).") var `init`: String?
    @Option(name: .customLong("lr-d"), help: "Discriminator learning rate (default 1e-4).") var learningRateD: Float?
    @Option(name: .customLong("d-channels"), help: "D's first channel count (default 32; 64 in the paper).") var discriminatorChannels: Int?
    @Option(name: .customLong("pixel-weight"), help: "Weight of the pixel loss (default 1).") var pixelWeight: Float?
    @Option(name: .customLong("feature-weight"), help: "Weight of the feature loss on D's features (default 0.01).") var featureWeight: Float?
    @Option(name: .customLong("adversarial-weight"), help: "Weight of the adversarial loss (default 1e-3, as the paper).")
    var adversarialWeight: Float?

    func run() throws {
        try common.train(family: "srgan", defaultDataset: SuperResolutionData.photosDatasetName) { configuration in
            // G's scale, blocks and channels default to those of the run it starts from.
            var defaults = SuperResolutionSettings()
            if let `init` {
                let initial = try SuperResolutionSettings(ofRun: `init`)
                (defaults.scale, defaults.blocks, defaults.channels) = (initial.scale, initial.blocks, initial.channels)
                configuration.options["init"] = `init`
            }
            superResolution.apply(to: &configuration, common: common, learningRate: 1e-4, defaults: defaults)
            configuration.learningRateD = learningRateD ?? 1e-4
            configuration.options["d-channels"] = String(discriminatorChannels ?? defaults.discriminatorChannels)
            configuration.options["pixel-weight"] = String(pixelWeight ?? defaults.pixelWeight)
            configuration.options["feature-weight"] = String(featureWeight ?? defaults.featureWeight)
            configuration.options["adversarial-weight"] = String(adversarialWeight ?? defaults.adversarialWeight)
        }
    }
}
