import Foundation
import GAN
import Metrics

/// `gankit eval --run R` for text2image runs: prints and saves `TextToImageEvaluation`.
enum TextToImageEvaluationReport {
    static func handles(_ runFolder: String) -> Bool {
        (try? RunDirectory(runFolder).loadConfiguration().family) == TextToImageGAN.descriptor.name
    }

    static func run(_ runFolder: String, count: Int?, evaluatorPath: String, dataDirectory: String?, jsonPath: String?, seed: UInt64) throws {
        let model = try TextToImageModel(run: RunDirectory(runFolder))
        let result = try TextToImageEvaluation.evaluate(model, count: count, evaluatorPath: evaluatorPath, dataDirectory: dataDirectory, seed: seed)
        func percent(_ value: Double) -> String { String(format: "%.1f%%", 100 * value) }
        print("text2image \(runFolder): \(result.sampleCount) held-out captions of fashion-captions, one sample each (seed \(seed))")
        print("class accuracy (evaluator vs caption class): \(percent(result.classAccuracy))"
              + " (held-out phrasings \(percent(result.classAccuracyHeldOutPhrasing)), held-out combinations \(percent(result.classAccuracyHeldOutCombination)))")
        for name in result.attributeAccuracy.keys.sorted() {
            print("attribute \(name): \(percent(result.attributeAccuracy[name]!)) of \(result.attributeCounts[name]!) captions"
                  + " (real test images: \(percent(result.realAttributeAccuracy[name]!)))")
        }
        print("held-out class-attribute combinations: \(percent(result.heldOutCombinationAttributeAccuracy))")
        print(String(format: "FID %.2f (against the 10,000 test images)", result.fid))
        print("R-precision (1 of 100 captions): \(percent(result.rPrecision)) (real test images: \(percent(result.realRPrecision)))")
        let path = jsonPath ?? runFolder + "/eval.json"
        try writeJSONReport(result, to: path)
        print(String(format: "wrote %@ (%.0f s)", path, result.seconds))
    }
}
