import Datasets
import Foundation
import NN
import TensorCore

/// Training throughput of any family, measured as the PyTorch peers in `bench/` measure
/// PyTorch: images per second through whole training steps (one D step and one G step per
/// batch for the adversarial families), after warm-up steps that are not timed. No run folder
/// is written.
public enum TrainingBenchmark {
    public struct Result: Sendable {
        public var family: String
        public var batchSize: Int
        public var timedSteps: Int
        public var seconds: Double
        public var imagesPerSecond: Double { Double(batchSize * timedSteps) / seconds }
        /// For a `PartwiseTimed` family, each part's images per second on its own.
        public var parts: [(name: String, imagesPerSecond: Double)] = []
    }

    /// Trains the family of `configuration` for `warmup + steps` steps and times the last `steps`;
    /// then, for a `PartwiseTimed` family, times each part for `steps` more on the last batch.
    public static func run(_ configuration: TrainingConfiguration, steps: Int = 50, warmup: Int = 5) throws -> Result {
        let family = try FamilyCatalog.descriptor(configuration.family)
        try configuration.validate(minimumBatchSize: family.minimumBatchSize)
        try configuration.selectPrecision()
        let data = try family.openData(configuration)
        var recorded = configuration
        recorded.sampleShape = data.sampleShape
        recorded.classCount = data.dataset.classCount
        let model = try family.make(recorded)
        let loader = DataLoader(dataset: data.dataset, batchSize: configuration.batchSize, shuffle: true, dropLast: true,
                                seed: configuration.seed, transform: data.transform)
        guard loader.batchesPerEpoch > 0 else {
            throw TrainingError.invalidConfiguration("\(configuration.dataset) has fewer samples than one batch of \(configuration.batchSize)")
        }
        var noise = RandomGenerator(seed: configuration.seed &+ 1)
        var done = 0, start = DispatchTime.now().uptimeNanoseconds
        var epoch = 0
        var lastBatch: Batch?
        while done < warmup + steps {
            for batch in loader.batches(epoch: epoch) {
                lastBatch = batch
                let context = StepContext(step: done + 1, totalSteps: warmup + steps, stepsPerEpoch: loader.batchesPerEpoch)
                _ = model.trainingStep(on: batch, context: context, randomness: &noise)
                done += 1
                if done == warmup { start = DispatchTime.now().uptimeNanoseconds }
                if done == warmup + steps { break }
            }
            epoch += 1
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var result = Result(family: configuration.family, batchSize: configuration.batchSize, timedSteps: steps, seconds: seconds)
        if let partwise = model as? PartwiseTimed, let batch = lastBatch {
            result.parts = partwise.timeParts(on: batch, steps: steps, randomness: &noise).map {
                ($0.name, Double(configuration.batchSize * steps) / $0.seconds)
            }
        }
        return result
    }
}
