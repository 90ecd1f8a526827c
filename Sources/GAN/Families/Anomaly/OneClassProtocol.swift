import Foundation

/// The one-class benchmark (Ruff et al.; Golan and El-Yaniv): for each class K, train on the
/// training images of class K alone, score the whole test split, and report the AUROC of K
/// (normal) against every other class (anomalous); the summary is the mean over classes.
public enum OneClassProtocol {
    /// One class's result.
    public struct ClassResult: Codable, Sendable {
        public let normalClass: Int
        public let evaluation: AnomalyEvaluation
        /// Wall-clock seconds of training.
        public let trainingSeconds: Double
        public let steps: Int
    }

    /// GeoTrans (Golan and El-Yaniv 2018) per-class AUROC on Fashion-MNIST, in percent.
    public static let geoTransFashionMNIST: [Double] = [99.4, 97.6, 91.1, 89.9, 92.1, 93.4, 83.3, 98.9, 90.8, 99.2]
    /// Published Fashion-MNIST means (percent).
    public static let publishedMeans: [(name: String, auroc: Double)] = [("Deep SAD", 89.2), ("GeoTrans", 93.5)]

    /// Trains `template` (its `--normal-class` replaced) for each class in `classes` into
    /// `root/class-K` and evaluates it; `progress` hears each finished class. An existing
    /// finished run of a class is evaluated again, not retrained.
    public static func run(template: TrainingConfiguration, classes: [Int], root: String,
                           progress: (ClassResult) -> Void = { _ in }) throws -> [ClassResult] {
        var results: [ClassResult] = []
        for normalClass in classes {
            var configuration = template
            configuration.options["normal-class"] = String(normalClass)
            let run = RunDirectory("\(root)/class-\(normalClass)")
            let resume = FileManager.default.fileExists(atPath: run.trainingCheckpointPath)
            let start = Date()
            let trainer = try Trainer(configuration: configuration, run: run, resume: resume)
            try trainer.train()
            let seconds = Date().timeIntervalSince(start)
            guard let detector = trainer.model as? any AnomalyDetecting else {
                throw TrainingError.invalidConfiguration("\(configuration.family) is not an anomaly detector")
            }
            let result = ClassResult(normalClass: normalClass,
                                     evaluation: try AnomalyEvaluation(detector: detector, configuration: trainer.configuration),
                                     trainingSeconds: seconds, steps: trainer.step)
            progress(result)
            results.append(result)
        }
        return results
    }
}
