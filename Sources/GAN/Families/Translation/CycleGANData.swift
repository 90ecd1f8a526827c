import Datasets
import Foundation
import TensorCore

/// The unpaired data of `cyclegan`: two classes of an MNIST-family dataset (`--dataset
/// fashion-mnist --domains 7,9`: A the sneakers, B the ankle boots; the test domains from the
/// test split), or a folder in CycleGAN's convention (`--data DIR`: `DIR/trainA`, `DIR/trainB`,
/// and `DIR/testA`, `DIR/testB` for previews and evaluation). Training flips both images of a
/// sample horizontally at random (`--flip`, on by default for folders, off for the class
/// domains, whose garments all face one way).
public enum CycleGANData {
    /// The domains of the default built-in task: sneaker (7) and ankle boot (9).
    public static let defaultDomains = "7,9"

    /// The classes `--domains` names for a labelled dataset, or nil for a folder.
    public static func classDomains(_ configuration: TrainingConfiguration) throws -> (a: Int, b: Int)? {
        guard let family = MNISTFamily(rawValue: configuration.dataset.lowercased()) else {
            if let domains = configuration.options["domains"] {
                throw TrainingError.invalidConfiguration("--domains \(domains) picks two classes of a labelled dataset such as fashion-mnist; \(configuration.dataset) is read as a folder with trainA/ and trainB/")
            }
            return nil
        }
        let text = configuration.options["domains"] ?? defaultDomains
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        let classes = family == .emnist ? 47 : 10
        guard parts.count == 2, let a = parts[0], let b = parts[1], (0..<classes).contains(a), (0..<classes).contains(b), a != b else {
            throw TrainingError.invalidConfiguration("--domains must be two different classes of \(family.rawValue) (0 to \(classes - 1)) separated by a comma, such as 7,9 (sneaker and ankle boot), not \(text)")
        }
        return (a, b)
    }

    /// The domains A and B of `split`. For a folder, the test split falls back to the training
    /// images when `testA`/`testB` are missing (`usedTraining` says so).
    public static func domains(_ configuration: TrainingConfiguration, split: DatasetSplit) throws -> (a: ImageDomain, b: ImageDomain, usedTraining: Bool) {
        if let (a, b) = try classDomains(configuration) {
            let family = MNISTFamily(rawValue: configuration.dataset.lowercased())!
            let data = try family.load(split: split, directory: configuration.dataDirectory)
            let domainA = ImageDomain(data, label: a, source: "\(family.rawValue) class \(a)")
            let domainB = ImageDomain(data, label: b, source: "\(family.rawValue) class \(b)")
            return (domainA, domainB, false)
        }
        let folder = configuration.dataset
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw TrainingError.invalidConfiguration("\(folder): not a dataset name (fashion-mnist, mnist, ...) nor a folder; CycleGAN takes --dataset fashion-mnist --domains A,B or --data DIR with DIR/trainA and DIR/trainB")
        }
        func exists(_ name: String) -> Bool {
            var flag: ObjCBool = false
            return FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(name), isDirectory: &flag) && flag.boolValue
        }
        var prefix = split == .train ? "train" : "test"
        var usedTraining = false
        if split == .test && !(exists("testA") && exists("testB")) {
            prefix = "train"
            usedTraining = true
        }
        for side in ["A", "B"] where !exists(prefix + side) {
            throw TrainingError.invalidConfiguration("\(folder): has no \(prefix)\(side)/ folder (CycleGAN layout: DIR/trainA, DIR/trainB, DIR/testA, DIR/testB)")
        }
        let a = try ImageDomain(folder: (folder as NSString).appendingPathComponent(prefix + "A"))
        let b = try ImageDomain(folder: (folder as NSString).appendingPathComponent(prefix + "B"))
        return (a, b, usedTraining)
    }

    /// Whether training flips samples (`--flip true|false`).
    static func flips(_ configuration: TrainingConfiguration) throws -> Bool {
        guard let text = configuration.options["flip"] else { return try classDomains(configuration) == nil }
        guard let value = Bool(text) else { throw TrainingError.invalidConfiguration("--flip must be true or false, not \(text)") }
        return value
    }

    /// The training set of a cyclegan run: `[A; B]` samples (`UnpairedDomains`).
    @Sendable
    public static func openTraining(_ configuration: TrainingConfiguration) throws -> TrainingSet {
        if let size = configuration.imageSize {
            throw TrainingError.invalidConfiguration("--image-size \(size): cyclegan trains at the images' own size (resize the trainA/trainB images first)")
        }
        let (a, b, _) = try domains(configuration, split: .train)
        let data = try UnpairedDomains(a: a, b: b, seed: configuration.seed &+ 11)
        guard data.sampleShape[1] % 4 == 0, data.sampleShape[2] % 4 == 0 else {
            throw TrainingError.invalidConfiguration("\(configuration.dataset): the images are \(data.sampleShape[2])x\(data.sampleShape[1]); the ResNet generator needs sides that are multiples of 4 (resize them first)")
        }
        return TrainingSet(dataset: data, transform: try flips(configuration) ? RandomHorizontalFlip() : nil)
    }

    /// The test domains of `configuration` as `[N, C, H, W]` tensors, gray repeated to the run's
    /// channels (the first `limit` of each, all when nil).
    public static func testImages(_ configuration: TrainingConfiguration, channels: Int, limit: Int? = nil) throws -> (a: Tensor, b: Tensor, usedTraining: Bool) {
        let (a, b, usedTraining) = try domains(configuration, split: .test)
        return (a.withChannels(channels).images(limit: limit), b.withChannels(channels).images(limit: limit), usedTraining)
    }
}
