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
    @Option(help: "Number of samples (ignored with --latent).") var count = 64
    @Option(help: "A float32 .npy of shape [N, latentSize] to use as the noise.") var latent: String?
    @Option(help: "A .npy of class labels (conditional models only).") var labels: String?
    @Option(help: "Seed of the noise.") var seed: UInt64 = 0
    @Option(help: "Where to write the samples as .npy.") var out: String?
    @Option(help: "Where to write a PNG grid (images) or scatter plot (2-D points).") var grid: String?
    @Flag(help: "Use the trained generator's own weights, not their moving average (runs trained with --ema).")
    var noEma = false

    func run() throws {
        guard out != nil || grid != nil else { throw ValidationError("give --out samples.npy, --grid grid.png, or both") }
        guard count >= 1 else { throw ValidationError("--count must be at least 1, not \(count)") }
        let generator = try TrainedGenerator(run: RunDirectory(runFolder), useAverage: !noEma)
        if labels != nil {
            throw ValidationError("\(runFolder) holds an unconditional \(generator.configuration.architecture.rawValue) model; it takes no --labels")
        }
        let samples: Tensor
        if let latent {
            let array = try NumpyArray(contentsOf: latent)
            guard array.elementType == .float32 else {
                throw ValidationError("\(latent): the latent array must be float32, not \(array.elementType)")
            }
            do {
                samples = try generator.samples(latent: Tensor(array.floatValues(), shape: array.shape))
            } catch {
                throw ValidationError("\(latent): \(error)")
            }
        } else {
            samples = try generator.samples(count: count, seed: seed)
        }
        if let out {
            try NumpyArray(samples).write(to: out)
            print("wrote \(samples.shape) samples to \(out)")
        }
        if let grid {
            try SamplePictures.png(samples, means: GaussianMixture.named(generator.configuration.dataset)?.means ?? []).write(to: grid)
            print("wrote \(grid)")
        }
    }
}
