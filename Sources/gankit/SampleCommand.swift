import ArgumentParser
import Datasets
import Foundation
import GAN
import TensorCore

/// `gankit sample`: draws samples from a trained run's generator.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Sample a trained generator: .npy samples ([N, C, H, W] in [-1, 1], or [N, 2]) and a PNG picture.")

    @Option(name: .customLong("run"), help: "The run folder.") var runFolder: String
    @Option(help: "Number of samples (default 64, or one per label of --labels; ignored with --latent).") var count: Int?
    @Option(help: "A float32 .npy of shape [N, latentSize] to use as the noise.") var latent: String?
    @Option(help: "A .npy of class labels, one per sample (int64, int32, uint8, or float32 whole numbers; conditional models).")
    var labels: String?
    @Option(name: .customLong("class"), help: "Draw every sample of this class (conditional models).") var classIndex: Int?
    @Option(help: "Seed of the noise.") var seed: UInt64 = 0
    @Option(help: "Where to write the samples as .npy.") var out: String?
    @Option(help: "Where to write a PNG grid (images) or scatter plot (2-D points).") var grid: String?
    @Flag(help: "Use the trained generator's own weights, not their moving average (runs trained with --ema).")
    var noEma = false

    func validate() throws {
        guard out != nil || grid != nil else { throw ValidationError("give --out samples.npy, --grid grid.png, or both") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1, not \(count)") }
        if labels != nil && classIndex != nil { throw ValidationError("give --labels or --class, not both") }
    }

    func run() throws {
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        let sampler = try trained.noiseSampler()
        let requestedLabels = try labels.map { try LabelFile.read($0, count: nil) }
        let latentTensor: Tensor
        if let latent {
            let array = try NumpyArray(contentsOf: latent)
            guard array.elementType == .float32 else {
                throw ValidationError("\(latent): the latent array must be float32, not \(array.elementType)")
            }
            latentTensor = Tensor(array.floatValues(), shape: array.shape)
            guard latentTensor.rank == 2, latentTensor.shape[0] > 0, latentTensor.shape[1] == sampler.latentSize else {
                throw ValidationError("\(latent): the latent array has shape \(array.shape); this generator needs [N, \(sampler.latentSize)]")
            }
        } else {
            var rng = RandomGenerator(seed: seed)
            latentTensor = Tensor.randn([count ?? requestedLabels?.count ?? 64, sampler.latentSize], generator: &rng)
        }
        let rows = latentTensor.shape[0]
        if let labels, let requestedLabels, requestedLabels.count != rows {
            throw ValidationError("\(labels) holds \(requestedLabels.count) labels for \(rows) samples; give one label per sample")
        }
        let requested = requestedLabels ?? classIndex.map { [Int](repeating: $0, count: rows) }
        let samples: Tensor
        do {
            samples = try trained.samples(latent: latentTensor, labels: requested, useAverage: !noEma)
        } catch let error as TrainingError {
            throw ValidationError(labels.map { "\($0): \(error)" } ?? (classIndex != nil ? "--class: \(error)" : "\(error)"))
        }
        if let out {
            try NumpyArray(samples).write(to: out)
            print("wrote \(samples.shape) samples to \(out)")
        }
        if let grid {
            try SamplePictures.png(samples, means: GaussianMixture.named(trained.configuration.dataset)?.means ?? []).write(to: grid)
            print("wrote \(grid)")
        }
    }
}

/// Class labels from a `.npy` file: shape `[N]`, int64, int32 or uint8, or float32/float64
/// holding whole numbers; exactly `count` of them when a count is given.
enum LabelFile {
    static func read(_ path: String, count: Int?) throws -> [Int] {
        let array = try NumpyArray(contentsOf: path)
        guard array.shape.count == 1 else {
            throw ValidationError("\(path): labels must have shape [N], one class index per sample, not \(array.shape)")
        }
        let values: [Int]
        switch array.elementType {
        case .int64, .int32, .uint8: values = array.integerValues()
        case .float32, .float64:
            let floats = array.floatValues()
            guard floats.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e9 }) else {
                throw ValidationError("\(path): float labels must be whole numbers (class indices)")
            }
            values = floats.map { Int($0) }
        default:
            throw ValidationError("\(path): labels must be int64, int32, uint8 or whole-number floats, not \(array.elementType.rawValue)")
        }
        guard count == nil || values.count == count else {
            throw ValidationError("\(path) holds \(values.count) labels for \(count ?? 0) samples; give one label per sample")
        }
        return values
    }
}
