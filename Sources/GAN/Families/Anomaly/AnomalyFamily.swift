import Datasets
import Foundation
import Metrics
import NN
import TensorCore

/// The `anomaly` family: a GAN trained on normal images only (`--normal-class K` of a labelled
/// set, or a folder of normal images), one of the methods of `AnomalyMethod` (`--method`).
public enum AnomalyFamily {
    public static let descriptor = FamilyDescriptor(
        name: "anomaly", summary: "anomaly detection trained on normal images only: GANomaly or f-AnoGAN (--method, --normal-class K)",
        openData: AnomalyData.open, make: { try make($0) })

    /// Images shown with their reconstructions in the preview.
    static let previewCount = 8

    /// The detector a configuration describes, with fresh weights from its seed.
    public static func make(_ configuration: TrainingConfiguration) throws -> any AnomalyDetecting {
        let options = try AnomalyOptions(configuration)
        let sampleShape = try configuration.recordedSampleShape()
        guard let shape = AnomalyNetworkShape(sampleShape: sampleShape, latentSize: configuration.latentSize, width: options.width) else {
            throw TrainingError.invalidConfiguration(
                "anomaly takes square images of 1 or 3 channels whose side halves down to 8 or less (28, 32, 64, ...), not \(sampleShape); resize the images to 32x32")
        }
        // A trained run still scores images when its training data has moved (detect then
        // needs --threshold); the preview is blank.
        let heldOut = (try? AnomalyData.heldOutNormal(configuration)) ?? Tensor.zeros([1] + sampleShape)
        let preview = heldOut.slice(axis: 0, 0..<min(previewCount, heldOut.shape[0]))
        switch options.method {
        case .ganomaly:
            return GANomaly(shape: shape, options: options, learningRate: configuration.learningRateG, beta1: configuration.beta1,
                            beta2: configuration.beta2, seed: configuration.seed, previewInputs: preview)
        case .fAnoGAN:
            return FAnoGAN(shape: shape, options: options, learningRate: configuration.learningRateG, beta1: configuration.beta1,
                           beta2: configuration.beta2, seed: configuration.seed, previewInputs: preview)
        }
    }
}

/// How well a run separates the normal class from the rest of a labelled test split.
public struct AnomalyEvaluation: Codable, Sendable {
    public let method: String
    public let normalClass: Int
    public let imageCount: Int
    public let anomalousCount: Int
    /// Area under the ROC curve, anomalous (not the normal class) as the positive class.
    public let areaUnderROC: Double
    /// Average precision, anomalous as the positive class.
    public let averagePrecision: Double
    /// Seconds spent scoring.
    public let seconds: Double

    /// Scores the labelled test split of the run's dataset with `detector`.
    public init(detector: any AnomalyDetecting, configuration: TrainingConfiguration) throws {
        let (images, anomalous, normal) = try AnomalyData.labelledTestSet(configuration)
        let start = Date()
        let scores = detector.anomalyScores(images)
        seconds = Date().timeIntervalSince(start)
        method = detector.method.rawValue
        normalClass = normal
        imageCount = scores.count
        anomalousCount = anomalous.filter { $0 }.count
        areaUnderROC = try RankingMetrics.areaUnderROC(scores: scores, positives: anomalous)
        averagePrecision = try RankingMetrics.averagePrecision(scores: scores, positives: anomalous)
    }
}

/// The threshold above which `gankit detect` calls an image anomalous by default.
public struct AnomalyThreshold: Sendable {
    public let value: Float
    /// The share of held-out normal images scoring above `value`.
    public let falsePositiveRate: Double
    public let heldOutCount: Int

    /// The smallest held-out normal score such that at most `falsePositiveRate` of the
    /// held-out normal images score above it.
    public init(detector: any AnomalyDetecting, configuration: TrainingConfiguration, falsePositiveRate: Double) throws {
        let scores = detector.anomalyScores(try AnomalyData.heldOutNormal(configuration)).sorted()
        let allowed = Int((falsePositiveRate * Double(scores.count)).rounded(.down))
        let index = max(0, scores.count - 1 - allowed)
        let threshold = scores[index]
        value = threshold
        self.falsePositiveRate = Double(scores.filter { $0 > threshold }.count) / Double(scores.count)
        heldOutCount = scores.count
    }
}
