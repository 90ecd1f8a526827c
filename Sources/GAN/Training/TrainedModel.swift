import Foundation
import NN
import TensorCore

/// The family of a finished (or checkpointed) run with the weights of its last checkpoint,
/// ready for sampling and evaluation.
public struct TrainedModel {
    public let configuration: TrainingConfiguration
    public let run: RunDirectory
    public let model: any GANFamily

    /// Loads a run folder: its configuration, then every network from
    /// `checkpoints/NAME.safetensors` (checked name by name and shape by shape).
    public init(run: RunDirectory) throws {
        guard run.exists else {
            throw TrainingError.invalidConfiguration("\(run.path) is not a GANKit run folder (no config.json); train one with gankit train")
        }
        configuration = try run.loadConfiguration()
        self.run = run
        model = try FamilyCatalog.descriptor(configuration.family).make(configuration)
        for (name, network) in model.networks {
            let path = run.networkCheckpointPath(name)
            guard FileManager.default.fileExists(atPath: path) else { throw TrainingError.noCheckpoint(run.path) }
            try network.loadCheckpoint(from: path)
            network.eval()
        }
    }

    /// The model as a sampler from noise, or an error saying which command the family uses.
    public func noiseSampler() throws -> any NoiseSampling {
        guard let sampler = model as? any NoiseSampling else {
            throw TrainingError.invalidConfiguration("\(run.path) holds a \(configuration.family) model, which does not draw samples from noise")
        }
        return sampler
    }

    /// Samples for the noise `latent` ([N, latentSize]) and labels (conditional models only),
    /// with the moving average of G when the run kept one and `useAverage` is on.
    public func samples(latent: Tensor, labels: [Int]? = nil, useAverage: Bool = true) throws -> Tensor {
        let sampler = try noiseSampler()
        guard latent.rank == 2, latent.shape[0] > 0, latent.shape[1] == sampler.latentSize else {
            throw TrainingError.invalidConfiguration("the latent array has shape \(latent.shape); this generator needs [N, \(sampler.latentSize)]")
        }
        try checkLabels(labels, count: latent.shape[0], sampler: sampler)
        return sampler.samples(latent: latent, labels: labels, useAverage: useAverage)
    }

    /// `count` samples from standard normal noise drawn with `seed`.
    public func samples(count: Int, seed: UInt64, labels: [Int]? = nil, useAverage: Bool = true) throws -> Tensor {
        let sampler = try noiseSampler()
        var rng = RandomGenerator(seed: seed)
        return try samples(latent: Tensor.randn([count, sampler.latentSize], generator: &rng), labels: labels, useAverage: useAverage)
    }

    /// Labels must be given exactly for conditional models, one per sample, in range.
    func checkLabels(_ labels: [Int]?, count: Int, sampler: any NoiseSampling) throws {
        switch (labels, sampler.classCount) {
        case (nil, nil): return
        case (.some, nil):
            throw TrainingError.invalidConfiguration("\(run.path) holds an unconditional \(configuration.family) model; it takes no labels (--labels, --class)")
        case (nil, let classes?):
            throw TrainingError.invalidConfiguration("\(run.path) holds a conditional \(configuration.family) model of \(classes) classes; give --labels y.npy or --class K")
        case let (labels?, classes?):
            guard labels.count == count else {
                throw TrainingError.invalidConfiguration("\(labels.count) labels for \(count) samples; give one label per sample")
            }
            if let bad = labels.first(where: { !(0..<classes).contains($0) }) {
                throw TrainingError.invalidConfiguration("label \(bad) is out of range: this model has classes 0 to \(classes - 1)")
            }
        }
    }
}
