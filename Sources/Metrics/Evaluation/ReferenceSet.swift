import Datasets
import Foundation
import TensorCore

/// The real images that generated samples are compared with, as the evaluator sees them:
/// features and their Float64 statistics, class probabilities, k-NN ball radii and the class
/// histogram. GANKit's protocol uses the 10,000 Fashion-MNIST test images.
///
/// Computing this takes a pass of the evaluator over the images and a 10,000 x 10,000
/// distance pass, so `ReferenceSet.fashionMNISTTest` caches it next to the evaluator, in a
/// folder named after a hash of the evaluator file (a retrained evaluator gets a new cache).
public struct ReferenceSet: Sendable {
    /// Neighbour rank of the precision/recall balls.
    public static let neighbourCount = 3

    /// What the set is, for reports.
    public let name: String
    /// Evaluator features of the real images.
    public let features: FeatureMatrix
    /// Their mean and covariance.
    public let statistics: FeatureStatistics
    /// Evaluator class probabilities of the real images.
    public let probabilities: Tensor
    /// Squared distances to each real feature's k-th nearest real neighbour (k = 3).
    public let squaredRadii: [Double]

    /// The class histogram of the evaluator's predictions on the real images.
    public var classHistogram: ClassHistogram {
        ClassHistogram(classes: probabilities.argmax(axis: 1), classCount: probabilities.shape[1])
    }

    /// Computes everything from evaluator outputs.
    public init(name: String, outputs: EvaluatorOutputs) {
        self.name = name
        features = FeatureMatrix(outputs.features)
        statistics = FeatureStatistics(features)
        probabilities = outputs.probabilities
        squaredRadii = ManifoldMetrics.realBallRadii(features, k: Self.neighbourCount)
    }

    init(name: String, features: FeatureMatrix, statistics: FeatureStatistics, probabilities: Tensor, squaredRadii: [Double]) {
        self.name = name
        self.features = features
        self.statistics = statistics
        self.probabilities = probabilities
        self.squaredRadii = squaredRadii
    }

    /// The 10,000 Fashion-MNIST test images seen by `evaluator`, read from the cache folder
    /// next to `evaluatorPath` when it is there and complete, else computed and cached.
    public static func fashionMNISTTest(evaluator: FashionMNISTEvaluator, evaluatorPath: String,
                                        dataDirectory: String? = nil) throws -> (reference: ReferenceSet, cached: Bool) {
        let name = "fashion-mnist test (10,000 images)"
        let folder = try cacheFolder(forEvaluatorAt: evaluatorPath)
        if let cached = try? read(from: folder, name: name) { return (cached, true) }
        let images: Tensor
        do {
            let test = try FashionMNIST(split: .test, directory: dataDirectory)
            images = test.samples(at: Array(0..<test.count))
        } catch {
            throw MetricsError("\(error)")
        }
        let reference = ReferenceSet(name: name, outputs: evaluator.outputs(for: images))
        try? reference.write(to: folder)  // a read-only cache only costs time
        return (reference, false)
    }

    /// `<evaluator folder>/<evaluator name>.reference-<hash of the evaluator file>`.
    static func cacheFolder(forEvaluatorAt path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MetricsError("cannot read the evaluator \(path)")
        }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a
        data.withUnsafeBytes { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01B3
            }
        }
        let base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder = (path as NSString).deletingLastPathComponent
        return (folder.isEmpty ? "." : folder) + "/\(base).reference-" + String(hash, radix: 16)
    }

    static let fileNames = (features: "features.npy", probabilities: "probabilities.npy", mean: "mean.npy",
                            covariance: "covariance.npy", radii: "squared-radii-k3.npy")

    static func read(from folder: String, name: String) throws -> ReferenceSet {
        func array(_ file: String) throws -> NumpyArray { try NumpyArray(contentsOf: folder + "/" + file) }
        let features = try array(fileNames.features), probabilities = try array(fileNames.probabilities)
        let mean = try array(fileNames.mean), covariance = try array(fileNames.covariance), radii = try array(fileNames.radii)
        guard features.shape.count == 2, probabilities.shape.count == 2, features.shape[0] == probabilities.shape[0],
              features.shape[0] > Self.neighbourCount,
              mean.shape == [features.shape[1]], covariance.shape == [features.shape[1], features.shape[1]],
              radii.shape == [features.shape[0]], mean.elementType == .float64, covariance.elementType == .float64,
              radii.elementType == .float64
        else { throw MetricsError("\(folder): incomplete reference cache") }
        let featureMatrix = FeatureMatrix(features.tensor())
        return ReferenceSet(name: name, features: featureMatrix,
                            statistics: FeatureStatistics(sampleCount: features.shape[0], mean: mean.doubleValues(),
                                                          covariance: covariance.doubleValues()),
                            probabilities: probabilities.tensor(), squaredRadii: radii.doubleValues())
    }

    /// Writes the cache folder atomically (a temporary folder renamed into place) and removes
    /// caches of earlier versions of the same evaluator.
    func write(to folder: String) throws {
        let manager = FileManager.default
        let temporary = folder + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? manager.removeItem(atPath: temporary)
        try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let featureTensor = Tensor(features.values.map { Float($0) }, shape: [features.rowCount, features.columnCount])
        try NumpyArray(featureTensor).write(to: temporary + "/" + Self.fileNames.features)
        try NumpyArray(probabilities).write(to: temporary + "/" + Self.fileNames.probabilities)
        try NumpyArray(float64: statistics.mean, shape: [statistics.dimension]).write(to: temporary + "/" + Self.fileNames.mean)
        try NumpyArray(float64: statistics.covariance, shape: [statistics.dimension, statistics.dimension])
            .write(to: temporary + "/" + Self.fileNames.covariance)
        try NumpyArray(float64: squaredRadii, shape: [squaredRadii.count]).write(to: temporary + "/" + Self.fileNames.radii)
        let parent = (folder as NSString).deletingLastPathComponent
        let prefix = ((folder as NSString).lastPathComponent.components(separatedBy: ".reference-").first ?? "") + ".reference-"
        for entry in (try? manager.contentsOfDirectory(atPath: parent)) ?? [] where entry.hasPrefix(prefix) && !entry.contains(".partial-") {
            try? manager.removeItem(atPath: parent + "/" + entry)
        }
        try manager.moveItem(atPath: temporary, toPath: folder)
    }
}

extension NumpyArray {
    /// The values of a float64 array, exactly.
    func doubleValues() -> [Double] {
        precondition(elementType == .float64, "doubleValues: the array holds \(elementType), not float64")
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
    }
}
