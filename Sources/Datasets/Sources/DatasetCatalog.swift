import Foundation

/// Resolves the dataset names of the command line (`--dataset`) to datasets.
///
/// Names: `fashion-mnist`, `mnist`, `kmnist`, `emnist` (IDX files; `directory` overrides the
/// default location), `stacked-mnist` / `stacked-fashion-mnist` (three images as channels),
/// `ring8`, `grid25` (2-D mixtures), or a path: a directory of IDX files named like MNIST's,
/// or a directory of PNG images (class subdirectories give labels).
public enum DatasetCatalog {
    /// The names accepted besides paths.
    public static let names = ["fashion-mnist", "mnist", "kmnist", "emnist", "stacked-mnist",
                               "stacked-fashion-mnist", "ring8", "grid25"]

    /// Loads the dataset called `name`.
    /// - Parameters:
    ///   - directory: where MNIST-family files are, instead of the default location.
    ///   - split: train or test (for the IDX datasets).
    ///   - count: number of points drawn from a 2-D mixture, or of stacked images.
    ///   - seed: the seed of the mixture points or of the stacked image choice.
    public static func load(_ name: String, directory: String? = nil, split: DatasetSplit = .train,
                            count: Int = 50_000, seed: UInt64 = 0) throws -> any Dataset {
        if let mixture = GaussianMixture.named(name) {
            return GaussianMixtureDataset(mixture, count: count, seed: seed)
        }
        if let family = MNISTFamily(rawValue: name.lowercased()) {
            return try family.load(split: split, directory: directory)
        }
        switch name.lowercased() {
        case "stacked-mnist":
            return StackedDataset(base: try MNISTFamily.mnist.load(split: split, directory: directory), count: count, seed: seed)
        case "stacked-fashion-mnist":
            return StackedDataset(base: try MNISTFamily.fashionMNIST.load(split: split, directory: directory), count: count, seed: seed)
        default:
            break
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: name, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(file: name, "unknown dataset: not one of \(names.joined(separator: ", ")) and not a directory")
        }
        let trainImages = MNISTFamily.mnist.fileNames(for: split).images
        if [trainImages, trainImages + ".gz"].contains(where: { FileManager.default.fileExists(atPath: (name as NSString).appendingPathComponent($0)) }) {
            return try MNISTFamily.mnist.load(split: split, directory: name)
        }
        return try ImageFolder(directory: name)
    }
}
