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
    /// On `resuming`, a setting whose flag is not given keeps its saved value.
    func apply(to configuration: inout TrainingConfiguration, common: CommonTrainingOptions, learningRate: Float,
               defaults: SuperResolutionSettings = SuperResolutionSettings(), resuming: Bool) {
        if common.batch == nil, !resuming { configuration.batchSize = 16 }
        if learningRateG != nil || !resuming { configuration.learningRateG = learningRateG ?? learningRate }
        if beta1 != nil || !resuming { configuration.beta1 = beta1 ?? 0.9 }
        configuration.setOption("scale", scale, default: defaults.scale, keepingSaved: resuming)
        configuration.setOption("patch-size", patchSize, default: defaults.patchSize, keepingSaved: resuming)
        configuration.setOption("blocks", blocks, default: defaults.blocks, keepingSaved: resuming)
        configuration.setOption("channels", channels, default: defaults.channels, keepingSaved: resuming)
        configuration.setOption("patches-per-photo", patchesPerPhoto, default: defaults.patchesPerPhoto, keepingSaved: resuming)
        configuration.setOption("pixel-loss", pixelLoss, default: defaults.pixelLoss, keepingSaved: resuming)
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
            superResolution.apply(to: &configuration, common: common, learningRate: 2e-4,
                                  resuming: common.resumesExistingRun(family: "srresnet", defaultDataset: SuperResolutionData.photosDatasetName))
        }
    }
}

/// `gankit train srgan --data PHOTOS --init RUN`.
struct TrainSRGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "srgan", abstract: SuperResolutionFamily.srgan.summary + ".",
                                                    discussion: "--data DIR is a folder of PNG/JPEG photos; --init RUN a gankit train srresnet run, whose settings (--scale, --blocks, --channels, --patch-size, --pixel-loss, ...) are the defaults.")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var superResolution: SuperResolutionTrainingOptions
    @Option(help: "The SRResNet run G starts from (its settings are the defaults).") var `init`: String?
    @Option(name: .customLong("lr-d"), help: "Discriminator learning rate (default 1e-4).") var learningRateD: Float?
    @Option(name: .customLong("d-channels"), help: "D's first channel count (default 32; 64 in the paper).") var discriminatorChannels: Int?
    @Option(name: .customLong("pixel-weight"), help: "Weight of the pixel loss (default 1).") var pixelWeight: Float?
    @Option(name: .customLong("feature-weight"), help: "Weight of the feature loss on D's features (default 0.01).") var featureWeight: Float?
    @Option(name: .customLong("adversarial-weight"), help: "Weight of the adversarial loss (default 1e-3, as the paper).")
    var adversarialWeight: Float?

    func run() throws {
        try common.train(family: "srgan", defaultDataset: SuperResolutionData.photosDatasetName) { configuration in
            // Settings not given default to those of the run G starts from (its architecture,
            // patches and pixel loss).
            var defaults = SuperResolutionSettings()
            if let `init` {
                defaults = try SuperResolutionSettings(ofRun: `init`)
                configuration.options["init"] = `init`
            }
            let resuming = common.resumesExistingRun(family: "srgan", defaultDataset: SuperResolutionData.photosDatasetName)
            superResolution.apply(to: &configuration, common: common, learningRate: 1e-4, defaults: defaults, resuming: resuming)
            if learningRateD != nil || !resuming { configuration.learningRateD = learningRateD ?? 1e-4 }
            configuration.setOption("d-channels", discriminatorChannels, default: defaults.discriminatorChannels, keepingSaved: resuming)
            configuration.setOption("pixel-weight", pixelWeight, default: defaults.pixelWeight, keepingSaved: resuming)
            configuration.setOption("feature-weight", featureWeight, default: defaults.featureWeight, keepingSaved: resuming)
            configuration.setOption("adversarial-weight", adversarialWeight, default: defaults.adversarialWeight, keepingSaved: resuming)
        }
    }
}
