import Datasets
import Foundation
import Metrics
import TensorCore

/// What the monitor measured at one step.
public struct MonitorReport: Sendable {
    public let step: Int
    /// The measures by name (`monitorModesCovered`, `monitorClassKL`, `monitorFID`, ...), logged
    /// with the step's scalars to `metrics.jsonl` and TensorBoard.
    public let scalars: [(name: String, value: Double)]
    /// The signs of trouble seen.
    public let findings: [MonitorFinding]
    /// The warning line to show: set when the findings are new (not when the same trouble
    /// persists from the previous measurement).
    public let warning: String?
    /// One-time notes (a measure switched off, and why).
    public let notes: [String]
    /// Wall-clock seconds the measurement took.
    public let seconds: Double
}

/// Watches a run while it trains, for any family: every step's scalars go through the
/// failing-game checks (`GameHealth`), and every `interval` steps the generator draws samples
/// from fixed noise (families that sample from noise) that are measured against the data:
/// the PacGAN protocol on 2-D mixtures (modes covered, high-quality share, reverse KL), and on
/// 28x28 images with 1 or 3 channels (Fashion-MNIST, stacked Fashion-MNIST per channel) the
/// evaluator's class histogram, its KL to the real one and FID against real training images.
/// It uses its own fixed noise and the generator in evaluation mode, so it changes nothing in
/// the training: a monitored run is bit-identical to an unmonitored one.
public final class TrainingMonitor {
    /// Steps between measurements unless told otherwise (`--monitor-every`).
    public static let defaultInterval = 500
    /// Samples measured each time (the PacGAN protocol's count; images as many).
    public static let defaultSampleCount = 2_500
    /// Real training images the image measures compare with.
    public static let realImageCount = 10_000

    public let interval: Int
    public let sampleCount: Int
    let configuration: TrainingConfiguration
    let model: any GANFamily
    let data: AnyDataset
    let gameHealth: GameHealth
    let evaluatorSource: () throws -> FashionMNISTEvaluator
    /// What the samples are measured as.
    enum Measures {
        case none
        case mixture(GaussianMixture)
        case images(channels: Int)
    }
    let measures: Measures
    private var fixedNoise: Tensor?
    private var fixedLabels: [Int]?
    /// The evaluator and what it says about real images, loaded at the first image measurement.
    private var evaluator: FashionMNISTEvaluator?
    private var realStatistics: FeatureStatistics?
    private var realHistograms: [ClassHistogram] = []
    private var imageMeasuresFailed = false
    /// Each channel's class KL at the previous measurement when it already looked collapsed.
    private var previousClassCollapse: [Int: Double] = [:]
    /// The mixture's reverse KL at the previous measurement when it already looked collapsed.
    private var previousMixtureCollapse: Double?
    private var lastWarnedKinds: Set<MonitorFinding.Kind> = []
    /// Wall-clock seconds spent measuring so far.
    public private(set) var secondsSpent = 0.0

    /// A monitor of `model` trained on `data` with `configuration`, measuring every `interval`
    /// steps on `sampleCount` samples; `evaluator` gives the Fashion-MNIST evaluator when image
    /// measures first need it (it may train it on a fresh machine).
    public init(configuration: TrainingConfiguration, model: any GANFamily, data: AnyDataset,
                interval: Int = TrainingMonitor.defaultInterval, sampleCount: Int = TrainingMonitor.defaultSampleCount,
                gameWindow: Int = 200,
                evaluator: @escaping () throws -> FashionMNISTEvaluator = { try FashionMNISTEvaluator.loadOrTrain() }) {
        precondition(interval >= 1 && sampleCount >= 10, "TrainingMonitor: interval \(interval) and sample count \(sampleCount) must be positive")
        self.interval = interval
        self.sampleCount = sampleCount
        self.configuration = configuration
        self.model = model
        self.data = data
        gameHealth = GameHealth(windowLength: max(2, min(gameWindow, interval)), scoresAreProbabilities: configuration.loss.outputsAreLogits)
        evaluatorSource = evaluator
        let shape = configuration.sampleShape ?? data.sampleShape
        if model is any NoiseSampling, shape == [2], let mixture = GaussianMixture.named(configuration.dataset) {
            measures = .mixture(mixture)
        } else if model is any NoiseSampling, shape.count == 3, [1, 3].contains(shape[0]),
                  Array(shape.dropFirst()) == Array(FashionMNISTEvaluator.imageShape.dropFirst()) {
            measures = .images(channels: shape[0])
        } else {
            measures = .none
        }
    }

    /// The monitor of a trainer's run.
    public convenience init(trainer: Trainer, interval: Int = TrainingMonitor.defaultInterval,
                            sampleCount: Int = TrainingMonitor.defaultSampleCount,
                            evaluator: @escaping () throws -> FashionMNISTEvaluator = { try FashionMNISTEvaluator.loadOrTrain() }) {
        self.init(configuration: trainer.configuration, model: trainer.model, data: trainer.loader.dataset, interval: interval,
                  sampleCount: sampleCount, evaluator: evaluator)
    }

    /// What the samples are measured with, for help and progress texts.
    public var measuresDescription: String {
        switch measures {
        case .none: return "the game's step scalars"
        case let .mixture(mixture): return "mode coverage of \(mixture.means.count) modes and the game's step scalars"
        case let .images(channels):
            return "the evaluator's class histogram" + (channels > 1 ? " per channel" : "") + ", FID and the game's step scalars"
        }
    }

    /// Records one step's scalars for the failing-game checks.
    public func record(_ metrics: StepMetrics) { gameHealth.record(metrics.values) }

    /// Whether `step` is a measuring step.
    public func isDue(step: Int) -> Bool { step % interval == 0 }

    /// Measures the generator now and judges the game over the steps recorded since the last
    /// measurement.
    public func measure(step: Int) -> MonitorReport {
        let started = DispatchTime.now().uptimeNanoseconds
        var scalars: [(name: String, value: Double)] = []
        var findings: [MonitorFinding] = []
        var notes: [String] = []
        switch measures {
        case .none:
            break
        case let .mixture(mixture):
            let coverage = ModeCoverage(points: drawSamples(), mixture: mixture)
            scalars += [("monitorModesCovered", Double(coverage.coveredModes)), ("monitorHighQualityShare", coverage.highQualityShare)]
            if let reverseKL = coverage.reverseKL { scalars.append(("monitorReverseKL", reverseKL)) }
            let finding = CollapseChecks.mixture(coverage)
            if let finding, CollapseChecks.persists(coverage.reverseKL ?? 0, previous: previousMixtureCollapse) { findings.append(finding) }
            previousMixtureCollapse = finding == nil ? nil : coverage.reverseKL ?? 0
        case let .images(channels):
            do {
                let (imageScalars, imageFindings) = try measureImages(channels: channels)
                scalars += imageScalars
                findings += imageFindings
            } catch {
                if !imageMeasuresFailed {
                    notes.append("note: the monitor leaves out the class histogram and FID: \(error)")
                }
                imageMeasuresFailed = true
            }
        }
        let game = gameHealth.assess()
        scalars += game.scalars
        findings += game.findings
        scalars.append(("monitorWarnings", Double(findings.count)))
        let kinds = Set(findings.map(\.kind))
        let warning = !findings.isEmpty && !kinds.isSubset(of: lastWarnedKinds) ? MonitorFinding.warningLine(findings, step: step) : nil
        lastWarnedKinds = kinds
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        secondsSpent += seconds
        return MonitorReport(step: step, scalars: scalars.filter { $0.value.isFinite }, findings: findings, warning: warning,
                             notes: notes, seconds: seconds)
    }

    /// `sampleCount` samples from the fixed noise (for conditional models, every class equally).
    func drawSamples() -> Tensor {
        guard let sampler = model as? any NoiseSampling else { preconditionFailure("TrainingMonitor: \(type(of: model)) draws no samples from noise") }
        if fixedNoise == nil {
            var generator = RandomGenerator(seed: configuration.seed &+ 0x6D6F_6E69)  // the monitor's own noise
            fixedNoise = Tensor.randn([sampleCount, sampler.latentSize], generator: &generator)
            fixedLabels = sampler.classCount.map { classes in (0..<sampleCount).map { $0 % classes } }
        }
        return sampler.samples(latent: fixedNoise!, labels: fixedLabels, useAverage: true)
    }

    /// Class histograms per channel against the real images', their KL, and FID of all channels' features.
    private func measureImages(channels: Int) throws -> ([(name: String, value: Double)], [MonitorFinding]) {
        guard !imageMeasuresFailed else { return ([], []) }
        let evaluator = try loadEvaluator(channels: channels)
        let samples = drawSamples()
        var scalars: [(name: String, value: Double)] = []
        var findings: [MonitorFinding] = []
        var features: [Tensor] = []
        var perChannelClasses: [[Int]] = []
        var divergences: [Double] = []
        var confidences: [Double] = []
        for channel in 0..<channels {
            let plane = channels == 1 ? samples : samples.slice(axis: 1, channel..<channel + 1)
            let outputs = evaluator.outputs(for: plane)
            features.append(outputs.features)
            let classes = outputs.predictedClasses
            perChannelClasses.append(classes)
            let confident = Self.confidentShare(outputs.probabilities)
            confidences.append(confident)
            let histogram = ClassHistogram(classes: classes, classCount: FashionMNISTEvaluator.classCount)
            let divergence = histogram.divergence(from: realHistograms[channel])
            divergences.append(divergence)
            let finding = CollapseChecks.classes(histogram, real: realHistograms[channel], names: FashionMNIST.classNames,
                                                 channel: channels > 1 ? channel : nil, confidentShare: confident)
            // Early samples are blurs the evaluator puts in few classes too: only a histogram
            // that looks collapsed twice in a row, without improving fast, is called collapse.
            if let finding, CollapseChecks.persists(divergence, previous: previousClassCollapse[channel]) { findings.append(finding) }
            previousClassCollapse[channel] = finding == nil ? nil : divergence
        }
        scalars.append(("monitorClassKL", divergences.reduce(0, +) / Double(channels)))
        scalars.append(("monitorConfidentShare", confidences.reduce(0, +) / Double(channels)))
        if channels > 1 {
            scalars.append(("monitorClassKLWorstChannel", divergences.max() ?? 0))
            // Stacked images: a mode is one combination of the channels' classes.
            let classCount = FashionMNISTEvaluator.classCount
            var modeCounts = [Int: Int]()
            for index in 0..<samples.shape[0] {
                var mode = 0
                for channel in 0..<channels { mode = mode * classCount + perChannelClasses[channel][index] }
                modeCounts[mode, default: 0] += 1
            }
            let modes = Int(pow(Double(classCount), Double(channels)))
            var divergence = 0.0
            for count in modeCounts.values {
                let p = Double(count) / Double(samples.shape[0])
                divergence += p * log(p * Double(modes))
            }
            scalars += [("monitorStackedModes", Double(modeCounts.count)), ("monitorStackedKL", divergence)]
        }
        let generated = FeatureStatistics(FeatureMatrix(features.count == 1 ? features[0] : Tensor.concat(features, axis: 0)))
        scalars.append(("monitorFID", FrechetDistance.between(generated, realStatistics!)))
        return (scalars, findings)
    }

    /// The share of samples whose most probable class has a probability of at least 0.9.
    static func confidentShare(_ probabilities: Tensor) -> Double {
        let rows = probabilities.shape[0], columns = probabilities.shape[1]
        guard rows > 0 else { return 0 }
        let values = probabilities.storage.base
        var confident = 0
        for row in 0..<rows where (0..<columns).contains(where: { values[row * columns + $0] >= 0.9 }) { confident += 1 }
        return Double(confident) / Double(rows)
    }

    /// Loads the evaluator and measures real training images with it, once.
    private func loadEvaluator(channels: Int) throws -> FashionMNISTEvaluator {
        if let evaluator { return evaluator }
        let network = try evaluatorSource()
        let count = min(data.count, Self.realImageCount)
        let stride = max(1, data.count / count)
        let real = data.samples(at: (0..<count).map { $0 * stride })
        var features: [Tensor] = []
        realHistograms = []
        for channel in 0..<channels {
            let outputs = network.outputs(for: channels == 1 ? real : real.slice(axis: 1, channel..<channel + 1))
            features.append(outputs.features)
            // One extra count per class, so that a class the real images never show gives a
            // large KL rather than an infinite one.
            realHistograms.append(ClassHistogram(classes: outputs.predictedClasses + Array(0..<FashionMNISTEvaluator.classCount),
                                                 classCount: FashionMNISTEvaluator.classCount))
        }
        realStatistics = FeatureStatistics(FeatureMatrix(features.count == 1 ? features[0] : Tensor.concat(features, axis: 0)))
        evaluator = network
        return network
    }
}
