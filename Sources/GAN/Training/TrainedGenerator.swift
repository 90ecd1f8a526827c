import Datasets
import Foundation
import NN
import TensorCore

/// The generator of a finished (or checkpointed) run, ready to sample.
public struct TrainedGenerator {
    public let configuration: TrainingConfiguration
    public let network: Sequential
    /// The shape of one sample.
    public let sampleShape: [Int]

    /// Whether the weights are the moving average of a run trained with `--ema`.
    public let isAverage: Bool

    /// Loads a run folder's generator, checking it against the run's architecture: the moving
    /// average (`generator_ema.safetensors`) when the run kept one and `useAverage` is on,
    /// otherwise `generator.safetensors`.
    public init(run: RunDirectory, useAverage: Bool = true) throws {
        guard run.exists else {
            throw TrainingError.invalidConfiguration("\(run.path) is not a GANKit run folder (no config.json); train one with gankit train")
        }
        configuration = try run.loadConfiguration()
        sampleShape = TrainingData.sampleShape(of: configuration.dataset)
        var rng = RandomGenerator(seed: 0)
        network = configuration.architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: sampleShape, generator: &rng)
        isAverage = useAverage && configuration.emaDecay != nil
        let path = isAverage ? run.averageGeneratorCheckpointPath : run.generatorCheckpointPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainingError.noCheckpoint(run.path)
        }
        try network.loadCheckpoint(from: path)
        network.eval()
    }

    /// Samples for the noise `latent` ([N, latentSize]), in evaluation mode.
    public func samples(latent: Tensor) throws -> Tensor {
        guard latent.rank == 2, latent.shape[0] > 0, latent.shape[1] == configuration.latentSize else {
            throw TrainingError.invalidConfiguration(
                "the latent array has shape \(latent.shape); this generator needs [N, \(configuration.latentSize)]")
        }
        return UnconditionalGAN.generate(network, from: latent)
    }

    /// `count` samples from standard normal noise drawn with `seed`.
    public func samples(count: Int, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return try samples(latent: Tensor.randn([count, configuration.latentSize], generator: &rng))
    }
}
