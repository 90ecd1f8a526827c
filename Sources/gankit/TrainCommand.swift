import ArgumentParser
import Foundation
import GAN

extension Architecture: ExpressibleByArgument {}
extension AdversarialLoss: ExpressibleByArgument {}

/// `gankit train MODEL`: trains a GAN into a run folder.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a GAN; writes config.json, metrics.jsonl, samples/, checkpoints/ and TensorBoard events to --out.")

    @Argument(help: "The model: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: Architecture

    @Option(help: "fashion-mnist, mnist, ring8, grid25, or a folder of PNG images (default fashion-mnist).")
    var dataset: String?
    @Option(help: "Folder holding the dataset's files, when not the default location.")
    var data: String?
    @Option(help: "Epochs to train (default 5).") var epochs: Int?
    @Option(help: "Steps to train (overrides --epochs).") var steps: Int?
    @Option(help: "Batch size (default 64).") var batch: Int?
    @Option(help: "Seed of all randomness (default 0).") var seed: UInt64?
    @Option(name: .customLong("lr-g"), help: "Generator learning rate (default 2e-4).") var learningRateG: Float?
    @Option(name: .customLong("lr-d"), help: "Discriminator learning rate (default 2e-4).") var learningRateD: Float?
    @Option(help: "Adam beta1 (default 0.5).") var beta1: Float?
    @Option(help: "Loss: \(AdversarialLoss.allCases.map(\.rawValue).joined(separator: ", ")) (default non-saturating).")
    var loss: AdversarialLoss?
    @Option(name: .customLong("d-steps"), help: "Discriminator steps per generator step (default 1).") var discriminatorSteps: Int?
    @Option(name: .customLong("label-smoothing"), help: "One-sided label smoothing of the real target (default 0).")
    var labelSmoothing: Float?
    @Option(name: .customLong("gradient-penalty"), help: "WGAN-GP penalty weight (e.g. 10).") var gradientPenalty: Float?
    @Option(help: "R1 penalty weight on real data (e.g. 10).") var r1: Float?
    @Option(name: .customLong("latent-size"), help: "Noise size (default 100).") var latentSize: Int?
    @Option(help: "Keep an exponential moving average of G's weights with this decay (e.g. 0.999); grids and gankit sample use it.")
    var ema: Float?
    @Option(help: "Run folder (default runs/MODEL-DATASET).") var out: String?
    @Flag(help: "Continue the run in --out from its last checkpoint.") var resume = false

    func run() throws {
        let dataset = self.dataset ?? "fashion-mnist"
        let folder = out ?? "runs/\(model.rawValue)-\(URL(fileURLWithPath: dataset).lastPathComponent)"
        let runDirectory = RunDirectory(folder)
        var configuration: TrainingConfiguration
        if resume, runDirectory.exists {
            configuration = try runDirectory.loadConfiguration()
            // Only the training length may change on resume; other flags must repeat the saved values.
            configuration.epochs = epochs ?? configuration.epochs
            configuration.steps = steps ?? (epochs != nil ? nil : configuration.steps)
            var requested = configuration
            apply(to: &requested)
            guard requested == configuration else {
                throw ValidationError("\(runDirectory.configurationPath) was trained with other settings; on --resume only --epochs and --steps may change")
            }
        } else {
            configuration = TrainingConfiguration(architecture: model, dataset: dataset)
            configuration.epochs = epochs ?? configuration.epochs
            configuration.steps = steps
            apply(to: &configuration)
        }
        guard configuration.architecture == model else {
            throw ValidationError("\(folder) holds a \(configuration.architecture.rawValue) run, not \(model.rawValue)")
        }
        let trainer = try Trainer(configuration: configuration, run: runDirectory, resume: resume)
        let display = ProgressDisplay()
        Interrupt.install()
        let outcome = try trainer.train(shouldStop: { Interrupt.isRequested }, observer: display.handle)
        switch outcome {
        case let .finished(step):
            print("done: \(step) steps; generator checkpoint \(runDirectory.generatorCheckpointPath)")
        case let .interrupted(step):
            print("interrupted at step \(step); checkpoint saved. Continue with: gankit train \(model.rawValue) --out \(folder) --resume")
            throw ExitCode(130)
        }
    }

    /// Sets the options given on the command line.
    func apply(to configuration: inout TrainingConfiguration) {
        if let data { configuration.dataDirectory = data }
        if let batch { configuration.batchSize = batch }
        if let seed { configuration.seed = seed }
        if let learningRateG { configuration.learningRateG = learningRateG }
        if let learningRateD { configuration.learningRateD = learningRateD }
        if let beta1 { configuration.beta1 = beta1 }
        if let loss { configuration.loss = loss }
        if let discriminatorSteps { configuration.discriminatorSteps = discriminatorSteps }
        if let labelSmoothing { configuration.labelSmoothing = labelSmoothing }
        if let gradientPenalty { configuration.regularizer = .gradientPenalty(weight: gradientPenalty) }
        if let r1 { configuration.regularizer = .r1(weight: r1) }
        if let latentSize { configuration.latentSize = latentSize }
        if let ema { configuration.emaDecay = ema }
        if let dataset, dataset != configuration.dataset { configuration.dataset = dataset }
    }
}
