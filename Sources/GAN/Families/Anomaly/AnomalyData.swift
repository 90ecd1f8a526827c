import Datasets
import Foundation
import TensorCore

/// Some samples of a dataset, by index.
struct DatasetSubset: Dataset {
    let base: any Dataset
    let indices: [Int]
    var count: Int { indices.count }
    var sampleShape: [Int] { base.sampleShape }
    var classCount: Int? { base.classCount }
    func label(at index: Int) -> Int { base.label(at: indices[index]) }
    func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) { base.copySample(at: indices[index], into: destination) }
}

/// The data of the one-class protocol: the normal training images (class `--normal-class` of
/// a labelled set, or every image of an unlabelled folder), less a held-out tenth (every tenth
/// normal image) on which `gankit detect` picks its default threshold; and the labelled test
/// split, normal class against the rest.
public enum AnomalyData {
    /// Every `heldOutStride`-th normal training image is held out from training.
    public static let heldOutStride = 10

    /// The normal class of a configuration, or nil for an unlabelled folder of normal images.
    public static func normalClass(_ configuration: TrainingConfiguration) throws -> Int? {
        guard let text = configuration.options["normal-class"] else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw TrainingError.invalidConfiguration("--normal-class must be a class index (0, 1, ...), not \(text)")
        }
        return value
    }

    /// The indices of the normal images of the training split, and the dataset.
    static func normalTrainingIndices(_ configuration: TrainingConfiguration) throws -> (dataset: any Dataset, indices: [Int]) {
        let dataset = try DatasetCatalog.load(configuration.dataset, directory: configuration.dataDirectory, split: .train)
        guard dataset.sampleShape.count == 3 else {
            throw TrainingError.invalidConfiguration("anomaly detection works on images; \(configuration.dataset) holds samples of shape \(dataset.sampleShape)")
        }
        guard let normal = try normalClass(configuration) else {
            if let classes = dataset.classCount {
                throw TrainingError.invalidConfiguration(
                    "\(configuration.dataset) is labelled (\(classes) classes); say which class is normal with --normal-class K (0...\(classes - 1))")
            }
            return (dataset, Array(0..<dataset.count))
        }
        guard let classes = dataset.classCount else {
            throw TrainingError.invalidConfiguration(
                "--normal-class needs a labelled dataset; \(configuration.dataset) has no class labels (for a folder of normal images, leave --normal-class out)")
        }
        guard normal < classes else {
            throw TrainingError.invalidConfiguration("--normal-class \(normal) is out of range: \(configuration.dataset) has classes 0...\(classes - 1)")
        }
        return (dataset, (0..<dataset.count).filter { dataset.label(at: $0) == normal })
    }

    /// The training data: the normal images less the held-out ones.
    @Sendable
    public static func open(_ configuration: TrainingConfiguration) throws -> TrainingSet {
        let (dataset, indices) = try normalTrainingIndices(configuration)
        let training = indices.enumerated().filter { $0.offset % heldOutStride != heldOutStride - 1 }.map(\.element)
        return TrainingSet(dataset: DatasetSubset(base: dataset, indices: training))
    }

    /// The held-out normal images `[N, C, H, W]` (never trained on).
    public static func heldOutNormal(_ configuration: TrainingConfiguration) throws -> Tensor {
        let (dataset, indices) = try normalTrainingIndices(configuration)
        let heldOut = indices.enumerated().filter { $0.offset % heldOutStride == heldOutStride - 1 }.map(\.element)
        guard !heldOut.isEmpty else {
            throw TrainingError.invalidConfiguration("\(configuration.dataset) has too few normal images to hold any out (need \(heldOutStride))")
        }
        return dataset.samples(at: heldOut)
    }

    /// The labelled test split and whether each image is anomalous (not of the normal class).
    public static func labelledTestSet(_ configuration: TrainingConfiguration) throws -> (images: Tensor, anomalous: [Bool], normalClass: Int) {
        guard let normal = try normalClass(configuration) else {
            throw TrainingError.invalidConfiguration(
                "this run was trained on an unlabelled folder of normal images (no --normal-class); AUROC needs a labelled test split: score your own data with gankit detect")
        }
        let isIDXFolder = ["t10k-images-idx3-ubyte", "t10k-images-idx3-ubyte.gz"].contains {
            FileManager.default.fileExists(atPath: (configuration.dataset as NSString).appendingPathComponent($0))
        }
        guard DatasetCatalog.names.contains(configuration.dataset.lowercased()) || isIDXFolder else {
            throw TrainingError.invalidConfiguration(
                "\(configuration.dataset) has no separate labelled test split (a named dataset or a folder of IDX files with t10k-* files); score held-out data with gankit detect")
        }
        let dataset: any Dataset
        do {
            dataset = try DatasetCatalog.load(configuration.dataset, directory: configuration.dataDirectory, split: .test)
        } catch {
            throw TrainingError.invalidConfiguration("\(configuration.dataset) has no labelled test split to evaluate on: \(error)")
        }
        let indices = Array(0..<dataset.count)
        return (dataset.samples(at: indices), indices.map { dataset.label(at: $0) != normal }, normal)
    }
}
