import ArgumentParser
import Datasets
import Foundation
import GAN
import Metrics
import TensorCore

/// `gankit evaluator`: the Fashion-MNIST classifier that `gankit eval` measures samples with.
struct EvaluatorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluator",
        abstract: "Train the Fashion-MNIST evaluator network used by gankit eval.",
        subcommands: [EvaluatorTrainCommand.self])
}

/// `gankit evaluator train`: trains the evaluator once and saves it.
struct EvaluatorTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the evaluator classifier on Fashion-MNIST and save it as safetensors.")

    @Option(help: "Where to save the evaluator (default: \(FashionMNISTEvaluator.defaultPath)).")
    var evaluator: String?
    @Option(help: "Passes over the 60,000 training images.") var epochs = EvaluatorTrainingConfiguration().epochs
    @Option(help: "Seed of the weights, the shuffles and dropout.") var seed: UInt64 = 0
    @Option(name: .customLong("data"), help: "Directory holding the Fashion-MNIST IDX files.") var directory: String?

    func run() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs)") }
        let path = evaluator ?? FashionMNISTEvaluator.defaultPath
        var configuration = EvaluatorTrainingConfiguration()
        configuration.epochs = epochs
        configuration.seed = seed
        configuration.dataDirectory = directory
        print("training the Fashion-MNIST evaluator: \(epochs) epochs, batch \(configuration.batchSize), seed \(seed)")
        let progress = EvaluatorProgress()
        let (trained, result) = try FashionMNISTEvaluator.train(configuration, progress: progress.handle)
        try trained.save(to: path, metadata: result.metadata)
        print(String(format: "test accuracy %.2f%% after %.0f s; saved %@", 100 * result.testAccuracy, result.seconds, path))
        if result.testAccuracy < 0.92 {
            print("warning: the accuracy is below the 92% the metrics protocol expects; train longer with --epochs")
        }
    }
}

/// `gankit eval`: the metrics of a run's generator or of a sample file.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure samples: FID, KID, IS, precision/recall, density/coverage and class histograms for images; mode coverage for 2-D mixtures.",
        discussion: """
            Images are compared with the 10,000 Fashion-MNIST test images through the evaluator network \
            (trained on first use, or with `gankit evaluator train`). 2-D points are scored against their mixture \
            with the PacGAN protocol (2,500 samples, high quality within 3 standard deviations).
            """)

    @Option(name: .customLong("run"), help: "A run folder: samples are drawn from its generator.") var runFolder: String?
    @Option(help: "A float32 .npy of samples: [N, 1, 28, 28] in [-1, 1], or [N, 2] points with --mixture.") var samples: String?
    @Option(help: "Samples drawn from --run (default 10,000 images or 2,500 points), or the first N of --samples.") var count: Int?
    @Option(help: "The evaluator (default: \(FashionMNISTEvaluator.defaultPath)).") var evaluator: String?
    @Option(help: "Where to write the metrics as JSON (default: RUN/eval.json, or SAMPLES.eval.json).") var json: String?
    @Option(help: "Seed of the noise drawn for --run and of the KID subsets.") var seed: UInt64 = 0
    @Option(help: "A .npy of requested class labels (conditional samples): reports how many the evaluator agrees with.") var labels: String?
    @Option(help: "The mixture of 2-D --samples: ring8 or grid25.") var mixture: String?
    @Option(name: .customLong("data"), help: "Directory holding the Fashion-MNIST IDX files (for super-resolution runs: the photos to measure on).")
    var directory: String?

    func validate() throws {
        guard (runFolder == nil) != (samples == nil) else { throw ValidationError("give exactly one of --run DIR and --samples FILE.npy") }
        if let count, count < 4 { throw ValidationError("--count must be at least 4, not \(count)") }
        if runFolder != nil && labels != nil {
            throw ValidationError("--labels goes with --samples (the requested class of each sample); --run draws its own, every class equally")
        }
        if let mixture, GaussianMixture.named(mixture) == nil {
            throw ValidationError("--mixture must be ring8 or grid25, not \(mixture)")
        }
    }

    func run() throws {
        if let runFolder, AnomalyEvaluationReport.handles(runFolder) { return try AnomalyEvaluationReport.run(runFolder, jsonPath: json) }
        if let runFolder, TranslationEvaluationCommand.handles(runFolder) {
            return try TranslationEvaluationCommand.evaluate(runFolder: runFolder, count: count, evaluatorPath: evaluator ?? FashionMNISTEvaluator.defaultPath,
                                                             jsonPath: json, seed: seed)
        }
        if let runFolder, TextToImageEvaluationReport.handles(runFolder) {
            return try TextToImageEvaluationReport.run(runFolder, count: count, evaluatorPath: evaluator ?? FashionMNISTEvaluator.defaultPath,
                                                       dataDirectory: directory, jsonPath: json, seed: seed)
        }
        if let runFolder, SuperResolutionEval.handles(runFolder) {
            return try SuperResolutionEval.run(runFolder: runFolder, photos: directory, json: json)
        }
        if let runFolder, StackedEvaluation.handles(runFolder) {
            return try StackedEvaluation.run(runFolder: runFolder, count: count, seed: seed, evaluatorPath: evaluator ?? FashionMNISTEvaluator.defaultPath,
                                             json: json)
        }
        let started = Date()
        let (points, source, mixtureName, defaultJSON, requested) = try loadSamples()
        if mixtureName == nil, points.rank == 4, points.shape[1] == 3 {
            try StackedEvaluation.evaluate(points, source: source, evaluatorPath: evaluator ?? FashionMNISTEvaluator.defaultPath,
                                           jsonPath: json ?? defaultJSON, started: started)
        } else if let mixtureName {
            try evaluateMixture(points, mixtureName: mixtureName, source: source, jsonPath: json ?? defaultJSON, started: started)
        } else {
            try evaluateImages(points, requested: requested, source: source, jsonPath: json ?? defaultJSON, started: started)
        }
    }

    /// The samples, where they come from, the mixture name for 2-D points, the default JSON
    /// path, and for a conditional run the class each sample was drawn for.
    private func loadSamples() throws -> (Tensor, String, String?, String, [Int]?) {
        if let runFolder {
            let trained = try TrainedModel(run: RunDirectory(runFolder))
            let dataset = trained.configuration.dataset
            let sampleShape = try trained.configuration.recordedSampleShape()
            if sampleShape == [2] {
                guard GaussianMixture.named(dataset) != nil else {
                    throw MetricsError("\(runFolder) was trained on 2-D data \(dataset), which is not a known mixture (ring8, grid25)")
                }
                let drawn = try trained.samples(count: count ?? ModeCoverage.protocolSampleCount, seed: seed)
                return (drawn, "\(runFolder) (\(drawn.shape[0]) samples, seed \(seed))", dataset.lowercased(), runFolder + "/eval.json", nil)
            }
            guard sampleShape == FashionMNISTEvaluator.imageShape else {
                throw MetricsError("\(runFolder) makes samples of shape \(sampleShape); the evaluator measures [1, 28, 28] images")
            }
            if dataset != "fashion-mnist" {
                print("note: \(runFolder) was trained on \(dataset); the metrics compare with Fashion-MNIST")
            }
            let total = count ?? 10_000
            // A conditional model draws the same number of samples of every class.
            let requested = try trained.noiseSampler().classCount.map { classes in (0..<total).map { $0 % classes } }
            let drawn = try trained.samples(count: total, seed: seed, labels: requested)
            let balanced = requested == nil ? "" : ", every class equally"
            return (drawn, "\(runFolder) (\(drawn.shape[0]) samples\(balanced), seed \(seed))", nil, runFolder + "/eval.json", requested)
        }
        let file = samples!
        guard FileManager.default.fileExists(atPath: file) else {
            throw MetricsError("\(file): no such file; write samples with `gankit sample --run runs/NAME --count 10000 --out \(file)`")
        }
        let array = try NumpyArray(contentsOf: file)
        guard array.elementType == .float32 || array.elementType == .float64 else {
            throw MetricsError("\(file): the samples must be float32 (or float64), not \(array.elementType.rawValue)")
        }
        var tensor = array.tensor()
        if let count, count < tensor.shape.first ?? 0 { tensor = tensor.slice(axis: 0, 0..<count) }
        let defaultJSON = (file.hasSuffix(".npy") ? String(file.dropLast(4)) : file) + ".eval.json"
        if tensor.rank == 2 && tensor.shape[1] == 2 {
            guard let mixture else {
                throw MetricsError("\(file) holds 2-D points of shape \(tensor.shape); say which mixture they imitate with --mixture ring8 or --mixture grid25")
            }
            return (tensor, file, mixture.lowercased(), defaultJSON, nil)
        }
        return (tensor, file, nil, defaultJSON, try loadLabels(count: tensor.shape[0]))
    }

    private func evaluateMixture(_ points: Tensor, mixtureName: String, source: String, jsonPath: String, started: Date) throws {
        let mixture = GaussianMixture.named(mixtureName)!
        let coverage = ModeCoverage(points: points, mixture: mixture)
        if coverage.sampleCount != ModeCoverage.protocolSampleCount {
            print("note: the PacGAN protocol uses \(ModeCoverage.protocolSampleCount) samples; these are \(coverage.sampleCount)")
        }
        print("samples: \(source)")
        print("mixture: \(mixtureName) (\(coverage.modeCount) modes, standard deviation \(mixture.standardDeviation))")
        print(row("modes covered", "\(coverage.coveredModes) / \(coverage.modeCount)"))
        print(row("high-quality samples", String(format: "%.2f%%", 100 * coverage.highQualityShare)))
        print(row("reverse KL (modes)", coverage.reverseKL.map { String(format: "%.4f", $0) } ?? "n/a (no high-quality sample)"))
        print(row("spread around modes", coverage.spread.map { String(format: "%.3f of the data's standard deviation (the data: %.3f)", $0, ModeCoverage.trueSpread) }
                  ?? "n/a (no high-quality sample)"))
        print(row("samples per mode", coverage.modeHistogram.map(String.init).joined(separator: " ")))
        try write(MixtureReport(source: source, mixture: mixtureName, modeCoverage: coverage,
                                seconds: Date().timeIntervalSince(started)), to: jsonPath)
    }

    private func evaluateImages(_ images: Tensor, requested: [Int]?, source: String, jsonPath: String, started: Date) throws {
        try ImageEvaluation.validate(images, source: samples ?? source)
        let evaluatorPath = evaluator ?? FashionMNISTEvaluator.defaultPath
        let network = try EvaluatorLoading.load(evaluatorPath, dataDirectory: directory)
        let (reference, cached) = try ReferenceSet.fashionMNISTTest(evaluator: network, evaluatorPath: evaluatorPath,
                                                                  dataDirectory: directory)
        let referenceLabels = requested == nil ? nil : try FashionMNIST(split: .test, directory: directory).images.labels
        let result = ImageEvaluation(images: images, labels: requested, evaluator: network, reference: reference,
                                     referenceLabels: referenceLabels, seed: seed)
        print("samples: \(source)")
        print("reference: \(reference.name)\(cached ? " (cached statistics)" : "")")
        print("evaluator: \(evaluatorPath)" + (network.testAccuracy.map { String(format: " (test accuracy %.2f%%)", 100 * $0) } ?? ""))
        print(row("FID", String(format: abs(result.fid) < 1e-3 ? "%.2e" : "%.4f", result.fid)))
        print(row("KID", String(format: "%.6f ± %.6f (%d subsets of %d)", result.kid.mean, result.kid.standardDeviation,
                                result.kid.subsetCount, result.kid.subsetSize)))
        print(row("Inception score", String(format: "%.4f ± %.4f (real: %.4f)", result.inceptionScore.mean,
                                            result.inceptionScore.standardDeviation, result.referenceInceptionScore.mean)))
        print(row("precision / recall", String(format: "%.4f / %.4f (k = %d)", result.manifold.precision, result.manifold.recall, result.manifold.k)))
        print(row("density / coverage", String(format: "%.4f / %.4f", result.manifold.density, result.manifold.coverage)))
        print(row("class KL (samples‖real)", result.classDivergence.map { String(format: "%.4f", $0) } ?? "infinite"))
        if let consistency = result.classConsistency {
            print(row("requested class kept", String(format: "%.2f%%", 100 * consistency)))
        }
        if let intraFID = result.meanClassFID {
            print(row("intra-FID (class mean)", String(format: "%.4f", intraFID)))
        }
        print("class histogram (samples / real)" + (result.classFID == nil ? ":" : " and FID per class:"))
        for (index, name) in FashionMNIST.classNames.enumerated() {
            let classFID = result.classFID.map { $0[index].map { String(format: " %9.4f", $0) } ?? "       n/a" } ?? ""
            print("  " + name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%7d %7d", result.classHistogram[index], result.referenceClassHistogram[index]) + classFID)
        }
        print(String(format: "metrics computed in %.1f s (%.1f s in all)", result.seconds, Date().timeIntervalSince(started)))
        try write(ImageReport(source: source, metrics: result), to: jsonPath)
    }

    private func loadLabels(count: Int) throws -> [Int]? {
        guard let labels else { return nil }
        let values = try LabelFile.read(labels, count: count)
        guard values.allSatisfy({ (0..<FashionMNISTEvaluator.classCount).contains($0) }) else {
            throw MetricsError("\(labels): every label must be a Fashion-MNIST class 0...9")
        }
        return values
    }

    private func row(_ name: String, _ value: String) -> String {
        name.padding(toLength: 26, withPad: " ", startingAt: 0) + value
    }

    private func write(_ report: some Encodable, to path: String) throws {
        try writeJSONReport(report, to: path)
        print("wrote \(path)")
    }
}

/// The JSON written for image samples.
private struct ImageReport: Encodable {
    let source: String
    let metrics: ImageEvaluation
}

/// The JSON written for 2-D mixture samples.
private struct MixtureReport: Encodable {
    let source: String
    let mixture: String
    let modeCoverage: ModeCoverage
    let seconds: Double
}
