import ArgumentParser
import Datasets
import Foundation
import GAN
import TensorCore

/// `gankit detect`: anomaly scores of images from an anomaly run.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Score images with an anomaly run: writes float32 [N] scores (higher = more anomalous) and a picture of the most anomalous.",
        discussion: """
            --input is a float32 .npy [N, C, H, W] in [-1, 1], one PNG image, or a folder of PNG images, at the \
            run's image size. Images scoring above the threshold are reported as anomalous; by default the \
            threshold lets --false-positive-rate of the run's held-out normal images through.
            """)

    @Option(name: .customLong("run"), help: "An anomaly run folder (gankit train anomaly).") var runFolder: String
    @Option(help: "A .npy [N, C, H, W] in [-1, 1], a PNG image, or a folder of PNG images.") var input: String
    @Option(help: "Where to write the scores: float32 .npy of shape [N].") var out: String
    @Option(help: "Score above which an image is anomalous (default: chosen on held-out normal data).") var threshold: Float?
    @Option(name: .customLong("false-positive-rate"), help: "Share of held-out normal images the default threshold flags (default 0.05).")
    var falsePositiveRate: Double = 0.05
    @Option(help: "Where to write the most anomalous inputs (top row) above their reconstructions (default: OUT with .png).")
    var picture: String?
    @Option(help: "How many of the most anomalous inputs the picture shows.") var top = 16

    func validate() throws {
        guard (0..<1).contains(falsePositiveRate) else { throw ValidationError("--false-positive-rate must be in [0, 1), not \(falsePositiveRate)") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1, not \(top)") }
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number") }
    }

    func run() throws {
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        guard let detector = trained.model as? any AnomalyDetecting else {
            throw ValidationError("\(runFolder) holds a \(trained.configuration.family) model; gankit detect needs an anomaly run (gankit train anomaly)")
        }
        let input = try AnomalyInput(path: self.input, sampleShape: detector.sampleShape)
        let scores = detector.anomalyScores(input.images)
        try NumpyArray(float32: scores, shape: [scores.count]).write(to: out)
        print("wrote \(scores.count) scores to \(out) (\(detector.method.rawValue))")

        let limit: Float
        if let threshold {
            limit = threshold
            print(String(format: "threshold %.6g (--threshold)", limit))
        } else {
            let chosen: AnomalyThreshold
            do {
                chosen = try AnomalyThreshold(detector: detector, configuration: trained.configuration, falsePositiveRate: falsePositiveRate)
            } catch {
                throw ValidationError("the default threshold needs the run's held-out normal images: \(error); give --threshold T instead")
            }
            limit = chosen.value
            print(String(format: "threshold %.6g: flags %.1f%% of %d held-out normal images (--false-positive-rate %g)",
                         limit, 100 * chosen.falsePositiveRate, chosen.heldOutCount, falsePositiveRate))
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        let flagged = order.filter { scores[$0] > limit }
        print("\(flagged.count) of \(scores.count) inputs are anomalous (score above the threshold)")
        for index in flagged.prefix(10) { print(String(format: "  %10.6g  %@", scores[index], input.names[index])) }
        if flagged.count > 10 { print("  ... and \(flagged.count - 10) more") }

        let shown = Array(order.prefix(top))
        let inputs = Tensor.concat(shown.map { input.images.slice(axis: 0, $0..<($0 + 1)) }, axis: 0)
        let grid = Tensor.concat([inputs, detector.reconstructions(inputs)], axis: 0)
        let path = picture ?? ((out.hasSuffix(".npy") ? String(out.dropLast(4)) : out) + ".png")
        try PNGImage(ImageGrid.make(grid, rows: 2), range: 0...1).write(to: path)
        print("wrote \(path): the \(shown.count) most anomalous inputs (top) and their reconstructions (bottom)")
    }
}
