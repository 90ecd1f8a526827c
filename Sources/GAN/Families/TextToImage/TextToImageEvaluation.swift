import Datasets
import Foundation
import Metrics
import TensorCore

/// How well a `text2image` run draws held-out captions of `fashion-captions` (captions of the
/// Fashion-MNIST test images in phrasings or class-attribute combinations no training caption
/// used): one sample per caption, then
/// - class accuracy: the evaluator network's class against the caption's class;
/// - attribute accuracy: for each attribute a caption mentions, the value measured from the
///   sample by `GarmentAttribute` (judged against the class median) against the caption's;
/// - FID against the 10,000 test images (evaluator features);
/// - R-precision (R = 1): with the run's contrastive encoders, the share of samples whose own
///   caption is the closest of 100 (itself and 99 other held-out captions drawn at random),
///   and the same for the real test images as a ceiling.
public struct TextToImageEvaluation: Codable, Sendable {
    public var sampleCount: Int
    public var classAccuracy: Double
    /// Class accuracy on captions in a held-out phrasing, and on those in a training phrasing
    /// that say a held-out class-attribute combination.
    public var classAccuracyHeldOutPhrasing: Double
    public var classAccuracyHeldOutCombination: Double
    /// Per attribute: accuracy over the captions mentioning it, and how many did.
    public var attributeAccuracy: [String: Double]
    public var attributeCounts: [String: Int]
    /// Accuracy on the held-out class-attribute combinations alone.
    public var heldOutCombinationAttributeAccuracy: Double
    /// The same attribute judgement applied to the real test images the captions describe
    /// (ceiling: below 100% since captions only say clear values, judged at the median).
    public var realAttributeAccuracy: [String: Double]
    public var fid: Double
    public var rPrecision: Double
    public var realRPrecision: Double
    public var seconds: Double

    /// Evaluates `model` on the first `count` held-out captions (all by default).
    public static func evaluate(_ model: TextToImageModel, count: Int? = nil, evaluatorPath: String, dataDirectory: String? = nil,
                                seed: UInt64 = 0) throws -> TextToImageEvaluation {
        let started = Date()
        let configuration = model.trained.configuration
        guard TextToImageData.captionFolder(configuration) == nil else {
            throw MetricsError("\(model.trained.run.path) was trained on a caption folder; the held-out evaluation is defined for fashion-captions")
        }
        let (testImages, heldOut) = try FashionCaptions.heldOut(directory: configuration.dataDirectory ?? dataDirectory, seed: configuration.seed)
        let chosen = Array(heldOut.prefix(count ?? heldOut.count))
        guard chosen.count >= 100 else { throw MetricsError("--count must be at least 100 for R-precision, not \(chosen.count)") }
        let tokens = try model.tokenize(chosen.map(\.caption.text)) { "held-out caption \($0 + 1)" }
        let samples = model.samples(tokens.ids, seed: seed)
        guard FileManager.default.fileExists(atPath: evaluatorPath) else {
            throw MetricsError("\(evaluatorPath): no evaluator; make it once with `gankit evaluator train`")
        }
        let evaluator = try FashionMNISTEvaluator(contentsOf: evaluatorPath)
        let outputs = evaluator.outputs(for: samples)
        let predicted = outputs.predictedClasses
        func accuracy(_ indices: [Int]) -> Double {
            indices.isEmpty ? .nan : Double(indices.filter { predicted[$0] == chosen[$0].caption.content.classIndex }.count) / Double(indices.count)
        }
        // Attributes of the samples, and of the real images as a ceiling.
        let measured = GarmentAttribute.measure(images: samples.scalars, count: chosen.count)
        let realImages = testImages.samples(at: chosen.map(\.imageIndex))
        let realMeasured = GarmentAttribute.measure(images: realImages.scalars, count: chosen.count)
        var hits: [String: Int] = [:], realHits: [String: Int] = [:], counts: [String: Int] = [:]
        var combinationHits = 0, combinationCount = 0
        for (index, item) in chosen.enumerated() {
            let content = item.caption.content
            for (attribute, value) in content.attributes {
                counts[attribute.rawValue, default: 0] += 1
                let right = attribute.judgedValue(measured[index][attribute]!, classIndex: content.classIndex) == value
                if right { hits[attribute.rawValue, default: 0] += 1 }
                if attribute.judgedValue(realMeasured[index][attribute]!, classIndex: content.classIndex) == value {
                    realHits[attribute.rawValue, default: 0] += 1
                }
                if CaptionGrammar.isHeldOut(classIndex: content.classIndex, attribute: attribute, value: value) {
                    combinationCount += 1
                    if right { combinationHits += 1 }
                }
            }
        }
        // FID against the test images.
        let (reference, _) = try ReferenceSet.fashionMNISTTest(evaluator: evaluator, evaluatorPath: evaluatorPath,
                                                               dataDirectory: configuration.dataDirectory ?? dataDirectory)
        let fid = FrechetDistance.between(reference.statistics, FeatureStatistics(FeatureMatrix(outputs.features)))
        // R-precision with the contrastive encoders.
        let texts = model.model.textEmbeddings(tokens.ids)
        let rPrecision = Self.rPrecision(images: model.model.imageEmbeddings(samples), texts: texts, seed: seed)
        let realRPrecision = Self.rPrecision(images: model.model.imageEmbeddings(realImages), texts: texts, seed: seed)
        let heldOutPhrasing = chosen.indices.filter { chosen[$0].caption.heldOutPhrasing }
        let heldOutCombination = chosen.indices.filter { !chosen[$0].caption.heldOutPhrasing }
        return TextToImageEvaluation(
            sampleCount: chosen.count, classAccuracy: accuracy(Array(chosen.indices)),
            classAccuracyHeldOutPhrasing: accuracy(heldOutPhrasing), classAccuracyHeldOutCombination: accuracy(heldOutCombination),
            attributeAccuracy: counts.keys.reduce(into: [:]) { $0[$1] = Double(hits[$1, default: 0]) / Double(counts[$1]!) },
            attributeCounts: counts,
            heldOutCombinationAttributeAccuracy: combinationCount == 0 ? .nan : Double(combinationHits) / Double(combinationCount),
            realAttributeAccuracy: counts.keys.reduce(into: [:]) { $0[$1] = Double(realHits[$1, default: 0]) / Double(counts[$1]!) },
            fid: fid, rPrecision: rPrecision, realRPrecision: realRPrecision, seconds: Date().timeIntervalSince(started))
    }

    /// R-precision at R = 1 of unit image embeddings against unit caption embeddings (row i
    /// matches row i): for each image, its caption and 99 others drawn with `seed`; a hit when
    /// its own caption has the highest cosine similarity. Needs at least 100 rows.
    public static func rPrecision(images: Tensor, texts: Tensor, candidates: Int = 100, seed: UInt64) -> Double {
        let count = images.shape[0], size = images.shape[1]
        precondition(count >= candidates && texts.shape == images.shape, "rPrecision: needs \(candidates) or more matching rows")
        let imageValues = images.scalars, textValues = texts.scalars
        func similarity(_ image: Int, _ text: Int) -> Float {
            var sum: Float = 0
            for k in 0..<size { sum += imageValues[image * size + k] * textValues[text * size + k] }
            return sum
        }
        var rng = RandomGenerator(seed: seed &+ 0x5250)
        var hits = 0
        for row in 0..<count {
            let own = similarity(row, row)
            var beaten = false
            var drawn = Set<Int>()
            while drawn.count < candidates - 1 {
                let other = Int(rng.next() % UInt64(count))
                guard other != row, drawn.insert(other).inserted else { continue }
                if similarity(row, other) >= own { beaten = true }
            }
            if !beaten { hits += 1 }
        }
        return Double(hits) / Double(count)
    }
}
