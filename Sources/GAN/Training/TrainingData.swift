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
    /// The shape of one sample of a named dataset: 2-D points for the mixtures, 28x28 gray
    /// images otherwise (what the reference architectures take).
    public static func sampleShape(of dataset: String) -> [Int] {
        GaussianMixture.named(dataset) != nil ? [2] : [1, 28, 28]
    }

    /// The training split of `configuration.dataset` (see `DatasetCatalog` for the names).
    public static func open(_ configuration: TrainingConfiguration) throws -> AnyDataset {
        AnyDataset(try DatasetCatalog.load(configuration.dataset, directory: configuration.dataDirectory, split: .train,
                                           count: configuration.mixtureSampleCount, seed: configuration.seed &+ 7))
    }
}
