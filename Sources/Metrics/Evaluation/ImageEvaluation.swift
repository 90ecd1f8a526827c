import Foundation
import TensorCore

/// All image metrics of one set of generated samples against a reference set, as `gankit eval`
/// prints and writes them.
public struct ImageEvaluation: Sendable, Codable {
    /// Number of generated samples evaluated.
    public let sampleCount: Int
    /// What the samples were compared with.
    public let reference: String
    /// Number of real samples.
    public let referenceCount: Int
    /// Fréchet distance of the evaluator features (Float64).
    public let fid: Double
    /// Kernel distance of the evaluator features (cubic kernel, unbiased, over subsets).
    public let kid: KernelInceptionDistance
    /// Inception-style score from the evaluator's softmax.
    public let inceptionScore: InceptionScore
    /// The same score on the reference images, for scale.
    public let referenceInceptionScore: InceptionScore
    /// Precision, recall, density and coverage (k = 3).
    public let manifold: ManifoldMetrics
    /// Samples per evaluator class.
    public let classHistogram: [Int]
    /// Real images per evaluator class.
    public let referenceClassHistogram: [Int]
    /// KL(sample class histogram ‖ real class histogram) in nats; nil when infinite.
    public let classDivergence: Double?
    /// For conditional samples: the share the evaluator assigns to the requested class.
    public let classConsistency: Double?
    /// FID per class of the requested labels against the reference images of that class
    /// (intra-FID, as StudioGAN reports it), when both label sets are known.
    public let classFID: [Double?]?
    /// The evaluator's recorded test accuracy.
    public let evaluatorAccuracy: Double?
    /// Seconds spent computing the metrics (evaluator pass included).
    public let seconds: Double

    /// Evaluates `images` (`[N, 1, 28, 28]` in [-1, 1], N ≥ 4). `labels` are the requested
    /// classes of a conditional generator. KID uses up to 100 subsets of up to 1,000 samples
    /// drawn with `seed`.
    /// With `referenceLabels` (the class of each reference image) and `labels`, also the FID
    /// of each class's samples against that class's reference images (intra-FID).
    public init(images: Tensor, labels: [Int]? = nil, evaluator: FashionMNISTEvaluator, reference: ReferenceSet,
                referenceLabels: [Int]? = nil, seed: UInt64 = 0) {
        let started = Date()
        let outputs = evaluator.outputs(for: images)
        let features = FeatureMatrix(outputs.features)
        sampleCount = images.shape[0]
        self.reference = reference.name
        referenceCount = reference.features.rowCount
        fid = FrechetDistance.between(reference.statistics, FeatureStatistics(features))
        kid = KernelInceptionDistance(real: reference.features, generated: features, seed: seed)
        inceptionScore = InceptionScore(probabilities: outputs.probabilities)
        referenceInceptionScore = InceptionScore(probabilities: reference.probabilities)
        manifold = ManifoldMetrics(real: reference.features, generated: features, k: ReferenceSet.neighbourCount,
                                   realRadii: reference.squaredRadii)
        let predicted = outputs.predictedClasses
        let histogram = ClassHistogram(classes: predicted, classCount: FashionMNISTEvaluator.classCount)
        let referenceHistogram = reference.classHistogram
        classHistogram = histogram.counts
        referenceClassHistogram = referenceHistogram.counts
        let divergence = histogram.divergence(from: referenceHistogram)
        classDivergence = divergence.isFinite ? divergence : nil
        classConsistency = labels.map { Metrics.classConsistency(predicted: predicted, requested: $0) }
        if let labels, let referenceLabels {
            classFID = Self.classFrechetDistances(features, labels, reference.features, referenceLabels)
        } else {
            classFID = nil
        }
        evaluatorAccuracy = evaluator.testAccuracy
        seconds = Date().timeIntervalSince(started)
    }

    /// The FID between the samples and the reference images of each class (nil for a class
    /// with fewer than two of either).
    static func classFrechetDistances(_ features: FeatureMatrix, _ labels: [Int], _ reference: FeatureMatrix,
                                      _ referenceLabels: [Int]) -> [Double?] {
        (0..<FashionMNISTEvaluator.classCount).map { label in
            let generated = labels.indices.filter { labels[$0] == label }
            let real = referenceLabels.indices.filter { referenceLabels[$0] == label }
            guard generated.count >= 2, real.count >= 2 else { return nil }
            return FrechetDistance.between(FeatureStatistics(reference.rows(real)), FeatureStatistics(features.rows(generated)))
        }
    }

    /// The mean of the per-class FIDs (intra-FID), over the classes that have one.
    public var meanClassFID: Double? {
        let values = classFID?.compactMap { $0 } ?? []
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// Checks that a sample array fits the evaluator: `[N, 1, 28, 28]`, N ≥ 4, values in
    /// [-1, 1] (within rounding). `source` names the file in the message.
    public static func validate(_ images: Tensor, source: String) throws {
        guard images.rank == 4, Array(images.shape.dropFirst()) == FashionMNISTEvaluator.imageShape else {
            throw MetricsError("\(source) holds an array of shape \(images.shape); the Fashion-MNIST evaluator needs images "
                + "of shape [N, 1, 28, 28] in [-1, 1] (or [N, 2] points with --mixture)")
        }
        guard images.shape[0] > ReferenceSet.neighbourCount else {
            throw MetricsError("\(source) holds \(images.shape[0]) images; the metrics need at least \(ReferenceSet.neighbourCount + 1) (10,000 by the protocol)")
        }
        let count = images.count, values = images.storage.base
        var low = Float.infinity, high = -Float.infinity
        for index in 0..<count {
            low = min(low, values[index])
            high = max(high, values[index])
        }
        guard low.isFinite, high.isFinite, low >= -1.01, high <= 1.01 else {
            throw MetricsError("\(source): values range over [\(low), \(high)]; samples must be in [-1, 1] "
                + "(GANKit's convention: pixel / 127.5 - 1)")
        }
    }
}
