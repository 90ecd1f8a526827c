import Foundation
import NN
import TensorCore

/// Everything that defines a training run; saved as the run folder's `config.json`.
public struct TrainingConfiguration: Codable, Sendable, Equatable {
    /// The model family (`dcgan`, `vanilla`, `cgan`, ...; see `FamilyCatalog`).
    public var family: String
    /// `fashion-mnist`, `mnist`, `ring8`, `grid25`, or a folder of PNG images.
    public var dataset: String
    /// Where the dataset's files are, when not the default location.
    public var dataDirectory: String?
    public var seed: UInt64 = 0
    public var batchSize = 64
    /// Training length: whole epochs, or a number of steps (which wins when set).
    public var epochs = 5
    public var steps: Int?
    public var latentSize = 100
    public var learningRateG: Float = 2e-4
    public var learningRateD: Float = 2e-4
    public var beta1: Float = 0.5
    public var beta2: Float = 0.999
    public var loss: AdversarialLoss = .nonSaturating
    public var regularizer: GradientRegularizer?
    public var discriminatorSteps = 1
    public var labelSmoothing: Float = 0
    /// Decay of an exponential moving average of G's weights (the "EMA generator"), or nil for
    /// none. With one, sample grids and `gankit sample` use the averaged generator.
    public var emaDecay: Float?
    /// Samples in the fixed-noise grid written after every epoch.
    public var gridSize = 64
    /// Points drawn from a 2-D mixture (or images stacked) to form its training set.
    public var mixtureSampleCount = 50_000
    /// The side images are resized to before training (`--image-size`), or nil for their own size.
    public var imageSize: Int?
    /// Options of the family beyond the shared ones, by flag name without dashes (each family
    /// documents its own and reads them with `option(_:default:)`).
    public var options: [String: String] = [:]
    /// Recorded when training starts: the shape of one training sample.
    public var sampleShape: [Int]?
    /// Recorded when training starts: the number of classes of the training labels, if any.
    public var classCount: Int?
    /// The precision of the matrix products and convolutions of every training step
    /// (`--precision`): fp32, or bf16 inputs with fp32 sums on CPUs with AVX-512 BF16.
    /// Weights, optimizer state, normalization and losses are fp32 either way.
    public var precision: MatmulPrecision = .float32

    /// Settings added to config.json after the first runs, with the value a run saved without
    /// them used (`RunDirectory.loadConfiguration` fills them in).
    static let laterSettings: [String: String] = ["precision": MatmulPrecision.float32.rawValue]

    /// The precision named by `--precision`'s `text`.
    public static func precision(flag text: String) throws -> MatmulPrecision {
        guard let precision = MatmulPrecision(rawValue: text) else {
            throw TrainingError.invalidConfiguration("--precision must be fp32 or bf16, not \(text)")
        }
        return precision
    }

    /// Makes this run's `precision` the process-wide one for the products of its steps.
    public func selectPrecision() throws {
        do {
            try MatmulPrecision.select(precision)
        } catch let error as MatmulPrecision.UnavailableError {
            throw TrainingError.invalidConfiguration(error.description)
        }
    }

    public init(family: String, dataset: String) {
        self.family = family
        self.dataset = dataset
    }

    /// A family option, or `defaultValue` when it is not set. A value that does not parse
    /// as `T` is reported by `validate` of the family that reads it.
    public func option<T: LosslessStringConvertible>(_ name: String, default defaultValue: T) -> T {
        options[name].flatMap(T.init) ?? defaultValue
    }

    /// Option `name` read as a `T`, or `defaultValue` when absent; a value that does not parse
    /// or fails `valid` throws `TrainingError.invalidConfiguration` ("--NAME must be
    /// `requirement`, not TEXT").
    public func option<T: LosslessStringConvertible>(_ name: String, default defaultValue: T, valid: (T) -> Bool = { _ in true },
                                                     requirement: String) throws -> T {
        guard let text = options[name] else { return defaultValue }
        guard let value = T(text), valid(value) else { throw TrainingError.invalidConfiguration("--\(name) must be \(requirement), not \(text)") }
        return value
    }

    /// Sets option `name` from its flag's `value` when given; otherwise, unless `keepingSaved`
    /// holds and the option has a value (a resumed run's), to `defaultValue`.
    public mutating func setOption<T: LosslessStringConvertible>(_ name: String, _ value: T?, default defaultValue: T,
                                                                 keepingSaved: Bool) {
        if let value { options[name] = String(value) } else if !keepingSaved || options[name] == nil { options[name] = String(defaultValue) }
    }

    /// The recorded sample shape; a configuration that never started training has none.
    public func recordedSampleShape() throws -> [Int] {
        guard let sampleShape else {
            throw TrainingError.invalidConfiguration("the run's config.json records no sample shape; it was not trained by this version of GANKit")
        }
        return sampleShape
    }

    /// Checks the values a user can set; the message names the flag to fix. `minimumBatchSize`
    /// is the family's (`FamilyDescriptor.minimumBatchSize`).
    public func validate(minimumBatchSize: Int = 2) throws {
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw TrainingError.invalidConfiguration(message) }
        }
        try check(batchSize >= minimumBatchSize,
                  "--batch must be at least \(minimumBatchSize)\(minimumBatchSize >= 2 ? " (BatchNorm needs two samples)" : ""), not \(batchSize)")
        try check(epochs >= 1, "--epochs must be at least 1, not \(epochs)")
        try check(steps.map { $0 >= 1 } ?? true, "--steps must be at least 1, not \(steps ?? 0)")
        try check(latentSize >= 1, "--latent-size must be at least 1, not \(latentSize)")
        try check(learningRateG > 0 && learningRateG.isFinite, "--lr-g must be a positive number, not \(learningRateG)")
        try check(learningRateD > 0 && learningRateD.isFinite, "--lr-d must be a positive number, not \(learningRateD)")
        try check((0..<1).contains(beta1) && (0..<1).contains(beta2), "--beta1 and --beta2 must be in [0, 1)")
        try check(discriminatorSteps >= 1, "--d-steps must be at least 1, not \(discriminatorSteps)")
        try check((0..<1).contains(labelSmoothing), "--label-smoothing must be in [0, 1), not \(labelSmoothing)")
        try check(gridSize >= 1, "--grid-size must be at least 1")
        try check(emaDecay.map { $0 > 0 && $0 < 1 } ?? true, "--ema must be a decay in (0, 1), such as 0.999, not \(emaDecay ?? 0)")
        try check(imageSize.map { (4...1024).contains($0) } ?? true, "--image-size must be between 4 and 1024, not \(imageSize ?? 0)")
        for (name, value) in options where value.isEmpty { try check(false, "--\(name) needs a value") }
        try check(precision != .bfloat16 || MatmulPrecision.isBFloat16Available, MatmulPrecision.UnavailableError().description)
        if let text = options["decay-from"] {
            try check(Int(text).map { $0 >= 0 } ?? false, "--decay-from must be a step number >= 0, not \(text)")
        }
    }

    /// The options the trainer reads for every family (kept in `options` so saved runs keep
    /// them): `decay-from`.
    public static let trainerOptionNames = ["decay-from"]

    /// The learning-rate schedule every optimizer of a run of `totalSteps` follows (the
    /// trainer sets the rates before each step): constant, or with `--decay-from STEP`
    /// (`options["decay-from"]`, for every family) constant for STEP steps and then linear
    /// towards 0 at the end of the run (`LearningRateSchedule.linearDecay`). Without the flag,
    /// a family that `decaysByDefault` (CycleGAN) decays from half the run.
    public func learningRateSchedule(totalSteps: Int, decaysByDefault: Bool) -> LearningRateSchedule {
        guard let start = options["decay-from"].flatMap(Int.init) ?? (decaysByDefault ? totalSteps / 2 : nil) else { return .constant }
        return .linearDecay(start: start, end: totalSteps)
    }
}

/// Why training stopped or could not start.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case runExists(String)
    case noCheckpoint(String)
    case configurationMismatch(String)
    case nonFiniteLoss(step: Int, detail: String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(message): return message
        case let .runExists(path):
            if !FileManager.default.fileExists(atPath: RunDirectory(path).trainingCheckpointPath) {
                return "\(path) holds a training run that stopped before its first checkpoint; delete that folder or pass another --out"
            }
            return "\(path) already holds a training run; pass --resume to continue it or --out to start a new one"
        case let .noCheckpoint(path):
            return "\(path) has no checkpoint to resume from; start without --resume"
        case let .configurationMismatch(message): return message
        case let .nonFiniteLoss(step, detail):
            return "training diverged at step \(step): \(detail); the last good checkpoint is kept. Try a lower learning rate."
        }
    }
}
