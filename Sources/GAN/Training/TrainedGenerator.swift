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

    /// Loads `checkpoints/generator.safetensors` of a run folder, checking it against the
    /// run's architecture.
    public init(run: RunDirectory) throws {
        guard run.exists else {
            throw TrainingError.invalidConfiguration("\(run.path) is not a GANKit run folder (no config.json); train one with gankit train")
        }
        configuration = try run.loadConfiguration()
        sampleShape = TrainingData.sampleShape(of: configuration.dataset)
        var rng = RandomGenerator(seed: 0)
        network = configuration.architecture.makeGenerator(latentSize: configuration.latentSize, sampleShape: sampleShape, generator: &rng)
        guard FileManager.default.fileExists(atPath: run.generatorCheckpointPath) else {
            throw TrainingError.noCheckpoint(run.path)
        }
        try network.loadCheckpoint(from: run.generatorCheckpointPath)
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
