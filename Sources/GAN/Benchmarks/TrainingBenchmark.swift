import Datasets
import Foundation
import NN
import TensorCore

/// Training throughput of the reference models, measured as shared/bench/torch_reference.py
/// measures PyTorch: images per second through one D step and one G step per batch of
/// Fashion-MNIST, after warm-up steps that are not timed.
public enum TrainingBenchmark {
    public struct Result: Sendable {
        public var architecture: Architecture
        public var batchSize: Int
        public var timedSteps: Int
        public var seconds: Double
        public var imagesPerSecond: Double { Double(batchSize * timedSteps) / seconds }
    }

    /// Trains `architecture` for `warmup + steps` steps and times the last `steps`.
    public static func run(_ architecture: Architecture, batchSize: Int = 64, steps: Int = 50, warmup: Int = 5,
                           dataDirectory: String? = nil) throws -> Result {
        var configuration = TrainingConfiguration(architecture: architecture, dataset: "fashion-mnist")
        configuration.dataDirectory = dataDirectory
        configuration.batchSize = batchSize
        let dataset = try TrainingData.open(configuration)
        let loader = DataLoader(dataset: dataset, batchSize: batchSize, shuffle: true, dropLast: true, seed: 0)
        var weights = RandomGenerator(seed: 0)
        let G = architecture.makeGenerator(latentSize: 100, sampleShape: dataset.sampleShape, generator: &weights)
        let D = architecture.makeDiscriminator(sampleShape: dataset.sampleShape, seed: 0, generator: &weights)
        G.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        D.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        let model = UnconditionalGAN(generator: G, discriminator: D, optimizerG: Adam(learningRate: 2e-4, beta1: 0.5),
                                     optimizerD: Adam(learningRate: 2e-4, beta1: 0.5), loss: .nonSaturating, latentSize: 100)
        var noise = RandomGenerator(seed: 1)
        var done = 0, start = DispatchTime.now().uptimeNanoseconds
        var epoch = 0
        while done < warmup + steps {
            for batch in loader.batches(epoch: epoch) {
                _ = model.step(real: batch.samples, generator: &noise)
                done += 1
                if done == warmup { start = DispatchTime.now().uptimeNanoseconds }
                if done == warmup + steps { break }
            }
            epoch += 1
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(architecture: architecture, batchSize: batchSize, timedSteps: steps, seconds: seconds)
    }
}
