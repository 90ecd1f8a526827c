import ArgumentParser
import GAN

/// `gankit train FAMILY`: trains a model of one family into a run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model; writes config.json, metrics.jsonl, samples/, checkpoints/ and TensorBoard events to --out.",
        subcommands: [
            TrainVanillaCommand.self,
            TrainDCGANCommand.self,
            TrainCGANCommand.self,
            TrainLAPGANCommand.self,
            TrainAnomalyCommand.self,
            TrainPix2PixCommand.self,
            TrainCycleGANCommand.self,
            TrainSRResNetCommand.self,
            TrainSRGANCommand.self,
            TrainTextToImageCommand.self,
        ])

    /// The message for `gankit train NAME` when NAME is no family (ArgumentParser alone
    /// would only call it an unexpected argument).
    static func unknownFamilyMessage(_ arguments: [String]) -> String? {
        guard arguments.count >= 2, arguments[0] == "train", !arguments[1].hasPrefix("-"),
              !configuration.subcommands.contains(where: { $0._commandName == arguments[1] }), arguments[1] != "help" else { return nil }
        return "unknown model family \(arguments[1]); the families are \(FamilyCatalog.all.map(\.name).joined(separator: ", "))"
    }
}

/// `gankit train vanilla`.
struct TrainVanillaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vanilla", abstract: UnconditionalFamilies.vanilla.summary + ".")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var adversarial: AdversarialTrainingOptions
    @OptionGroup(title: "Counters to mode collapse") var counters: ModeCollapseOptions
    @Option(name: .customLong("g-hidden"), help: "G's hidden layer widths, comma-separated (default 256,512,1024; 2-D points: 128,256,256).")
    var generatorWidths: String?
    @Option(name: .customLong("d-hidden"), help: "D's hidden layer widths, comma-separated (default 512,256; 2-D points: 256,128).")
    var discriminatorWidths: String?
    @Option(name: .customLong("g-batchnorm"), help: "Batch-normalize G's hidden layers after the first: true or false (default true).")
    var generatorBatchNorm: Bool?
    @OptionGroup var selfConditioning: SelfConditioningOptions
    func run() throws {
        try common.train(family: "vanilla") { configuration in
            adversarial.apply(to: &configuration)
            counters.apply(to: &configuration)
            if let generatorWidths { configuration.options["g-hidden"] = generatorWidths }
            if let discriminatorWidths { configuration.options["d-hidden"] = discriminatorWidths }
            if let generatorBatchNorm { configuration.options["g-batchnorm"] = String(generatorBatchNorm) }
            selfConditioning.apply(to: &configuration)
        }
    }
}

/// `gankit train dcgan`.
struct TrainDCGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dcgan", abstract: UnconditionalFamilies.dcgan.summary + ".")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var adversarial: AdversarialTrainingOptions
    @OptionGroup(title: "Counters to mode collapse") var counters: ModeCollapseOptions
    @OptionGroup var selfConditioning: SelfConditioningOptions
    func run() throws {
        try common.train(family: "dcgan") { configuration in
            adversarial.apply(to: &configuration)
            counters.apply(to: &configuration)
            selfConditioning.apply(to: &configuration)
        }
    }
}

/// `--self-condition K` of the unconditional families (vanilla, dcgan).
struct SelfConditioningOptions: ParsableArguments {
    @Option(name: .customLong("self-condition"),
            help: "Self-conditioned GAN: cluster the real data into K clusters as training goes (mini-batch k-means) and condition G and D on the cluster (0: off; default 50 for vanilla on ring8/grid25, else 0).")
    var clusters: Int?

    func apply(to configuration: inout TrainingConfiguration) {
        if let clusters { configuration.options["self-condition"] = String(clusters) }
    }
}
