import Datasets
import Foundation
import TensorCore

/// Data augmentation with a conditional generator: labelled samples drawn from a trained run,
/// and their export as a dataset `--data DIR` reads back.
public enum GeneratedDataset {
    /// `perClass` samples of every class of a conditional run (class after class), noise from `seed`.
    public static func draw(from trained: TrainedModel, perClass: Int, seed: UInt64, useAverage: Bool = true) throws -> TensorDataset {
        let sampler = try trained.noiseSampler()
        guard let classCount = sampler.classCount else {
            throw TrainingError.invalidConfiguration("\(trained.run.path) holds an unconditional \(trained.configuration.family) model; augmentation needs labelled samples from a conditional one (gankit train cgan)")
        }
        guard perClass >= 1 else { throw TrainingError.invalidConfiguration("--per-class must be at least 1, not \(perClass)") }
        let labels = (0..<classCount).flatMap { [Int](repeating: $0, count: perClass) }
        let samples = try trained.samples(count: labels.count, seed: seed, labels: labels, useAverage: useAverage)
        return TensorDataset(samples: samples, labels: labels, classCount: classCount)
    }

    /// Writes `dataset`'s images as PNG files in one subfolder per class, named by the class
    /// index zero-padded so that sorted names give the class order (`0` ... `9`, or `000` ...
    /// `999`), as `ImageFolder` and torchvision's `ImageFolder` read them. The folder must not
    /// exist yet or be empty; files are written to a temporary folder first, then renamed.
    public static func writeImageFolder(_ dataset: TensorDataset, to directory: String) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: directory) {
            guard (try? manager.contentsOfDirectory(atPath: directory))?.isEmpty ?? false else {
                throw DatasetError(file: directory, "already exists and is not empty; choose another --out")
            }
            try manager.removeItem(atPath: directory)
        }
        guard dataset.sampleShape.count == 3, [1, 3].contains(dataset.sampleShape[0]) else {
            throw DatasetError(file: directory, "only gray or RGB images can be written as PNG, not samples of shape \(dataset.sampleShape)")
        }
        let staging = directory + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? manager.removeItem(atPath: staging)
        let classCount = dataset.classCount ?? 1
        let width = String(max(classCount - 1, 0)).count
        var written = [Int](repeating: 0, count: classCount)
        do {
            for label in 0..<classCount {
                try manager.createDirectory(atPath: "\(staging)/\(padded(label, width))", withIntermediateDirectories: true)
            }
            for index in 0..<dataset.count {
                let label = dataset.label(at: index)
                let image = ImageBuffer(dataset.sample(at: index))
                try PNGImage(image).write(to: "\(staging)/\(padded(label, width))/\(padded(written[label], 5)).png")
                written[label] += 1
            }
            try manager.moveItem(atPath: staging, toPath: directory)
        } catch {
            try? manager.removeItem(atPath: staging)
            throw error
        }
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
