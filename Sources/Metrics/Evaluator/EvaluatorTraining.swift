import Datasets
import Foundation
import NN
import TensorCore

/// How `gankit evaluator train` trains the Fashion-MNIST evaluator: Adam with a cosine-decayed
/// learning rate and cross-entropy on the 60,000 training images, seeded so that the same
/// settings give the same network.
public struct EvaluatorTrainingConfiguration: Sendable, Equatable {
    /// Passes over the training set.
    public var epochs = 10
    /// Images per step.
    public var batchSize = 128
    /// Adam's initial learning rate (decayed to zero along a cosine over the whole run).
    public var learningRate: Float = 2e-3
    /// The seed of the weights, the shuffles and dropout.
    public var seed: UInt64 = 0
    /// Where the Fashion-MNIST IDX files are (nil: the Debian package location).
    public var dataDirectory: String?
    /// Stop after this many steps in total (nil: all epochs); for tests of the save/load path.
    public var maximumSteps: Int?
    /// Images used to measure the accuracy (the first of the test set) and to normalize the
    /// features (the first of the training set); nil: 10,000 of each. Fewer only for quick checks.
    public var checkImageCount: Int?

    public init() {}
}

/// Progress reports of evaluator training.
public enum EvaluatorTrainingEvent: Sendable {
    /// One optimizer step finished: epoch (1-based), step within the run (1-based), total
    /// steps, and the batch loss.
    case step(epoch: Int, step: Int, totalSteps: Int, loss: Float)
    /// An epoch finished; `testAccuracy` is measured on the 10,000 test images.
    case epochFinished(epoch: Int, testAccuracy: Double, seconds: Double)
}

/// The outcome of training the evaluator.
public struct EvaluatorTrainingResult: Sendable {
    /// Accuracy on the 10,000 Fashion-MNIST test images, in [0, 1].
    public let testAccuracy: Double
    /// Wall-clock seconds spent training (including the per-epoch accuracy checks).
    public let seconds: Double
    /// The metadata stored with the checkpoint.
    public let metadata: [String: String]
}

extension FashionMNISTEvaluator {
    /// Trains a fresh evaluator on Fashion-MNIST and returns it with its test accuracy (the
    /// accuracy is also in `metadata`, which `save(to:metadata:)` stores).
    public static func train(_ configuration: EvaluatorTrainingConfiguration,
                             progress: (EvaluatorTrainingEvent) -> Void = { _ in }) throws
        -> (evaluator: FashionMNISTEvaluator, result: EvaluatorTrainingResult) {
        let trainingSet: FashionMNIST, testSet: FashionMNIST
        do {
            trainingSet = try FashionMNIST(split: .train, directory: configuration.dataDirectory)
            testSet = try FashionMNIST(split: .test, directory: configuration.dataDirectory)
        } catch {
            throw MetricsError("\(error)")
        }
        let evaluator = FashionMNISTEvaluator(seed: configuration.seed)
        let network = evaluator.network
        let loader = DataLoader(dataset: trainingSet, batchSize: configuration.batchSize, shuffle: true,
                                dropLast: true, seed: configuration.seed)
        let plannedSteps = configuration.epochs * loader.batchesPerEpoch
        let totalSteps = min(plannedSteps, configuration.maximumSteps ?? plannedSteps)
        let schedule = LearningRateSchedule.cosine(period: totalSteps, minimum: 0)
        let optimizer = Adam(learningRate: configuration.learningRate)
        let started = Date()
        var step = 0
        var accuracy = 0.0
        epochs: for epoch in 0..<configuration.epochs {
            let epochStarted = Date()
            network.train()
            for batch in loader.batches(epoch: epoch) {
                if step >= totalSteps { break epochs }
                optimizer.learningRate = schedule.learningRate(at: step, base: configuration.learningRate)
                let (loss, gradients) = valueAndGrad(model: network) { network in
                    crossEntropy(network(batch.images), labels: batch.labels)
                }
                let lossValue = loss.scalar
                guard lossValue.isFinite else {
                    throw MetricsError("evaluator training diverged (loss \(lossValue) at step \(step + 1)); try a smaller learning rate")
                }
                optimizer.update(network, gradients: gradients)
                step += 1
                progress(.step(epoch: epoch + 1, step: step, totalSteps: totalSteps, loss: lossValue))
            }
            accuracy = evaluator.accuracy(on: testSet, limit: configuration.checkImageCount)
            progress(.epochFinished(epoch: epoch + 1, testAccuracy: accuracy, seconds: Date().timeIntervalSince(epochStarted)))
        }
        if step < plannedSteps { accuracy = evaluator.accuracy(on: testSet, limit: configuration.checkImageCount) }
        network.eval()
        let calibrationImages = trainingSet.samples(at: Array(0..<min(trainingSet.count, configuration.checkImageCount ?? Self.calibrationImageCount)))
        let rootMeanSquare = evaluator.normalizeFeatures(on: calibrationImages)
        let seconds = Date().timeIntervalSince(started)
        let metadata = [
            "test_accuracy": String(format: "%.4f", accuracy),
            "epochs": String(configuration.epochs),
            "steps": String(step),
            "batch_size": String(configuration.batchSize),
            "learning_rate": String(configuration.learningRate),
            "seed": String(configuration.seed),
            "training_seconds": String(format: "%.1f", seconds),
            "feature_rms_before_normalization": String(format: "%.6g", rootMeanSquare),
            "test_images": String(min(testSet.count, configuration.checkImageCount ?? testSet.count)),
            "dataset": "fashion-mnist",
        ]
        return (evaluator, EvaluatorTrainingResult(testAccuracy: accuracy, seconds: seconds, metadata: metadata))
    }

    /// Number of training images whose features set the feature scale.
    public static let calibrationImageCount = 10_000

    /// Rescales the network so that the features of `images` have a root mean square of 1
    /// per dimension, without changing its predictions: the feature layer's weight and bias
    /// are divided by the current root mean square r (a leaky ReLU commutes with a positive scale)
    /// and the classifier's weight is multiplied by r. Returns r. Training ends with this on
    /// the first 10,000 training images, so distances in feature space, FID and the KID kernel
    /// (x·y/d + 1)³ work on unit-scale features, as Inception features are.
    @discardableResult
    public func normalizeFeatures(on images: Tensor) -> Double {
        let features = outputs(for: images).features
        let count = features.count
        var sum = 0.0
        let values = features.storage.base
        for index in 0..<count { sum += Double(values[index]) * Double(values[index]) }
        let rootMeanSquare = (sum / Double(max(count, 1))).squareRoot()
        guard rootMeanSquare > 0, rootMeanSquare.isFinite else { return rootMeanSquare }
        let scale = Float(1 / rootMeanSquare)
        let featureLayer = String(Self.featureLayerCount - 2), classifier = String(network.layers.count - 1)
        network.update([
            featureLayer + ".weight": network.parameter(named: featureLayer + ".weight") * scale,
            featureLayer + ".bias": network.parameter(named: featureLayer + ".bias") * scale,
            classifier + ".weight": network.parameter(named: classifier + ".weight") / scale,
        ])
        return rootMeanSquare
    }

    /// The share of `dataset`'s images (the first `limit` of them, or all) whose most
    /// probable class is their label.
    public func accuracy(on dataset: some Dataset, limit: Int? = nil) -> Double {
        let total = min(dataset.count, limit ?? dataset.count)
        guard total > 0 else { return 0 }
        let chunk = 2_000
        var correct = 0
        var start = 0
        while start < total {
            let indices = Array(start..<min(total, start + chunk))
            let predicted = outputs(for: dataset.samples(at: indices)).predictedClasses
            correct += zip(predicted, dataset.labels(at: indices)).filter { $0 == $1 }.count
            start += chunk
        }
        return Double(correct) / Double(total)
    }
}
