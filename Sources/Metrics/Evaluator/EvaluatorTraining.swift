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
            accuracy = evaluator.accuracy(on: testSet)
            progress(.epochFinished(epoch: epoch + 1, testAccuracy: accuracy, seconds: Date().timeIntervalSince(epochStarted)))
        }
        if step < plannedSteps { accuracy = evaluator.accuracy(on: testSet) }
        network.eval()
        let seconds = Date().timeIntervalSince(started)
        let metadata = [
            "test_accuracy": String(format: "%.4f", accuracy),
            "epochs": String(configuration.epochs),
            "steps": String(step),
            "batch_size": String(configuration.batchSize),
            "learning_rate": String(configuration.learningRate),
            "seed": String(configuration.seed),
            "training_seconds": String(format: "%.1f", seconds),
            "dataset": "fashion-mnist (60,000 training images; accuracy on the 10,000 test images)",
        ]
        return (evaluator, EvaluatorTrainingResult(testAccuracy: accuracy, seconds: seconds, metadata: metadata))
    }

    /// The share of `dataset`'s images whose most probable class is their label.
    public func accuracy(on dataset: some Dataset) -> Double {
        guard dataset.count > 0 else { return 0 }
        let chunk = 2_000
        var correct = 0
        var start = 0
        while start < dataset.count {
            let indices = Array(start..<min(dataset.count, start + chunk))
            let predicted = outputs(for: dataset.samples(at: indices)).predictedClasses
            correct += zip(predicted, dataset.labels(at: indices)).filter { $0 == $1 }.count
            start += chunk
        }
        return Double(correct) / Double(dataset.count)
    }
}
