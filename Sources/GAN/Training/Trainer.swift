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
}

/// How a call to `train` ended.
public enum TrainingOutcome: Equatable {
    case finished(step: Int)
    case interrupted(step: Int)
}

/// Trains an `UnconditionalGAN` in a run folder: batches from a seeded loader, one step per
/// batch, per-step metrics to `metrics.jsonl` and TensorBoard, a fixed-noise sample grid and a
/// checkpoint after every epoch, and exact resumption from the last checkpoint.
public final class Trainer {
    public let configuration: TrainingConfiguration
    public let run: RunDirectory
    public let model: UnconditionalGAN
    public let loader: DataLoader<AnyDataset>
    /// The source of noise and penalty randomness; saved with every checkpoint.
    public private(set) var noiseGenerator: RandomGenerator
    /// Steps done so far.
    public private(set) var step = 0
    /// The noise behind the sample grids (the same for every epoch).
    public let fixedNoise: Tensor
    /// A generator that holds the moving average's weights for sampling (with `emaDecay`).
    let averageNetwork: Sequential?

    /// Prepares a run in `run`. Without `resume` the folder must not hold a run yet; with it,
    /// the run continues from its last checkpoint (the configuration must be the saved one,
    /// apart from the training length).
    public init(configuration: TrainingConfiguration, run: RunDirectory, resume: Bool) throws {
        try configuration.validate()
        if resume {
            guard run.exists, FileManager.default.fileExists(atPath: run.trainingCheckpointPath) else {
                throw TrainingError.noCheckpoint(run.path)
            }
            var saved = try run.loadConfiguration()
            saved.epochs = configuration.epochs
            saved.steps = configuration.steps
            guard saved == configuration else {
                throw TrainingError.configurationMismatch(
                    "\(run.configurationPath) was trained with other settings; resume with the same flags (only --epochs and --steps may change)")
            }
        } else if run.exists {
            throw TrainingError.runExists(run.path)
        }
        let dataset = try TrainingData.open(configuration)
        guard configuration.architecture.supports(sampleShape: dataset.sampleShape) else {
            throw TrainingError.invalidConfiguration(
                "\(configuration.architecture.rawValue) does not train on samples of shape \(dataset.sampleShape) from \(configuration.dataset)")
        }
        self.configuration = configuration
        self.run = run
        loader = DataLoader(dataset: dataset, batchSize: configuration.batchSize, shuffle: true, dropLast: true, seed: configuration.seed)
        guard loader.batchesPerEpoch > 0 else {
            throw TrainingError.invalidConfiguration("\(configuration.dataset) has \(dataset.count) samples, fewer than one batch of \(configuration.batchSize)")
        }
        var weights = RandomGenerator(seed: configuration.seed)
        let architecture = configuration.architecture
        let G = architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: dataset.sampleShape, generator: &weights)
        let D = architecture.makeDiscriminator(sampleShape: dataset.sampleShape, seed: configuration.seed, generator: &weights)
        // DCGAN's initialization: N(0, 0.02) for every Linear and convolution weight.
        G.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        D.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        let regularizer = configuration.regularizer
        model = UnconditionalGAN(
            generator: G, discriminator: D,
            optimizerG: Adam(learningRate: configuration.learningRateG, beta1: configuration.beta1, beta2: configuration.beta2),
            optimizerD: Adam(learningRate: configuration.learningRateD, beta1: configuration.beta1, beta2: configuration.beta2),
            loss: configuration.loss, regularizer: regularizer, discriminatorSteps: configuration.discriminatorSteps,
            labelSmoothing: configuration.labelSmoothing, latentSize: configuration.latentSize,
            averageDecay: configuration.emaDecay)
        averageNetwork = configuration.emaDecay.map { _ in
            var unused = RandomGenerator(seed: 0)
            return architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: dataset.sampleShape, generator: &unused)
        }
        noiseGenerator = RandomGenerator(seed: configuration.seed &+ 1)
        var gridGenerator = RandomGenerator(seed: configuration.seed &+ 2)
        fixedNoise = Tensor.randn([configuration.gridSize, configuration.latentSize], generator: &gridGenerator)
        if resume {
            try restoreCheckpoint()
        } else {
            try run.create()
            try run.save(configuration)
        }
    }

    /// Steps in one epoch.
    public var stepsPerEpoch: Int { loader.batchesPerEpoch }
    /// Steps the whole run takes.
    public var totalSteps: Int { configuration.steps ?? configuration.epochs * stepsPerEpoch }

    /// Trains until the configured length, or until `shouldStop` returns true at a step
    /// boundary (then a checkpoint is saved first). A non-finite loss throws
    /// `TrainingError.nonFiniteLoss` and leaves the last checkpoint as it was.
    @discardableResult
    public func train(shouldStop: () -> Bool = { false }, observer: (TrainingEvent) -> Void = { _ in }) throws -> TrainingOutcome {
        let metricsLog = try MetricsLog(path: run.metricsPath, resumingAfter: step)
        let tensorBoard = try TensorBoardWriter(directory: run.path)
        observer(.started(totalSteps: totalSteps, stepsPerEpoch: stepsPerEpoch, firstStep: step))
        while step < totalSteps {
            let epoch = step / stepsPerEpoch
            for batch in loader.batches(epoch: epoch, startingAt: step % stepsPerEpoch) {
                if shouldStop() {
                    try saveCheckpoint()
                    observer(.checkpointSaved(step: step))
                    return .interrupted(step: step)
                }
                let start = DispatchTime.now().uptimeNanoseconds
                let result = model.step(real: batch.samples, generator: &noiseGenerator)
                guard result.lossD.isFinite, result.lossG.isFinite, result.normD.isFinite, result.normG.isFinite else {
                    throw TrainingError.nonFiniteLoss(step: step + 1, detail: "lossD \(result.lossD), lossG \(result.lossG), "
                                                      + "gradient norms \(result.normD) and \(result.normG)")
                }
                step += 1
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let metrics = StepMetrics(step: step, epoch: epoch + 1, lossD: result.lossD, lossG: result.lossG,
                                          realScore: result.realScore, fakeScore: result.fakeScore,
                                          gradientNormD: result.normD, gradientNormG: result.normG,
                                          imagesPerSecond: Double(configuration.batchSize) / seconds)
                try metricsLog.append(metrics)
                try tensorBoard.scalars(metrics.scalars, step: step)
                observer(.step(metrics))
                let epochDone = step % stepsPerEpoch == 0
                if epochDone || step == totalSteps {
                    let name = epochDone ? String(format: "epoch-%03d", step / stepsPerEpoch) : String(format: "step-%07d", step)
                    let path = try writeSamples(name: name, tensorBoard: tensorBoard)
                    observer(.samplesWritten(path: path))
                    try saveCheckpoint()
                    observer(.checkpointSaved(step: step))
                }
                if step == totalSteps || epochDone { break }
            }
        }
        return .finished(step: step)
    }

    /// Writes the fixed-noise picture `samples/NAME.png` (and logs it to TensorBoard).
    func writeSamples(name: String, tensorBoard: TensorBoardWriter) throws -> String {
        let samples: Tensor
        if let average = model.averageGenerator, let network = averageNetwork {
            average.copy(to: network)
            network.eval()
            samples = UnconditionalGAN.generate(network, from: fixedNoise)
        } else {
            samples = model.samples(from: fixedNoise)
        }
        let picture = SamplePictures.png(samples, means: GaussianMixture.named(configuration.dataset)?.means ?? [])
        let path = "\(run.samplesPath)/\(name).png"
        try picture.write(to: path)
        try tensorBoard.image("samples", png: picture.encoded(), height: picture.height, width: picture.width,
                          channels: picture.channels, step: step)
        return path
    }

    // MARK: Checkpoints

    /// The Dropout layers of both networks by a stable name, whose generators are saved.
    private var dropoutLayers: [(String, Dropout)] {
        [("G", model.generator), ("D", model.discriminator)].flatMap { prefix, network in
            network.namedModules().compactMap { name, module in (module as? Dropout).map { ("\(prefix).\(name)", $0) } }
        }
    }

    /// Saves everything needed to resume (`training.safetensors`, one atomic file), then the
    /// two networks as PyTorch `state_dict`s.
    public func saveCheckpoint() throws {
        var tensors: [(name: String, value: Tensor)] = []
        tensors += model.generator.state().map { ("G.\($0.name)", $0.value) }
        tensors += model.discriminator.state().map { ("D.\($0.name)", $0.value) }
        tensors += model.optimizerG.stateTensors().map { ("optimizerG.\($0.key)", $0.value) }
        tensors += model.optimizerD.stateTensors().map { ("optimizerD.\($0.key)", $0.value) }
        if let average = model.averageGenerator {
            tensors += average.values.map { ("G_ema.\($0.key)", $0.value) }
        }
        let generatorIntegers = model.generator.integerStateNames
        let integers = Set(generatorIntegers.map { "G.\($0)" } + model.discriminator.integerStateNames.map { "D.\($0)" }
                           + (model.averageGenerator == nil ? [] : generatorIntegers.map { "G_ema.\($0)" }))
        var metadata = ["format": "gankit-training-1", "step": String(step),
                        "noise_generator": noiseGenerator.state.map(String.init).joined(separator: ",")]
        for (name, dropout) in dropoutLayers {
            metadata["dropout_generator.\(name)"] = dropout.generator.state.map(String.init).joined(separator: ",")
        }
        try SafeTensors.write(tensors, integerNames: integers, metadata: metadata, to: run.trainingCheckpointPath)
        let modelMetadata = ["architecture": configuration.architecture.rawValue, "dataset": configuration.dataset, "step": String(step)]
        try model.generator.saveCheckpoint(to: run.generatorCheckpointPath, metadata: modelMetadata)
        try model.discriminator.saveCheckpoint(to: run.discriminatorCheckpointPath, metadata: modelMetadata)
        if let average = model.averageGenerator, let network = averageNetwork {
            average.copy(to: network)
            try network.saveCheckpoint(to: run.averageGeneratorCheckpointPath, metadata: modelMetadata)
        }
    }

    /// Restores the state `saveCheckpoint` wrote.
    func restoreCheckpoint() throws {
        let path = run.trainingCheckpointPath
        let contents = try SafeTensors.read(from: path)
        func section(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: contents.tensors.compactMap { key, value in
                key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
            })
        }
        func generatorState(_ key: String) throws -> RandomGenerator {
            let words = contents.metadata[key]?.split(separator: ",").compactMap { UInt64($0) } ?? []
            guard words.count == 4, words.contains(where: { $0 != 0 }) else {
                throw CheckpointError.invalid("\(path): metadata \(key) is missing or malformed")
            }
            return RandomGenerator(state: words)
        }
        guard contents.metadata["format"] == "gankit-training-1", let savedStep = contents.metadata["step"].flatMap(Int.init) else {
            throw CheckpointError.invalid("\(path): not a GANKit training checkpoint (no format or step in its metadata)")
        }
        try model.generator.load(section("G."), source: path)
        try model.discriminator.load(section("D."), source: path)
        try model.averageGenerator?.restore(section("G_ema."), source: path)
        do {
            try model.optimizerG.loadState(section("optimizerG."), for: model.generator)
            try model.optimizerD.loadState(section("optimizerD."), for: model.discriminator)
        } catch let error as CheckpointError {
            throw CheckpointError.invalid("\(path): \(error)")
        }
        noiseGenerator = try generatorState("noise_generator")
        for (name, dropout) in dropoutLayers { dropout.generator = try generatorState("dropout_generator.\(name)") }
        step = savedStep
    }
}
