import Datasets
import Foundation
import Metrics
import TensorCore

/// The metrics of a CycleGAN run on its test domains, per direction (A -> B, B -> A): the cycle
/// reconstruction error (mean L1 of G_B(G_A(a)) - a, images in [-1, 1]) and, for class domains
/// of Fashion-MNIST with an evaluator, the share of translations the evaluator assigns to the
/// target class, the share still assigned to the source class, the FID of the translations
/// against the target domain's test images, and as a scale the FID of the untranslated inputs
/// against the same images (what a model that changes nothing scores).
public struct UnpairedTranslationEvaluation: Codable, Sendable {
    public struct Direction: Codable, Sendable {
        /// `a-to-b` or `b-to-a`.
        public let direction: String
        public let sampleCount: Int
        public let cycleL1: Double
        /// Class domains with an evaluator only.
        public let sourceClass: Int?
        public let targetClass: Int?
        public let targetClassShare: Double?
        public let sourceClassShare: Double?
        /// The evaluator's accuracy on the real images of the target domain (its ceiling).
        public let targetClassShareOfRealTargets: Double?
        public let fid: Double?
        public let fidOfInputs: Double?
    }

    public let directions: [Direction]
    public let seconds: Double

    /// Evaluates `model` on the test domains `a` and `b` (`[N, C, H, W]`); `classes` are the
    /// domains' classes when they are classes of Fashion-MNIST and an `evaluator` is given.
    public init(model: CycleGAN, a: Tensor, b: Tensor, classes: (a: Int, b: Int)?, evaluator: FashionMNISTEvaluator?) throws {
        let started = Date()
        var directions: [Direction] = []
        let measurable = classes != nil && evaluator != nil && Array(a.shape.dropFirst()) == FashionMNISTEvaluator.imageShape
        let outputsA = measurable ? evaluator!.outputs(for: a) : nil
        let outputsB = measurable ? evaluator!.outputs(for: b) : nil
        for direction in TranslationDirection.allCases {
            let input = direction == .aToB ? a : b
            let translated = try model.translate(input, direction: direction, seed: 0).clamped(min: -1, max: 1)
            let back = try model.translate(translated, direction: direction == .aToB ? .bToA : .aToB, seed: 0).clamped(min: -1, max: 1)
            let cycle = Double((back - input).abs().mean().scalar)
            guard measurable, let evaluator, let classes, let inputOutputs = direction == .aToB ? outputsA : outputsB,
                  let targetOutputs = direction == .aToB ? outputsB : outputsA else {
                directions.append(Direction(direction: direction.rawValue, sampleCount: input.shape[0], cycleL1: cycle, sourceClass: nil, targetClass: nil,
                                            targetClassShare: nil, sourceClassShare: nil, targetClassShareOfRealTargets: nil, fid: nil, fidOfInputs: nil))
                continue
            }
            let (source, goal) = direction == .aToB ? (classes.a, classes.b) : (classes.b, classes.a)
            let result = evaluator.outputs(for: translated)
            func share(_ predicted: [Int], _ label: Int) -> Double { Double(predicted.filter { $0 == label }.count) / Double(max(predicted.count, 1)) }
            let targetFeatures = FeatureMatrix(targetOutputs.features)
            directions.append(Direction(
                direction: direction.rawValue, sampleCount: input.shape[0], cycleL1: cycle, sourceClass: source, targetClass: goal,
                targetClassShare: share(result.predictedClasses, goal), sourceClassShare: share(result.predictedClasses, source),
                targetClassShareOfRealTargets: share(targetOutputs.predictedClasses, goal),
                fid: FrechetDistance.between(FeatureMatrix(result.features), targetFeatures),
                fidOfInputs: FrechetDistance.between(FeatureMatrix(inputOutputs.features), targetFeatures)))
        }
        self.directions = directions
        seconds = Date().timeIntervalSince(started)
    }
}
