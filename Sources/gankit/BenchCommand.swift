import ArgumentParser
import Foundation
import GAN
import TensorCore

/// `gankit bench`: throughput and memory measurements, printed as a table.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure speed and memory.",
        subcommands: [Ops.self, Train.self, Memory.self, BenchAnomalyCommand.self])

    struct Ops: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "GFLOP/s of matmul (against a direct cblas_sgemm call), of the dcgan convolutions and of the bf16 GEMM against cblas_sgemm on one thread.")

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
            guard MatmulPrecision.isBFloat16Available else {
                print("bf16 GEMM: this CPU has no AVX-512 BF16")
                return
            }
            // Both on the calling thread, one OpenBLAS thread (as Gemm runs it).
            for shape in OpsBenchmark.trainingGemmShapes {
                guard let (bf16, sgemm) = OpsBenchmark.bf16Gemm(shape, repetitions: repetitions) else { continue }
                printRow(bf16)
                printRow(sgemm)
                print(String(format: "  bf16 / sgemm speed: %.2fx", sgemm.seconds / bf16.seconds))
            }
        }

        func printRow(_ m: OpsBenchmark.Measurement) {
            print(m.name.padding(toLength: 52, withPad: " ", startingAt: 0)
                  + String(format: "%9.3f ms %8.1f GFLOP/s", m.seconds * 1e3, m.gigaflopsPerSecond))
        }
    }

    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Training images/s (one D step + one G step per batch, warm-up excluded), as shared/bench/torch_reference.py.")

        @Option(help: "The family: \(FamilyCatalog.all.map(\.name).joined(separator: ", ")).") var model = "dcgan"
        @Option(help: "The dataset (default fashion-mnist).") var dataset = "fashion-mnist"
        @Option(help: "Folder of the dataset's files, when not the default location.") var data: String?
        @Option(name: .customLong("image-size"), help: "Resize images to this size first.") var imageSize: Int?
        @Option(help: "Batch size.") var batch = 64
        @Option(help: "Timed steps.") var steps = 50
        @Option(help: "Untimed warm-up steps.") var warmup = 5
        @Option(name: .customLong("option"), help: "A family option as NAME=VALUE (repeatable), as its train flag --NAME VALUE.")
        var options: [String] = []
        @Option(help: "Precision of the matrix products and convolutions: fp32 or bf16 (as train's --precision).")
        var precision = "fp32"

        func run() throws {
            var configuration = TrainingConfiguration(family: model, dataset: dataset)
            configuration.dataDirectory = data
            configuration.batchSize = batch
            configuration.imageSize = imageSize
            configuration.precision = try TrainingConfiguration.precision(flag: precision)
            for option in options {
                let parts = option.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--option takes NAME=VALUE, not \(option)") }
                configuration.options[parts[0]] = parts[1]
            }
            let result = try TrainingBenchmark.run(configuration, steps: steps, warmup: warmup)
            print(String(format: "{\"arch\": \"%@\", \"batch\": %d, \"steps\": %d, \"precision\": \"%@\", \"images_per_s\": %.1f, \"seconds\": %.3f}",
                         model, batch, steps, configuration.precision.rawValue, result.imagesPerSecond, result.seconds))
            for part in result.parts {
                print(String(format: "{\"arch\": \"%@\", \"part\": \"%@\", \"images_per_s\": %.1f}", model, part.name, part.imagesPerSecond))
            }
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
