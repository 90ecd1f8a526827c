import ArgumentParser
import Foundation
import GAN

/// The flags every family takes, and the launch that every `gankit train FAMILY` shares: new
/// run or `--resume`, progress, Ctrl-C.
struct CommonTrainingOptions: ParsableArguments {
    @Option(help: "fashion-mnist, mnist, stacked-fashion-mnist, ring8, grid25, ... or a folder of images (default fashion-mnist).")
    var dataset: String?
    @Option(help: "Folder holding the dataset's files, when not the default location.") var data: String?
    @Option(help: "Epochs to train (default 5; vanilla on ring8/grid25: \(TrainingConfiguration.twoDimensionalSteps) steps).") var epochs: Int?
    @Option(help: "Steps to train (overrides --epochs).") var steps: Int?
    @Option(help: "Batch size (default 64; vanilla on ring8/grid25: 256).") var batch: Int?
    @Option(help: "Seed of all randomness (default 0).") var seed: UInt64?
    @Option(name: .customLong("image-size"), help: "Resize images to this square size before training (default: their own size).")
    var imageSize: Int?
    @Option(help: "Run folder (default runs/FAMILY-DATASET).") var out: String?
    @Option(name: .customLong("decay-from"),
            help: "Every learning rate stays constant for this many steps, then decays linearly towards 0 at the last step (default: no decay; cyclegan and vanilla on ring8/grid25: half the run).")
    var decayFrom: Int?
    @Option(help: "Precision of the matrix products and convolutions, forward and backward: fp32 (default) or bf16 (bf16 inputs, fp32 sums and fp32 weights; needs AVX-512 BF16).")
    var precision: String?
    @Flag(help: "Continue the run in --out from its last checkpoint.") var resume = false
    @Option(name: .customLong("monitor-every"),
            help: "Measure mode collapse and the game's health every N steps (default \(TrainingMonitor.defaultInterval); 0: off).")
    var monitorEvery: Int?

    /// Trains `family` with these flags and the family's own (`applyFamilyOptions`), on
    /// `defaultDataset` when no --dataset is given.
    ///
    /// Under `mpirun -np N`, every process runs this; rank 0 alone prints progress, and an
    /// error on any rank ends the whole job (MPI_Abort) after printing it.
    func train(family: String, defaultDataset: String = "fashion-mnist",
               applyFamilyOptions: (inout TrainingConfiguration) throws -> Void) throws {
        guard let parallel = DataParallel.launched else {
            return try train(family: family, defaultDataset: defaultDataset, parallel: nil, applyFamilyOptions: applyFamilyOptions)
        }
        // mpirun kills the job on Ctrl-C but forwards SIGUSR1: that asks for a checkpoint and a
        // stop, which the ranks agree on at the next step boundary.
        signal(SIGUSR1) { _ in Interrupt.requested.store(true, ordering: .relaxed) }
        do {
            try train(family: family, defaultDataset: defaultDataset, parallel: parallel, applyFamilyOptions: applyFamilyOptions)
            parallel.communicator.finalize()
        } catch let exit as ExitCode {
            parallel.communicator.finalize()
            throw exit
        } catch {
            let message = GANKitCommand.message(for: error)
            FileHandle.standardError.write(Data("Error (MPI rank \(parallel.rank) of \(parallel.size)): \(message); ending all processes\n".utf8))
            parallel.communicator.abort(code: 1)
        }
    }

    private func train(family: String, defaultDataset: String, parallel: DataParallel?,
                       applyFamilyOptions: (inout TrainingConfiguration) throws -> Void) throws {
        let dataset = self.dataset ?? defaultDataset
        let folder = runFolder(family: family, defaultDataset: defaultDataset)
        let runDirectory = RunDirectory(folder)
        var configuration: TrainingConfiguration
        if resumesExistingRun(family: family, defaultDataset: defaultDataset) {
            configuration = try runDirectory.loadConfiguration()
            guard configuration.family == family else {
                throw ValidationError("\(folder) holds a \(configuration.family) run, not \(family)")
            }
            // Only the training length and the rate schedule may change on resume; other flags
            // must repeat the saved values.
            configuration.epochs = epochs ?? configuration.epochs
            configuration.steps = steps ?? (epochs != nil ? nil : configuration.steps)
            if let decayFrom { configuration.options["decay-from"] = String(decayFrom) }
            var requested = configuration
            try apply(to: &requested)
            try applyFamilyOptions(&requested)
            guard requested == configuration else {
                throw ValidationError("\(runDirectory.configurationPath) was trained with other settings; on --resume only --epochs, --steps and --decay-from may change")
            }
        } else {
            configuration = TrainingConfiguration(family: family, dataset: dataset)
            // vanilla on a 2-D mixture starts from the settings measured best there.
            configuration.applyTwoDimensionalDefaults()
            configuration.epochs = epochs ?? configuration.epochs
            configuration.steps = steps ?? (epochs == nil ? configuration.steps : nil)
            try apply(to: &configuration)
            try applyFamilyOptions(&configuration)
            configuration.applyTwoDimensionalDefaultsAfterFlags()
        }
        let interval = monitorEvery ?? TrainingMonitor.defaultInterval
        guard interval >= 0 else { throw ValidationError("--monitor-every must be 0 (off) or a number of steps, not \(interval)") }
        let trainer = try Trainer(configuration: configuration, run: runDirectory, resume: resume, parallel: parallel)
        let printsProgress = parallel?.writesRun ?? true
        // Under MPI every process measures (drawing samples may take part in collectives, as
        // the preview does); rank 0 alone logs and prints.
        if interval > 0 {
            trainer.monitor = TrainingMonitor(trainer: trainer, interval: interval) {
                try EvaluatorLoading.load(dataDirectory: configuration.dataDirectory)
            }
        }
        let display = ProgressDisplay()
        Interrupt.install()
        let started = Date()
        let outcome = try trainer.train(shouldStop: { Interrupt.isRequested }, observer: { if printsProgress { display.handle($0) } })
        if let parallel, printsProgress { print(parallel.summary) }
        guard printsProgress else {
            if case .interrupted = outcome { throw ExitCode(130) }
            return
        }
        if let monitor = trainer.monitor, monitor.secondsSpent > 0 {
            let total = Date().timeIntervalSince(started)
            print(String(format: "monitor: %.1f s of %.1f s (%.1f%%) measuring %@ every %d steps", monitor.secondsSpent, total,
                         100 * monitor.secondsSpent / max(total, 1e-9), monitor.measuresDescription, monitor.interval))
        }
        switch outcome {
        case let .finished(step):
            print("done: \(step) steps; checkpoints in \(runDirectory.checkpointsPath)")
        case let .interrupted(step):
            print("interrupted at step \(step); checkpoint saved. Continue with: gankit train \(family) --out \(folder) --resume")
            throw ExitCode(130)
        }
    }

    /// The run folder: --out, or runs/FAMILY-DATASET.
    func runFolder(family: String, defaultDataset: String = "fashion-mnist") -> String {
        out ?? "runs/\(family)-\(URL(fileURLWithPath: dataset ?? defaultDataset).lastPathComponent)"
    }

    /// Whether this command continues a saved run: then the family's flags that are not given
    /// keep their saved values instead of taking their defaults.
    func resumesExistingRun(family: String, defaultDataset: String = "fashion-mnist") -> Bool {
        resume && RunDirectory(runFolder(family: family, defaultDataset: defaultDataset)).exists
    }

    /// Sets the shared options given on the command line.
    func apply(to configuration: inout TrainingConfiguration) throws {
        if let data { configuration.dataDirectory = data }
        if let batch { configuration.batchSize = batch }
        if let seed { configuration.seed = seed }
        if let imageSize { configuration.imageSize = imageSize }
        if let dataset, dataset != configuration.dataset { configuration.dataset = dataset }
        if let decayFrom { configuration.options["decay-from"] = String(decayFrom) }
        if let precision { configuration.precision = try TrainingConfiguration.precision(flag: precision) }
    }
}

/// The flags of the adversarial game, shared by the families that play it.
struct AdversarialTrainingOptions: ParsableArguments {
    @Option(name: .customLong("lr-g"), help: "Generator learning rate (default 2e-4; vanilla on ring8/grid25: 1e-4). With --lr-d: TTUR.") var learningRateG: Float?
    @Option(name: .customLong("lr-d"), help: "Discriminator learning rate (default 2e-4; vanilla on ring8/grid25: 4e-4).") var learningRateD: Float?
    @Option(help: "Adam beta1 (default 0.5).") var beta1: Float?
    @Option(help: "Loss: \(AdversarialLoss.allCases.map(\.rawValue).joined(separator: ", ")) (default non-saturating).")
    var loss: AdversarialLoss?
    @Option(name: .customLong("d-steps"), help: "Discriminator steps per generator step (default 1).") var discriminatorSteps: Int?
    @Option(name: .customLong("label-smoothing"), help: "One-sided label smoothing of the real target (default 0).")
    var labelSmoothing: Float?
    @Option(name: .customLong("gradient-penalty"), help: "WGAN-GP penalty weight (e.g. 10).") var gradientPenalty: Float?
    @Option(help: "R1 penalty weight on real data (e.g. 10).") var r1: Float?
    @Option(name: .customLong("latent-size"), help: "Noise size (default 100; vanilla on ring8/grid25: 8).") var latentSize: Int?
    @Option(help: "Keep an exponential moving average of G's weights with this decay (e.g. 0.999); grids and gankit sample use it.")
    var ema: Float?

    func validate() throws {
        if gradientPenalty != nil && r1 != nil { throw ValidationError("give one of --gradient-penalty and --r1, not both") }
    }

    func apply(to configuration: inout TrainingConfiguration) {
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
    }
}

extension AdversarialLoss: ExpressibleByArgument {}

/// The counters to mode collapse and unstable training of the adversarial families (vanilla,
/// dcgan, cgan); see `ModeCollapseCounters`. Two-timescale updates (TTUR) are `--lr-g`/`--lr-d`.
struct ModeCollapseOptions: ParsableArguments {
    @Option(help: "PacGAN: D judges M samples at once, concatenated (--batch must divide by M; default 1, \(ModeCollapseCounters.twoDimensionalDefault.pack) for vanilla on ring8/grid25).") var pack: Int?
    @Flag(name: .customLong("minibatch-std"), inversion: .prefixedNo,
          help: "ProGAN's minibatch standard deviation layer before D's last layer.")
    var minibatchStandardDeviation: Bool?
    @Flag(name: .customLong("spectral-norm"), inversion: .prefixedNo, help: "Spectral normalization of D's Linear and convolution weights.")
    var spectralNorm: Bool?
    @Option(help: "DiffAugment of real and fake images before D: a comma-separated list of translation, cutout, color (or none).")
    var diffaugment: String?
    @Option(name: .customLong("instance-noise"), help: "Instance noise: N(0, SIGMA²) added to D's inputs, SIGMA annealed linearly to 0 over the run.")
    var instanceNoise: Float?
    @Option(help: "Unrolled GAN: G's gradient goes through D updated K more steps (surrogate form; 0 = off).") var unroll: Int?
    @Flag(name: .customLong("unroll-second-order"), inversion: .prefixedNo,
          help: "With --unroll K: G's gradient also flows through the K look-ahead updates of D (the paper's full form; slower).")
    var unrollSecondOrder: Bool?

    /// Writes the counters given into the run's options (on a 2-D mixture the others are
    /// recorded with the 2-D defaults, so a run keeps its model if a default changes).
    func apply(to configuration: inout TrainingConfiguration) {
        var options: [String: String] = [:]
        if let pack { options["pack"] = String(pack) }
        if let minibatchStandardDeviation { options["minibatch-std"] = String(minibatchStandardDeviation) }
        if let spectralNorm { options["spectral-norm"] = String(spectralNorm) }
        if let diffaugment { options["diffaugment"] = diffaugment }
        if let instanceNoise { options["instance-noise"] = String(instanceNoise) }
        if let unroll { options["unroll"] = String(unroll) }
        if let unrollSecondOrder { options["unroll-second-order"] = String(unrollSecondOrder) }
        configuration.options.merge(options) { _, new in new }
    }
}
