import ArgumentParser
import Datasets
import Foundation
import TensorCore

/// `gankit data`: look at datasets before training on them.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Inspect datasets: counts, shapes and preview images.",
        subcommands: [DataPreviewCommand.self, DataInfoCommand.self, DataSpeedCommand.self])
}

/// The options shared by the `data` subcommands.
struct DatasetOptions: ParsableArguments {
    @Option(help: "fashion-mnist, mnist, kmnist, emnist, stacked-mnist, stacked-fashion-mnist, ring8, grid25, or a directory (IDX files or PNG images).")
    var dataset: String = "fashion-mnist"

    @Option(name: .customLong("data"), help: "Directory holding the IDX files (default: the dataset's standard location).")
    var directory: String?

    @Option(help: "train or test.")
    var split: String = "train"

    @Option(help: "Seed of the sample choice and of 2-D mixture points.")
    var seed: UInt64 = 0

    func load(count: Int = 50_000) throws -> any Dataset {
        guard let split = DatasetSplit(rawValue: split) else {
            throw ValidationError("--split must be train or test, not \(split)")
        }
        return try reportingErrors { try DatasetCatalog.load(dataset, directory: directory, split: split, count: count, seed: seed) }
    }
}

/// Runs `body`; a dataset error is printed to standard error and turned into exit status 1.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as DatasetError {
        FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
        throw ExitCode.failure
    }
}

struct DataPreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Write a PNG grid of dataset images (a scatter plot for 2-D data).")

    @OptionGroup var options: DatasetOptions

    @Option(help: "Number of samples shown.")
    var count: Int = 64

    @Option(help: "The PNG file written.")
    var grid: String = "preview.png"

    @Option(help: "Also write the samples as a float32 .npy file.")
    var out: String?

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
    }

    func run() throws {
        let dataset = try options.load(count: max(count, 1))
        var generator = RandomGenerator(seed: options.seed)
        let indices = Array(generator.permutation(dataset.count).prefix(count))
        let samples = dataset.samples(at: indices)
        try reportingErrors {
            if dataset.sampleShape == [2] {
                let means = GaussianMixture.named(options.dataset)?.means ?? []
                try PNGImage(ScatterPlot.render(samples, means: means), range: 0...1).write(to: grid)
            } else {
                try ImageGrid.write(samples, to: grid)
            }
            if let out { try NumpyArray(samples).write(to: out) }
        }
        print("wrote \(grid): \(indices.count) samples of shape \(dataset.sampleShape) from \(options.dataset)")
        if let out { print("wrote \(out): float32 \(samples.shape)") }
    }
}

struct DataInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print the number of samples, the sample shape and the labels of a dataset.")

    @OptionGroup var options: DatasetOptions

    func run() throws {
        let dataset = try options.load()
        let labels = dataset.labels(at: Array(0..<dataset.count))
        var labelCounts: [Int: Int] = [:]
        for label in labels { labelCounts[label, default: 0] += 1 }
        print("dataset: \(options.dataset)")
        print("samples: \(dataset.count)")
        print("sample shape: \(dataset.sampleShape)  (batches are [N] + this, float32 in [-1, 1] for images)")
        print("classes: \(labelCounts.count)" + (labelCounts.count <= 30
            ? "  (" + labelCounts.keys.sorted().map { "\($0): \(labelCounts[$0]!)" }.joined(separator: ", ") + ")" : ""))
        if let mixture = GaussianMixture.named(options.dataset) {
            print("modes: \(mixture.means.count), standard deviation \(mixture.standardDeviation)")
        }
        if let folder = dataset as? ImageFolder, !folder.classNames.isEmpty {
            print("class names: \(folder.classNames.joined(separator: ", "))")
        }
    }
}

struct DataSpeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speed",
        abstract: "Time loading a dataset and iterating over it with the DataLoader.")

    @OptionGroup var options: DatasetOptions

    @Option(help: "Batch size.")
    var batch: Int = 64

    @Option(help: "Epochs iterated.")
    var epochs: Int = 3

    @Flag(help: "Apply a random flip and a padded random crop to every image.")
    var augment = false

    func run() throws {
        let start = Date()
        let dataset = try options.load()
        let loadSeconds = Date().timeIntervalSince(start)
        print(String(format: "loaded %d samples of shape %@ in %.3f s", dataset.count, "\(dataset.sampleShape)", loadSeconds))
        try iterate(dataset)
    }

    private func iterate<Source: Dataset>(_ dataset: Source) throws {
        var transform: (any ImageTransform)? = nil
        if augment && dataset.sampleShape.count == 3 {
            transform = TransformPipeline([RandomHorizontalFlip(),
                                           RandomCrop(height: dataset.sampleShape[1], width: dataset.sampleShape[2], padding: 2)])
        }
        let loader = DataLoader(dataset: dataset, batchSize: batch, dropLast: true, seed: options.seed, transform: transform)
        for epoch in 0..<epochs {
            let start = Date()
            var batches = 0, checksum: Float = 0
            for batch in loader.batches(epoch: epoch) {
                batches += 1
                checksum += batch.samples.scalars[0]
            }
            let seconds = Date().timeIntervalSince(start)
            print(String(format: "epoch %d: %d batches of %d in %.3f s = %.0f batches/s (%.1f µs a batch)",
                         epoch, batches, batch, seconds, Double(batches) / seconds, seconds / Double(batches) * 1e6))
            _ = checksum
        }
    }
}
