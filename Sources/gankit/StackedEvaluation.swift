import ArgumentParser
import Foundation
import GAN
import Metrics
import TensorCore

/// `gankit eval` on 3-channel 28x28 samples (stacked Fashion-MNIST): the evaluator classifies
/// each channel, the three classes name one of 1,000 modes, and the modes covered and the KL
/// divergence of their histogram to uniform are reported (the stacked-MNIST protocol of VEEGAN
/// and PacGAN, 26,000 samples).
enum StackedEvaluation {
    static let sampleShape = [3, 28, 28]

    /// Whether `runFolder` makes 3-channel 28x28 samples from noise.
    static func handles(_ runFolder: String) -> Bool {
        guard let configuration = try? RunDirectory(runFolder).loadConfiguration() else { return false }
        return configuration.sampleShape == sampleShape
    }

    /// Draws `count` (default 26,000) samples from the run with `seed` and evaluates them.
    static func run(runFolder: String, count: Int?, seed: UInt64, evaluatorPath: String, json: String?) throws {
        let started = Date()
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        let total = count ?? StackedModeCoverage.protocolSampleCount
        let requested = try trained.noiseSampler().classCount.map { classes in (0..<total).map { $0 % classes } }
        let images = try trained.samples(count: total, seed: seed, labels: requested)
        try evaluate(images, source: "\(runFolder) (\(total) samples, seed \(seed))", evaluatorPath: evaluatorPath,
                     jsonPath: json ?? runFolder + "/eval.json", started: started)
    }

    /// Evaluates `images` `[N, 3, 28, 28]` and writes the JSON report to `jsonPath`.
    static func evaluate(_ images: Tensor, source: String, evaluatorPath: String, jsonPath: String, started: Date) throws {
        guard images.rank == 4, Array(images.shape.dropFirst()) == sampleShape else {
            throw MetricsError("\(source): stacked samples must be [N, 3, 28, 28], not \(images.shape)")
        }
        let evaluator = try FashionMNISTEvaluator(contentsOf: evaluatorPath)
        let coverage = StackedModeCoverage(images: images) { evaluator.outputs(for: $0).predictedClasses }
        if coverage.sampleCount != StackedModeCoverage.protocolSampleCount {
            print("note: the stacked protocol uses \(StackedModeCoverage.protocolSampleCount) samples; these are \(coverage.sampleCount)")
        }
        func row(_ name: String, _ value: String) -> String { name.padding(toLength: 26, withPad: " ", startingAt: 0) + value }
        print("samples: \(source)")
        print("stacked Fashion-MNIST: each channel classified by \(evaluatorPath); 1,000 modes")
        print(row("modes covered", "\(coverage.coveredModes) / \(coverage.modeCount)"))
        print(row("KL (modes‖uniform)", String(format: "%.4f", coverage.klToUniform)))
        let busiest = coverage.modeHistogram.enumerated().max { $0.element < $1.element }!
        print(row("largest mode", String(format: "%03d with %d samples (uniform: %.1f)", busiest.offset, busiest.element,
                                         Double(coverage.sampleCount) / Double(coverage.modeCount))))
        let report = StackedReport(source: source, modeCoverage: coverage, seconds: Date().timeIntervalSince(started))
        try writeJSONReport(report, to: jsonPath)
        print(String(format: "computed in %.1f s; wrote %@", report.seconds, jsonPath))
    }
}

/// The JSON written for stacked samples.
private struct StackedReport: Encodable {
    let source: String
    let modeCoverage: StackedModeCoverage
    let seconds: Double
}
