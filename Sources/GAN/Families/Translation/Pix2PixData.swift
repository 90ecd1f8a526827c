import Datasets
import Foundation
import TensorCore

/// The paired data of `pix2pix`: `--dataset edges2fashion` (built in, from Fashion-MNIST),
/// `--dataset colorization --data PHOTOS` (built in, gray -> colour photos: `ColorizationPairs`), or a
/// folder in pix2pix's A|B convention (`--data DIR` or `--dataset DIR`). A sample is A and B
/// stacked on the channel axis. Training applies pix2pix's preprocessing to both halves at once:
/// resize to `--load-size`, random crop of `--crop-size`, random horizontal flip (both sizes
/// default to the images' own size). Test data is resized to `--load-size` and centre-cropped to
/// `--crop-size`, with no flip.
public enum Pix2PixData {
    /// The name of the built-in edge-map -> garment task.
    public static let edgesToFashion = "edges2fashion"
    /// The name of the built-in gray -> colour photo task.
    public static let colorization = ColorizationPairs.name

    /// The split (`.train` or `.test`) of the configuration's paired data, untransformed.
    public static func dataset(_ configuration: TrainingConfiguration, split: DatasetSplit) throws -> any Dataset {
        if configuration.dataset == edgesToFashion {
            return try EdgesToFashion(split: split, directory: configuration.dataDirectory)
        }
        if configuration.dataset == colorization {
            let crop = configuration.option("crop-size", default: ColorizationPairs.defaultCropSize)
            return try ColorizationPairs.open(configuration, split: split, loadSize: configuration.option("load-size", default: 2 * crop))
        }
        return try PairedImageFolder(directory: configuration.dataDirectory ?? configuration.dataset,
                                     split: split == .train ? "train" : "test")
    }

    /// `--load-size` and `--crop-size` for images of side `side` (defaults: the side itself).
    static func sizes(_ configuration: TrainingConfiguration, side: Int) throws -> (load: Int, crop: Int) {
        for name in ["load-size", "crop-size"] {
            if let value = configuration.options[name], Int(value) == nil {
                throw TrainingError.invalidConfiguration("--\(name) must be a whole number, not \(value)")
            }
        }
        let load = configuration.option("load-size", default: side)
        let crop = configuration.option("crop-size", default: configuration.dataset == colorization ? min(ColorizationPairs.defaultCropSize, load) : load)
        guard crop <= load else {
            throw TrainingError.invalidConfiguration("--crop-size \(crop) must not exceed --load-size \(load)")
        }
        guard UNetGenerator.supportedSizes.contains(crop) else {
            throw TrainingError.invalidConfiguration("pix2pix trains at 32, 64, 128 or 256 pixels; the images are \(side) wide, so give --crop-size (and --load-size) one of these, not \(crop)")
        }
        return (load, crop)
    }

    /// The transform of a split: resize, crop (random for training) and flip (training only).
    static func transform(_ configuration: TrainingConfiguration, sampleShape: [Int], training: Bool) throws -> (any ImageTransform)? {
        guard sampleShape[1] == sampleShape[2] else {
            throw TrainingError.invalidConfiguration("\(configuration.dataset): the halves are \(sampleShape[2])x\(sampleShape[1]); pix2pix takes square halves (resize the pairs first)")
        }
        let (load, crop) = try sizes(configuration, side: sampleShape[1])
        var steps: [any ImageTransform] = []
        if load != sampleShape[1] { steps.append(Resize(height: load, width: load, method: .bilinear)) }
        if crop != load { steps.append(training ? RandomCrop(height: crop, width: crop) : CenterCrop(height: crop, width: crop)) }
        if training { steps.append(RandomHorizontalFlip()) }
        return steps.isEmpty ? nil : TransformPipeline(steps)
    }

    /// The training set of a pix2pix run.
    @Sendable
    public static func openTraining(_ configuration: TrainingConfiguration) throws -> TrainingSet {
        let data = try dataset(configuration, split: .train)
        return TrainingSet(dataset: data, transform: try transform(configuration, sampleShape: data.sampleShape, training: true))
    }

    /// The test split as `[N, 2C, crop, crop]` pairs (the first `limit`, all when nil) with
    /// their labels (class labels for edges2fashion, zeros otherwise).
    public static func testPairs(_ configuration: TrainingConfiguration, limit: Int? = nil) throws -> (pairs: Tensor, labels: [Int]) {
        let data = try dataset(configuration, split: .test)
        let count = min(limit ?? data.count, data.count)
        let loader = DataLoader(dataset: AnyDataset(data), batchSize: max(count, 1), shuffle: false, prefetchCount: 0,
                                transform: try transform(configuration, sampleShape: data.sampleShape, training: false))
        let batch = loader.batch(epoch: 0, index: 0)
        return (batch.samples.slice(axis: 0, 0..<count), Array(batch.labels[0..<count]))
    }
}
