import Foundation
import GAN
import Metrics
import TensorCore

/// The translation branch of `gankit eval --run`: pix2pix runs are measured on the test split
/// of their paired data (see `PairedTranslationEvaluation`), cyclegan runs on their test
/// domains (see `CycleGANEvaluationReport`).
enum TranslationEvaluationCommand {
    /// The families this branch evaluates.
    static let families: Set<String> = ["pix2pix", "cyclegan"]

    /// Whether `runFolder` holds a run this branch evaluates.
    static func handles(_ runFolder: String) -> Bool {
        (try? RunDirectory(runFolder).loadConfiguration()).map { families.contains($0.family) } ?? false
    }

    static func evaluate(runFolder: String, count: Int?, evaluatorPath: String, jsonPath: String?, seed: UInt64) throws {
        let started = Date()
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        if let model = trained.model as? CycleGAN {
            return try CycleGANEvaluationReport.run(model, trained: trained, runFolder: runFolder, count: count,
                                                    evaluatorPath: evaluatorPath, jsonPath: jsonPath)
        }
        guard let model = trained.model as? Pix2Pix else { throw MetricsError("\(runFolder): not a pix2pix run") }
        let configuration = trained.configuration
        let (pairs, labels) = try Pix2PixData.testPairs(configuration, limit: count)
        var evaluator: FashionMNISTEvaluator?, reference: ReferenceSet?
        if configuration.dataset == Pix2PixData.edgesToFashion && !model.reversed {
            let network = try EvaluatorLoading.load(evaluatorPath, dataDirectory: configuration.dataDirectory)
            evaluator = network
            reference = try ReferenceSet.fashionMNISTTest(evaluator: network, evaluatorPath: evaluatorPath,
                                                          dataDirectory: configuration.dataDirectory).reference
        }
        let result = try PairedTranslationEvaluation(model: model, pairs: pairs, labels: labels, evaluator: evaluator,
                                                     reference: reference, seed: seed,
                                                     compareInput: configuration.dataset == Pix2PixData.colorization)
        func row(_ name: String, _ value: String) { print(name.padding(toLength: 26, withPad: " ", startingAt: 0) + value) }
        print("run: \(runFolder) (pix2pix on \(configuration.dataset), \(result.sampleCount) test pairs, dropout seed \(seed))")
        row("L1", String(format: "%.4f (images in [-1, 1])", result.l1))
        row("PSNR", String(format: "%.2f dB (all channels)", result.psnr))
        row("SSIM", String(format: "%.4f", result.ssim))
        if let l1 = result.inputL1, let psnr = result.inputPSNR, let ssim = result.inputSSIM {
            row("input (gray) L1", String(format: "%.4f", l1))
            row("input (gray) PSNR", String(format: "%.2f dB", psnr))
            row("input (gray) SSIM", String(format: "%.4f", ssim))
        }
        if let fid = result.fid { row("FID (garments)", String(format: "%.4f", fid)) }
        if let accuracy = result.evaluatorAccuracy, let real = result.evaluatorAccuracyOnTargets {
            row("evaluator accuracy", String(format: "%.2f%% (real targets: %.2f%%)", 100 * accuracy, 100 * real))
        }
        print(String(format: "metrics computed in %.1f s", Date().timeIntervalSince(started)))
        let path = jsonPath ?? runFolder + "/eval.json"
        try writeJSONReport(result, to: path)
        print("wrote \(path)")
        if configuration.dataset == Pix2PixData.colorization {
            // input | output | target for the first test photos (dropout from the same seed).
            let shown = pairs.slice(axis: 0, 0..<min(8, pairs.shape[0]))
            let (input, target) = model.split(shown)
            let output = try model.translate(input, direction: .aToB, seed: seed).clamped(min: -1, max: 1)
            let picture = runFolder + "/eval.png"
            try SamplePictures.png(TranslationPictures.triplets(input: input, output: output, target: target),
                                   rows: shown.shape[0]).write(to: picture)
            print("wrote \(picture) (rows of input | output | target)")
        }
    }
}
