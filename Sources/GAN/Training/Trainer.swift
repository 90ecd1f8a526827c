import Datasets
import Foundation
import NN
import TensorCore

/// What the trainer reports while it runs (the CLI turns these into progress output).
public enum TrainingEvent {
    case started(totalSteps: Int, stepsPerEpoch: Int, firstStep: Int)
    case step(StepMetrics)
    case samplesWritten(path: String)
    case checkpointSaved(step: Int)
    /// The monitor measured the run (its scalars are also in that step's metrics).
    case monitored(MonitorReport)
}

/// How a call to `train` ended.
public enum TrainingOutcome: Equatable {
    case finished(step: Int)
    case interrupted(step: Int)
}

/// Trains any `GANFamily` in a run folder: batches from a seeded loader, one family step per
/// batch, the step's scalars to `metrics.jsonl` and TensorBoard, the family's preview picture
/// and a checkpoint after every epoch, and exact resumption from the last checkpoint.
public final class Trainer {
    /// The run's configuration, with the data's sample shape and class count recorded.
    public let configuration: TrainingConfiguration
    public let run: RunDirectory
    /// The family being trained.
    public let model: any GANFamily
    public let loader: DataLoader<AnyDataset>
    /// The source of the family's random draws (noise, penalties); saved with every checkpoint.
    public private(set) var noiseGenerator: RandomGenerator
    /// Steps done so far.
    public private(set) var step = 0
    /// Watches the run for mode collapse and a failing game (`--monitor-every`); nil: not watched.
    /// It changes nothing in the training.
    public var monitor: TrainingMonitor?
    /// The data-parallel group this process trains in (under `mpirun`), or nil.
    public let parallel: DataParallel?
    /// Each optimizer of the family with the learning rate it was built with, which
    /// `learningRateSchedule` scales before every step.
    let baseLearningRates: [(optimizer: any Optimizer, rate: Float)]
    /// Whether the family decays its learning rates from half the run without `--decay-from`.
    let decaysLearningRateByDefault: Bool

    /// Prepares a run in `run`. Without `resume` the folder must not hold a run yet; with it,
    /// the run continues from its last checkpoint (the configuration must be the saved one,
    /// apart from the training length).
    ///
    /// Under `mpirun -np N` (`parallel`), the configuration's batch is the global batch, split
    /// over the N processes; rank 0 alone writes the run folder.
    public init(configuration requested: TrainingConfiguration, run: RunDirectory, resume: Bool,
                parallel: DataParallel? = DataParallel.launched) throws {
        self.parallel = parallel
        let writesRun = parallel?.writesRun ?? true
        let family = try FamilyCatalog.descriptor(requested.family)
        try requested.validate(minimumBatchSize: family.minimumBatchSize)
        try requested.selectPrecision()
        if resume {
            guard run.exists, FileManager.default.fileExists(atPath: run.trainingCheckpointPath) else {
                throw TrainingError.noCheckpoint(run.path)
            }
        } else if run.exists && writesRun {
            throw TrainingError.runExists(run.path)
        }
        let data = try family.openData(requested)
        var configuration = requested
        configuration.sampleShape = data.sampleShape
        configuration.classCount = data.dataset.classCount
        var savedConfiguration: TrainingConfiguration?
        if resume {
            var saved = try run.loadConfiguration()
            savedConfiguration = saved
            saved.epochs = configuration.epochs
            saved.steps = configuration.steps
            saved.options["decay-from"] = configuration.options["decay-from"]
            guard saved == configuration else {
                throw TrainingError.configurationMismatch(
                    "\(run.configurationPath) was trained with other settings; resume with the same flags (only --epochs, --steps and --decay-from may change)")
            }
        }
        self.configuration = configuration
        self.run = run
        if let parallel, configuration.batchSize % parallel.size != 0 {
            throw TrainingError.invalidConfiguration("--batch \(configuration.batchSize) does not split evenly over \(parallel.size) MPI processes")
        }
        loader = DataLoader(dataset: data.dataset, batchSize: configuration.batchSize, shuffle: true, dropLast: true,
                            seed: configuration.seed, transform: data.transform, shard: (parallel?.rank ?? 0, parallel?.size ?? 1))
        guard loader.batchesPerEpoch > 0 else {
            throw TrainingError.invalidConfiguration("\(configuration.dataset) has \(data.dataset.count) samples, fewer than one batch of \(configuration.batchSize)")
        }
        model = try family.make(configuration)
        baseLearningRates = model.optimizers.map { ($0.optimizer, $0.optimizer.learningRate) }
        decaysLearningRateByDefault = family.decaysLearningRateByDefault
        parallel?.install(on: model)
        noiseGenerator = RandomGenerator(seed: configuration.seed &+ 1)
        if resume {
            try restoreCheckpoint()
            // A new length or rate schedule is recorded, so the next resume continues with it.
            if writesRun && savedConfiguration != configuration { try run.save(configuration) }
        } else if writesRun {
            try run.create()
            try run.save(configuration)
        }
    }

    /// Steps in one epoch.
    public var stepsPerEpoch: Int { loader.batchesPerEpoch }
    /// Steps the whole run takes.
    public var totalSteps: Int { configuration.steps ?? configuration.epochs * stepsPerEpoch }
    /// The learning rates over the run (`--decay-from`): a function of the step alone, so a
    /// resumed run takes the same rates as an uninterrupted one.
    public var learningRateSchedule: LearningRateSchedule {
        configuration.learningRateSchedule(totalSteps: totalSteps, decaysByDefault: decaysLearningRateByDefault)
    }

    /// Sets every optimizer's rate for the step after the `completed` ones.
    func setLearningRates(completed: Int, schedule: LearningRateSchedule) {
        for (optimizer, rate) in baseLearningRates { optimizer.learningRate = schedule.learningRate(at: completed, base: rate) }
    }

    /// Trains until the configured length, or until `shouldStop` returns true at a step
    /// boundary (then a checkpoint is saved first). A non-finite scalar throws
    /// `TrainingError.nonFiniteLoss` and leaves the last checkpoint as it was.
    @discardableResult
    public func train(shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        let writesRun = parallel?.writesRun ?? true
        let metricsLog = writesRun ? try MetricsLog(path: run.metricsPath, resumingAfter: step) : nil
        let tensorBoard = writesRun ? try TensorBoardWriter(directory: run.path) : nil
        observer(.started(totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch, firstStep: step))
        let schedule = learningRateSchedule
        while step < totalSteps {
            let epoch = step / stepsPerEpoch
            for batch in loader.batches(epoch: epoch, startingAt: step % stepsPerEpoch) {
                if parallel?.any(shouldStop()) ?? shouldStop() {
                    try saveCheckpoint()
                    observer(.checkpointSaved(step: step))
                    return .interrupted(step: step)
                }
                let start = DispatchTime.now().uptimeNanoseconds
                let context = StepContext(step: step + 1, totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch)
                setLearningRates(completed: step, schedule: schedule)
                let shard = parallel?.shard(localBatch: batch.samples.shape[0])
                var scalars = BatchSharding.with(shard) { model.trainingStep(on: batch, context: context, randomness: &noiseGenerator) }
                scalars = parallel?.averaged(scalars) ?? scalars
                let nonFinite = scalars.filter { !$0.value.isFinite }
                guard nonFinite.isEmpty else {
                    throw TrainingError.nonFiniteLoss(step: step + 1, detail: scalars.map { "\($0.name) \($0.value)" }.joined(separator: ", "))
                }
                step += 1
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                parallel?.recordStep(seconds: seconds)
                var metrics = StepMetrics(step: step, epoch: epoch + 1, imagesPerSecond: Double(batch.samples.shape[0] * (parallel?.size ?? 1)) / seconds,
                                          values: scalars.map { ($0.name, Double($0.value)) })
                var report: MonitorReport?
                if let monitor {
                    monitor.record(metrics)
                    if monitor.isDue(step: step) {
                        report = monitor.measure(step: step)
                        metrics.values += report!.scalars
                    }
                }
                try metricsLog?.append(metrics)
                try tensorBoard?.scalars(metrics.scalars, step: step)
                observer(.step(metrics))
                if let report { observer(.monitored(report)) }
                let epochDone = step % stepsPerEpoch == 0
                if epochDone || step == totalSteps {
                    let name = epochDone ? String(format: "epoch-%03d", step / stepsPerEpoch) : String(format: "step-%07d", step)
                    let path = try writePreview(name: name, tensorBoard: tensorBoard)
                    observer(.samplesWritten(path: path))
                    try saveCheckpoint()
                    observer(.checkpointSaved(step: step))
                }
                if step == totalSteps || epochDone { break }
            }
        }
        return .finished(step: step)
    }

    /// Writes the family's preview `samples/NAME.png` (and logs it to TensorBoard). Under MPI
    /// every rank draws it (a family's preview may use collectives) and rank 0 alone writes it.
    func writePreview(name: String, tensorBoard: TensorBoardWriter?) throws -> String {
        let picture = model.previewPicture()
        let path = "\(run.samplesPath)/\(name).png"
        guard let tensorBoard else { return path }
        try picture.write(to: path)
        try tensorBoard.image("samples", png: picture.encoded(), height: picture.height, width: picture.width,
                              channels: picture.channels, step: step)
        return path
    }

    /// Saves everything resuming needs (`training.safetensors`, one atomic file), then every
    /// network as its own PyTorch `state_dict`.
    public func saveCheckpoint() throws {
        guard parallel?.writesRun ?? true else { return }
        try TrainingCheckpoint.save(model, step: step, noiseGenerator: noiseGenerator, to: run.trainingCheckpointPath)
        let metadata = ["family": configuration.family, "dataset": configuration.dataset, "step": String(step)]
        for (name, network) in model.networks {
            try network.saveCheckpoint(to: run.networkCheckpointPath(name), metadata: metadata)
        }
        for (name, contents) in model.companionFiles {
            try contents.write(to: URL(fileURLWithPath: run.checkpointsPath + "/" + name), options: .atomic)
        }
    }

    /// Restores the state `saveCheckpoint` wrote.
    func restoreCheckpoint() throws {
        (step, noiseGenerator) = try TrainingCheckpoint.restore(model, from: run.trainingCheckpointPath)
    }
}
