import Foundation
import GAN
import Metrics
import TensorCore

/// `gankit eval --run` on a cyclegan run: `UnpairedTranslationEvaluation` on the test domains,
/// printed, saved as `eval.json`, and the picture `eval-translations.png` (rows of input |
/// translation | reconstruction, eight per direction).
enum CycleGANEvaluationReport {
    static func run(_ model: CycleGAN, trained: TrainedModel, runFolder: String, count: Int?, evaluatorPath: String, jsonPath: String?) throws {
        let started = Date()
        let configuration = trained.configuration
        let test = try CycleGANData.testImages(configuration, channels: model.channels, limit: count)
        let classes = try CycleGANData.classDomains(configuration)
        var evaluator: FashionMNISTEvaluator?
        if classes != nil && configuration.dataset.lowercased() == "fashion-mnist" {
            if FileManager.default.fileExists(atPath: evaluatorPath) {
                evaluator = try FashionMNISTEvaluator(contentsOf: evaluatorPath)
            } else {
                print("note: no evaluator at \(evaluatorPath) (make it once with gankit evaluator train); class shares and FID are left out")
            }
        }
        let result = try UnpairedTranslationEvaluation(model: model, a: test.a, b: test.b, classes: classes, evaluator: evaluator)
        let domains = classes.map { "classes \($0.a) (A) and \($0.b) (B)" } ?? "trainA/trainB folders"
        print("run: \(runFolder) (cyclegan on \(configuration.dataset), \(domains); \(test.a.shape[0]) + \(test.b.shape[0]) \(test.usedTraining ? "TRAINING images: the folder has no testA/testB" : "test images"))")
        func row(_ name: String, _ value: String) { print(name.padding(toLength: 34, withPad: " ", startingAt: 0) + value) }
        for direction in result.directions {
            let label = direction.direction == "a-to-b" ? "A -> B" : "B -> A"
            if let share = direction.targetClassShare, let goal = direction.targetClass, let source = direction.sourceClass,
               let stay = direction.sourceClassShare, let ceiling = direction.targetClassShareOfRealTargets {
                row("\(label) classified as target", String(format: "%.2f%% as class %d (%.2f%% still class %d; real class-%d images: %.2f%%)",
                                                            100 * share, goal, 100 * stay, source, goal, 100 * ceiling))
            }
            if let fid = direction.fid, let baseline = direction.fidOfInputs {
                row("\(label) FID to target test images", String(format: "%.4f (untranslated inputs: %.4f)", fid, baseline))
            }
            row("\(label) cycle L1", String(format: "%.4f (images in [-1, 1])", direction.cycleL1))
        }
        let rows = 8
        let picturePath = runFolder + "/eval-translations.png"
        try model.picture(a: test.a.slice(axis: 0, 0..<min(rows, test.a.shape[0])), b: test.b.slice(axis: 0, 0..<min(rows, test.b.shape[0])))
            .write(to: picturePath)
        print("wrote \(picturePath) (rows: input | translation | reconstruction; A first, then B)")
        print(String(format: "metrics computed in %.1f s", Date().timeIntervalSince(started)))
        let path = jsonPath ?? runFolder + "/eval.json"
        try writeJSONReport(result, to: path)
        print("wrote \(path)")
    }
}
