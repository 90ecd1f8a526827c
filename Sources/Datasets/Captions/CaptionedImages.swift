import Foundation
import TensorCore

/// Images with several captions each: what `text2image` trains on. As a `Dataset` it gives
/// the images, and as each image's label its own index, so a training step can look up the
/// image's captions (and class) from the batch.
public struct CaptionedImages: Dataset {
    /// The images (their labels are ignored).
    public let images: any Dataset
    /// The captions of each image (at least one each).
    public let captions: [[String]]
    /// The garment class of each image, when known (`fashion-captions`).
    public let classes: [Int]?

    public init(images: any Dataset, captions: [[String]], classes: [Int]?) {
        precondition(images.count == captions.count && captions.allSatisfy { !$0.isEmpty },
                     "CaptionedImages: every one of the \(images.count) images needs at least one caption")
        self.images = images
        self.captions = captions
        self.classes = classes
    }

    public var count: Int { images.count }
    public var sampleShape: [Int] { images.sampleShape }
    /// The sample's own index (see the type's documentation).
    public func label(at index: Int) -> Int { index }
    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        images.copySample(at: index, into: destination)
    }

    /// Every caption of every image.
    public var allCaptions: [String] { captions.flatMap { $0 } }
}

/// `fashion-captions`: Fashion-MNIST with captions made from each image's class and the
/// attributes measured from its pixels (`GarmentAttribute`), phrased by `CaptionGrammar`.
/// Training images get `captionsPerImage` training captions each; the test images get one
/// held-out caption each (a held-out phrasing or class-attribute combination), for evaluation.
/// Everything is a pure function of the seed.
public enum FashionCaptions {
    public static let name = "fashion-captions"
    public static let captionsPerImage = 5

    /// The clear attribute values of each image of `dataset` (28x28 grey images).
    public static func clearAttributes(of dataset: some Dataset, classes: [Int]) -> [[GarmentAttribute: GarmentAttribute.Value]] {
        var buffer = [Float](repeating: 0, count: 784)
        return (0..<dataset.count).map { index in
            buffer.withUnsafeMutableBufferPointer { dataset.copySample(at: index, into: $0.baseAddress!) }
            let measured = buffer.withUnsafeBufferPointer { GarmentAttribute.measure($0.baseAddress!) }
            var clear: [GarmentAttribute: GarmentAttribute.Value] = [:]
            for attribute in GarmentAttribute.allCases {
                clear[attribute] = attribute.clearValue(measured[attribute]!, classIndex: classes[index])
            }
            return clear
        }
    }

    /// The captioned training split.
    public static func training(directory: String? = nil, seed: UInt64) throws -> CaptionedImages {
        let images = try FashionMNIST(split: .train, directory: directory)
        let classes = (0..<images.count).map { images.label(at: $0) }
        let clear = clearAttributes(of: images, classes: classes)
        var rng = RandomGenerator(seed: seed &+ 0x4341_5054)
        let captions = (0..<images.count).map { index in
            (0..<captionsPerImage).map { _ in CaptionGrammar.trainingCaption(classIndex: classes[index], clear: clear[index], generator: &rng).text }
        }
        return CaptionedImages(images: images, captions: captions, classes: classes)
    }

    /// Held-out captions of the test images (one per test image that has a clear attribute),
    /// with the index of the test image each describes.
    public static func heldOut(directory: String? = nil, seed: UInt64) throws -> (images: FashionMNIST, captions: [(imageIndex: Int, caption: Caption)]) {
        let images = try FashionMNIST(split: .test, directory: directory)
        let classes = (0..<images.count).map { images.label(at: $0) }
        let clear = clearAttributes(of: images, classes: classes)
        var rng = RandomGenerator(seed: seed &+ 0x4845_4C44)
        let captions = (0..<images.count).compactMap { index in
            CaptionGrammar.heldOutCaption(classIndex: classes[index], clear: clear[index], generator: &rng).map { (index, $0) }
        }
        return (images, captions)
    }
}

/// A folder of the user's captioned images: every `NAME.png` (or `.jpg`) with a `NAME.txt`
/// beside it holding its captions, one a line (blank lines ignored). Images must share one size.
public enum CaptionFolder {
    public static func load(_ directory: String) throws -> CaptionedImages {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(file: directory, "not a folder of captioned images (NAME.png with NAME.txt beside it)")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let imageNames = names.filter { ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }
        guard !imageNames.isEmpty else { throw DatasetError(file: directory, "holds no PNG or JPEG images") }
        var pixels: [Float] = []
        var shape: [Int]?
        var captions: [[String]] = []
        for name in imageNames {
            let path = directory + "/" + name
            let textPath = directory + "/" + (name as NSString).deletingPathExtension + ".txt"
            guard let data = FileManager.default.contents(atPath: textPath), let text = String(data: data, encoding: .utf8) else {
                throw DatasetError(file: textPath, "missing or not UTF-8 text: every image needs its captions beside it, one a line")
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !lines.isEmpty else { throw DatasetError(file: textPath, "holds no caption") }
            let image = try ImageBuffer(contentsOf: path)
            if let shape, shape != image.shape {
                throw DatasetError(file: path, "has shape \(image.shape); the other images have \(shape)")
            }
            shape = image.shape
            pixels += image.pixels
            captions.append(lines)
        }
        let samples = Tensor(pixels, shape: [captions.count] + shape!)
        return CaptionedImages(images: TensorDataset(samples: samples, labels: [Int](repeating: 0, count: captions.count), classCount: nil),
                               captions: captions, classes: nil)
    }
}
