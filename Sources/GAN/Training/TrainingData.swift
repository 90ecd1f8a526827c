import Datasets
import Foundation
import TensorCore

/// A dataset of any concrete type behind one type, so a run can pick it by name.
public struct AnyDataset: Dataset {
    public let base: any Dataset
    public init(_ base: any Dataset) { self.base = base }
    public var count: Int { base.count }
    public var sampleShape: [Int] { base.sampleShape }
    public func label(at index: Int) -> Int { base.label(at: index) }
    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        base.copySample(at: index, into: destination)
    }
}

/// Opens the training data a configuration names.
public enum TrainingData {
    /// The dataset names `--dataset` accepts besides a folder of PNG images.
    public static let names = ["fashion-mnist", "mnist", "ring8", "grid25"]

    /// The shape of one sample of a named dataset: 2-D points for the mixtures, 28x28 gray
    /// images otherwise (image folders are converted to that).
    public static func sampleShape(of dataset: String) -> [Int] {
        GaussianMixture.named(dataset) != nil ? [2] : [1, 28, 28]
    }

    /// The training split of `configuration.dataset`.
    public static func open(_ configuration: TrainingConfiguration) throws -> AnyDataset {
        switch configuration.dataset {
        case "fashion-mnist":
            return AnyDataset(try FashionMNIST(split: .train, directory: configuration.dataDirectory))
        case "mnist":
            return AnyDataset(try MNIST(split: .train, directory: configuration.dataDirectory))
        case "ring8", "grid25":
            let mixture = GaussianMixture.named(configuration.dataset)!
            return AnyDataset(GaussianMixtureDataset(mixture, count: configuration.mixtureSampleCount, seed: configuration.seed &+ 7))
        case let path:
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
                throw TrainingError.invalidConfiguration(
                    "--dataset \(path): not one of \(names.joined(separator: ", ")) and not a folder of PNG images")
            }
            return AnyDataset(try ImageFolder(directory: path, channels: 1, size: (28, 28)))
        }
    }
}
