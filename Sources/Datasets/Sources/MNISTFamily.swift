import Foundation

/// Which part of a dataset to read.
public enum DatasetSplit: String, Sendable, CaseIterable {
    case train, test
}

/// The MNIST-family datasets that share the IDX file layout and names
/// (`train-images-idx3-ubyte[.gz]`, `train-labels-idx1-ubyte[.gz]`, `t10k-...` for test).
public enum MNISTFamily: String, Sendable, CaseIterable {
    case fashionMNIST = "fashion-mnist"
    case mnist
    case kmnist
    case emnist

    /// The directory searched when none is given: the Debian package location for
    /// Fashion-MNIST, `/usr/share/datasets/<name>` for the others.
    public var defaultDirectory: String { "/usr/share/datasets/\(rawValue)" }

    /// The Debian package that installs the files, when there is one.
    public var debianPackage: String? { self == .fashionMNIST ? "dataset-fashion-mnist" : nil }

    /// The base file names (without `.gz`) of the images and labels of `split`.
    public func fileNames(for split: DatasetSplit) -> (images: String, labels: String) {
        let prefix = split == .train ? "train" : "t10k"
        return ("\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte")
    }

    /// Loads `split` from `directory` (or the default directory), accepting each file
    /// gzip-compressed (`.gz`) or raw. A missing file throws an error naming what to install
    /// or which files to put where.
    public func load(split: DatasetSplit, directory: String? = nil) throws -> ByteImageDataset {
        try load(split: split, folder: directory ?? defaultDirectory, directoryGiven: directory != nil)
    }

    func load(split: DatasetSplit, folder: String, directoryGiven: Bool) throws -> ByteImageDataset {
        let names = fileNames(for: split)
        let imagesFile = try locate(names.images, in: folder, split: split, directoryGiven: directoryGiven)
        let labelsFile = try locate(names.labels, in: folder, split: split, directoryGiven: directoryGiven)
        return try IDXDataset.load(imagesFile: imagesFile, labelsFile: labelsFile, transposed: self == .emnist)
    }

    private func locate(_ name: String, in folder: String, split: DatasetSplit, directoryGiven: Bool) throws -> String {
        for candidate in [name + ".gz", name] {
            let path = (folder as NSString).appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: path) { return path }
        }
        let names = fileNames(for: split)
        var advice = "put \(names.images).gz and \(names.labels).gz (gzip or raw) in \(folder) or give the directory that holds them"
        if let package = debianPackage, !directoryGiven {
            advice = "install it with `apt-get install \(package)`, or " + advice
        }
        throw DatasetError(file: (folder as NSString).appendingPathComponent(name + ".gz"),
                           "\(rawValue) \(split.rawValue) split not found; \(advice)")
    }
}

/// Fashion-MNIST (Zalando): 28x28 grayscale clothing images in 10 classes, 60,000 for training
/// and 10,000 for testing, read from `/usr/share/datasets/fashion-mnist` (Debian package
/// `dataset-fashion-mnist`) unless a directory is given.
public struct FashionMNIST: ByteImageBacked {
    /// The class names, in label order.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The images (`[1, 28, 28]`, bytes) and labels (0...9).
    public let images: ByteImageDataset

    /// Loads `split` from `directory`, or from the Debian package location.
    public init(split: DatasetSplit = .train, directory: String? = nil) throws {
        images = try MNISTFamily.fashionMNIST.load(split: split, directory: directory)
    }
}

/// MNIST handwritten digits (28x28 grayscale, labels 0...9) from IDX files a user supplies.
public struct MNIST: ByteImageBacked {
    /// The images (`[1, 28, 28]`, bytes) and labels.
    public let images: ByteImageDataset

    /// Loads `split` from `directory` (default `/usr/share/datasets/mnist`).
    public init(split: DatasetSplit = .train, directory: String? = nil) throws {
        images = try MNISTFamily.mnist.load(split: split, directory: directory)
    }
}

/// A dataset that is one `ByteImageDataset` under a name of its own: it serves its samples.
public protocol ByteImageBacked: Dataset {
    /// The images and labels.
    var images: ByteImageDataset { get }
}

extension ByteImageBacked {
    public var count: Int { images.count }
    public var sampleShape: [Int] { images.sampleShape }
    public func label(at index: Int) -> Int { images.label(at: index) }
    public var classCount: Int? { images.classCount }
    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        images.copySample(at: index, into: destination)
    }
}
