import Datasets
import Foundation
import TensorCore

/// A dataset of any concrete type behind one type, so a run can pick it by name.
public struct AnyDataset: Dataset {
    public let base: any Dataset
    public init(_ base: any Dataset) { self.base = base }
    public var count: Int { base.count }
    public var sampleShape: [Int] { base.sampleShape }
    public var classCount: Int? { base.classCount }
    public func label(at index: Int) -> Int { base.label(at: index) }
    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        base.copySample(at: index, into: destination)
    }
}

/// The training data of a run: a dataset and the transform its loader applies to each sample.
public struct TrainingSet: Sendable {
    public let dataset: AnyDataset
    public let transform: (any ImageTransform)?

    public init(dataset: any Dataset, transform: (any ImageTransform)? = nil) {
        self.dataset = AnyDataset(dataset)
        self.transform = transform
    }

    /// The shape of one sample after the transform.
    public var sampleShape: [Int] { transform?.outputShape(for: dataset.sampleShape) ?? dataset.sampleShape }
}

/// Opens the training data a configuration names.
public enum TrainingData {
    /// The training split of `configuration.dataset` (see `DatasetCatalog` for the names),
    /// resized to `--image-size` when one is set.
    @Sendable
    public static func open(_ configuration: TrainingConfiguration) throws -> TrainingSet {
        let dataset = try DatasetCatalog.load(configuration.dataset, directory: configuration.dataDirectory, split: .train,
                                              count: configuration.mixtureSampleCount, seed: configuration.seed &+ 7)
        guard let size = configuration.imageSize else { return TrainingSet(dataset: dataset) }
        guard dataset.sampleShape.count == 3 else {
            throw TrainingError.invalidConfiguration("--image-size applies to images; \(configuration.dataset) holds samples of shape \(dataset.sampleShape)")
        }
        if dataset.sampleShape[1] == size && dataset.sampleShape[2] == size { return TrainingSet(dataset: dataset) }
        return TrainingSet(dataset: dataset, transform: Resize(height: size, width: size, method: .bilinear))
    }
}
