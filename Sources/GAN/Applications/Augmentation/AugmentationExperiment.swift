import Datasets
import Foundation
import TensorCore

/// "Does a GAN help when labelled data is scarce?" answered by measurement on Fashion-MNIST:
/// for each seed, K real labelled images per class are drawn; a `cgan` is trained on those
/// alone; then `SmallClassifier` is trained at equal steps on (1) the real images, (2) the real
/// images with classic augmentation (random flips and 2-pixel-padded random crops), (3) the
/// real images plus generated ones, (4) both, and tested on the 10,000 test images.
public enum AugmentationExperiment {
    public struct Settings: Sendable {
        /// Real labelled images per class.
        public var perClass = 100
        /// The seeds; each draws its own real subset, GAN and classifiers.
        public var seeds: [UInt64] = [0, 1, 2]
        /// Training steps of each seed's cgan (batch 64).
        public var ganSteps = 2000
        /// Generated images per class added to the real ones.
        public var generatedPerClass = 500
        public var classifier = SmallClassifier.Settings()
        /// Where the Fashion-MNIST files are, when not the default location.
        public var dataDirectory: String?
        public init() {}
    }

    /// The training sets compared, in table order.
    public static let conditions = ["real only", "real + classic", "real + GAN", "real + GAN + classic"]

    /// One condition's test accuracies, one per seed.
    public struct Row: Sendable, Codable {
        public var condition: String
        public var accuracies: [Double]
        public var mean: Double { accuracies.reduce(0, +) / Double(max(accuracies.count, 1)) }
        /// Sample standard deviation over the seeds (0 for one seed).
        public var standardDeviation: Double {
            guard accuracies.count > 1 else { return 0 }
            let m = mean
            return (accuracies.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(accuracies.count - 1)).squareRoot()
        }
    }

    /// The classic augmentation baseline.
    public static var classicAugmentation: any ImageTransform {
        TransformPipeline([RandomHorizontalFlip(), RandomCrop(height: 28, width: 28, padding: 2)])
    }

    /// Runs the experiment; runs and subsets go to `workDirectory` (a seed's cgan run is
    /// reused when it is already there and complete). `progress` gets one line per stage.
    public static func run(_ settings: Settings, workDirectory: String, progress: (String) -> Void = { _ in }) throws -> [Row] {
        let training = try FashionMNIST(split: .train, directory: settings.dataDirectory)
        let test = try FashionMNIST(split: .test, directory: settings.dataDirectory)
        var rows = conditions.map { Row(condition: $0, accuracies: []) }
        for seed in settings.seeds {
            let real = TensorDataset(training, perClass: settings.perClass, seed: seed)
            let folder = "\(workDirectory)/seed-\(seed)"
            let trained = try trainGAN(on: real, folder: folder, steps: settings.ganSteps, seed: seed, progress: progress)
            let generated = try GeneratedDataset.draw(from: trained, perClass: settings.generatedPerClass, seed: seed &+ 100)
            let sets: [(TensorDataset, (any ImageTransform)?)] = [
                (real, nil), (real, classicAugmentation), (real.appending(generated), nil), (real.appending(generated), classicAugmentation),
            ]
            for (index, (dataset, transform)) in sets.enumerated() {
                let classifier = SmallClassifier(sampleShape: [1, 28, 28], classCount: 10, seed: seed)
                try classifier.train(on: dataset, transform: transform, settings: settings.classifier, seed: seed)
                let accuracy = classifier.accuracy(on: test)
                rows[index].accuracies.append(accuracy)
                progress(String(format: "seed %d: %@: test accuracy %.2f%% (%d training images)", seed, conditions[index], 100 * accuracy, dataset.count))
            }
        }
        return rows
    }

    /// The Classification Accuracy Score (Ravuri & Vinyals 2019) of a conditional run: the
    /// test accuracy of a classifier trained on `perClass` generated images per class only,
    /// beside the same classifier trained on as many real training images (the ceiling).
    public static func classificationAccuracyScore(of trained: TrainedModel, perClass: Int = 6000, settings: SmallClassifier.Settings,
                                                   seed: UInt64, dataDirectory: String?) throws -> (generated: Double, real: Double) {
        let test = try FashionMNIST(split: .test, directory: dataDirectory)
        let training = try FashionMNIST(split: .train, directory: dataDirectory)
        let generated = try GeneratedDataset.draw(from: trained, perClass: perClass, seed: seed &+ 200)
        let onGenerated = SmallClassifier(sampleShape: [1, 28, 28], classCount: 10, seed: seed)
        try onGenerated.train(on: generated, settings: settings, seed: seed)
        let onReal = SmallClassifier(sampleShape: [1, 28, 28], classCount: 10, seed: seed)
        try onReal.train(on: TensorDataset(training, perClass: perClass, seed: seed), settings: settings, seed: seed)
        return (onGenerated.accuracy(on: test), onReal.accuracy(on: test))
    }

    /// Trains a cgan on `real`, written as an image folder beside the run; a run left there
    /// by an earlier call is resumed (and reused once complete).
    static func trainGAN(on real: TensorDataset, folder: String, steps: Int, seed: UInt64, progress: (String) -> Void) throws -> TrainedModel {
        let run = RunDirectory("\(folder)/cgan")
        let images = "\(folder)/real"
        var configuration = TrainingConfiguration(family: "cgan", dataset: images)
        configuration.steps = steps
        configuration.seed = seed
        let trainer: Trainer
        if run.exists, FileManager.default.fileExists(atPath: run.trainingCheckpointPath) {
            trainer = try Trainer(configuration: configuration, run: run, resume: true)
        } else {
            try? FileManager.default.removeItem(atPath: folder)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try GeneratedDataset.writeImageFolder(real, to: images)
            trainer = try Trainer(configuration: configuration, run: run, resume: false)
        }
        if trainer.step < trainer.totalSteps {
            progress("seed \(seed): training a cgan on \(real.count) real images, steps \(trainer.step + 1) to \(steps)")
            try trainer.train()
        }
        return try TrainedModel(run: run)
    }
}
