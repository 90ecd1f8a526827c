import Datasets
import Foundation
import NN
import TensorCore

/// The classifier of the augmentation experiments: small on purpose, and not the evaluator
/// (whose features the image metrics use), so that the experiment does not grade samples with
/// the network it trains. As PyTorch `nn.Sequential`: 0 Conv2d(C,32,k3,p1) · 1 ReLU ·
/// 2 MaxPool2d(2) · 3 Conv2d(32,64,k3,p1) · 4 ReLU · 5 MaxPool2d(2) · 6 Flatten ·
/// 7 Dropout(0.3) · 8 Linear(64·H/4·W/4, classes).
public struct SmallClassifier {
    /// Training settings: Adam with a cosine-decayed learning rate over a fixed number of steps
    /// (the same for every training set, so the comparison is at equal compute).
    public struct Settings: Sendable {
        public var steps = 1500
        public var batchSize = 64
        public var learningRate: Float = 1e-3
        public init() {}
    }

    public let network: Sequential

    public init(sampleShape: [Int], classCount: Int, seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        network = Sequential {
            Conv2d(sampleShape[0], 32, kernelSize: 3, padding: 1, generator: &rng)
            ReLU()
            MaxPool2d(2)
            Conv2d(32, 64, kernelSize: 3, padding: 1, generator: &rng)
            ReLU()
            MaxPool2d(2)
            Flatten()
            Dropout(0.3, seed: seed &+ 1)
            Linear(64 * (sampleShape[1] / 4) * (sampleShape[2] / 4), classCount, generator: &rng)
        }
    }

    /// Trains on `dataset` (with `transform` applied to each sample, if any), batches drawn
    /// with `seed`.
    public func train(on dataset: some Dataset, transform: (any ImageTransform)? = nil, settings: Settings, seed: UInt64) throws {
        let loader = DataLoader(dataset: dataset, batchSize: min(settings.batchSize, dataset.count), shuffle: true,
                                dropLast: true, seed: seed, transform: transform)
        let optimizer = Adam(learningRate: settings.learningRate)
        let schedule = LearningRateSchedule.cosine(period: settings.steps, minimum: 0)
        network.train()
        var step = 0, epoch = 0
        while step < settings.steps {
            for batch in loader.batches(epoch: epoch) {
                optimizer.learningRate = schedule.learningRate(at: step, base: settings.learningRate)
                let (loss, gradients) = valueAndGrad(model: network) { network in crossEntropy(network(batch.images), labels: batch.labels) }
                guard loss.scalar.isFinite else {
                    throw TrainingError.nonFiniteLoss(step: step + 1, detail: "classifier loss \(loss.scalar)")
                }
                optimizer.update(network, gradients: gradients)
                step += 1
                if step == settings.steps { break }
            }
            epoch += 1
        }
        network.eval()
    }

    /// The share of `dataset`'s samples whose most probable class is their label.
    public func accuracy(on dataset: some Dataset) -> Double {
        network.eval()
        var correct = 0, start = 0
        while start < dataset.count {
            let indices = Array(start..<min(dataset.count, start + 1000))
            let predicted = network(dataset.samples(at: indices)).argmax(axis: 1)
            correct += zip(predicted, dataset.labels(at: indices)).filter { $0 == $1 }.count
            start += 1000
        }
        return Double(correct) / Double(max(dataset.count, 1))
    }
}
