import ArgumentParser
import Foundation
import GAN
import TensorCore

/// `gankit bench`: throughput and memory measurements, printed as a table.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure speed and memory.",
        subcommands: [Ops.self, Train.self, Memory.self])

    struct Ops: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GFLOP/s of matmul (against a direct cblas_sgemm call) and of the dcgan convolutions.")

        @Option(help: "Batch size for the convolution layers.") var batch = 64
        @Option(help: "Timed repetitions per measurement (the median is reported).") var repetitions = 10

        func run() throws {
            print("threads: \(Parallel.threadCount)")
            let (tensor, blas) = OpsBenchmark.matmul(repetitions: repetitions)
            for m in [tensor, blas] { printRow(m) }
            print(String(format: "matmul ratio Tensor / cblas_sgemm: %.3f", blas.seconds / tensor.seconds))
            for layer in OpsBenchmark.dcganLayers(batch: batch) {
                let (forward, backward) = OpsBenchmark.convolution(layer, repetitions: repetitions)
                printRow(forward)
                printRow(backward)
            }
        }

        func printRow(_ m: OpsBenchmark.Measurement) {
            print(m.name.padding(toLength: 40, withPad: " ", startingAt: 0)
                  + String(format: "%9.3f ms %8.1f GFLOP/s", m.seconds * 1e3, m.gigaflopsPerSecond))
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training images/s (one D step + one G step per batch, warm-up excluded), as shared/bench/torch_reference.py.")

        @Option(help: "dcgan or vanilla.") var model: Architecture = .dcgan
        @Option(help: "Batch size.") var batch = 64
        @Option(help: "Timed steps.") var steps = 50
        @Option(help: "Untimed warm-up steps.") var warmup = 5
        @Option(help: "Folder of the Fashion-MNIST files, when not the default location.") var data: String?

        func run() throws {
            let result = try TrainingBenchmark.run(model, batchSize: batch, steps: steps, warmup: warmup, dataDirectory: data)
            print(String(format: "{\"arch\": \"%@\", \"batch\": %d, \"steps\": %d, \"images_per_s\": %.1f, \"seconds\": %.3f}",
                         model.rawValue, batch, steps, result.imagesPerSecond, result.seconds))
        }
    }

    struct Memory: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resident memory while a small network trains: it should stay flat.")

        @Option(help: "Forward+backward steps to run.") var steps = 10_000

        func run() throws {
            for (step, bytes) in OpsBenchmark.memoryDuringTraining(steps: steps) {
                print(String(format: "step %6d  resident %8.1f MiB", step, Double(bytes) / 1_048_576))
            }
        }
    }
}
