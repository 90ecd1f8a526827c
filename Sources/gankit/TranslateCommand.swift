import ArgumentParser
import Datasets
import Foundation
import GAN
import TensorCore

/// `gankit translate`: a translation run (pix2pix, cyclegan) applied to images.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate images with a pix2pix or CycleGAN run: a .npy, one PNG/JPEG, or a folder of images (written back as PNG under the same names).",
        discussion: "Inputs must have the run's training size. pix2pix keeps its dropout active, as the paper (vary it with --seed).")

    @Option(name: .customLong("run"), help: "The run folder.") var runFolder: String
    @Option(help: "A float32 .npy [N, C, H, W] in [-1, 1], a PNG/JPEG image, or a folder of them.") var input: String
    @Option(help: "Where to write: a .npy, a .png, or a folder (for a folder input).") var out: String
    @Option(help: "a-to-b or b-to-a (default a-to-b).") var direction: String = TranslationDirection.aToB.rawValue
    @Option(help: "Seed of the test-time dropout.") var seed: UInt64 = 0

    func run() throws {
        guard let direction = TranslationDirection(rawValue: direction) else {
            throw TrainingError.invalidConfiguration("--direction must be a-to-b or b-to-a, not \(self.direction)")
        }
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        guard let translator = trained.model as? any ImageTranslating else {
            throw ValidationError("\(runFolder) holds a \(trained.configuration.family) model, which does not translate images; use gankit sample")
        }
        let shape = try translator.inputShape(direction)
        let (images, names) = try TranslationFiles.read(input, channels: shape[0])
        try translator.validateInput(images, direction: direction, source: input)
        let output = try translator.translate(images, direction: direction, seed: seed)
        try TranslationFiles.write(output, names: names, to: out, input: input)
    }
}

/// Reading and writing the images `gankit translate` works on.
enum TranslationFiles {
    /// The images of `path` (`[N, C, H, W]`) and, for image files, their file names. Image
    /// files are converted to `channels` (alpha dropped, gray repeated, RGB averaged to gray).
    static func read(_ path: String, channels: Int) throws -> (Tensor, [String]?) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("\(path): no such file or folder")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter {
                !$0.hasPrefix(".") && ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased())
            }.sorted()
            guard !names.isEmpty else { throw ValidationError("\(path): the folder holds no .png, .jpg or .jpeg images") }
            var images: [ImageBuffer] = []
            for name in names {
                let file = (path as NSString).appendingPathComponent(name)
                let image = try convert(try ImageBuffer(contentsOf: file), channels: channels)
                if let first = images.first, first.shape != image.shape {
                    throw ValidationError("\(file): \(image.width)x\(image.height), unlike \(names[0]) (\(first.width)x\(first.height)); every image must have the run's training size")
                }
                images.append(image)
            }
            return (ImageBuffer.batch(images), names)
        }
        if path.lowercased().hasSuffix(".npy") {
            let array = try NumpyArray(contentsOf: path)
            guard array.elementType == .float32 || array.elementType == .float64, array.shape.count == 4, array.shape[0] > 0 else {
                throw ValidationError("\(path): expected float32 images [N, C, H, W] in [-1, 1], got \(array.elementType.rawValue) of shape \(array.shape)")
            }
            return (array.tensor(), nil)
        }
        let image = try convert(try ImageBuffer(contentsOf: path), channels: channels)
        return (ImageBuffer.batch([image]), [(path as NSString).lastPathComponent])
    }

    /// `image` with `channels` channels.
    static func convert(_ image: ImageBuffer, channels: Int) throws -> ImageBuffer {
        let plane = image.height * image.width
        let colour = image.channels >= 3 ? 3 : 1  // alpha dropped
        let planes = (0..<colour).map { Array(image.pixels[($0 * plane)..<(($0 + 1) * plane)]) }
        let pixels: [Float]
        if colour == channels {
            pixels = planes.flatMap { $0 }
        } else if colour == 1 {
            pixels = Array(repeating: planes[0], count: channels).flatMap { $0 }
        } else if channels == 1 {
            pixels = (0..<plane).map { (planes[0][$0] + planes[1][$0] + planes[2][$0]) / 3 }
        } else {
            throw ValidationError("cannot convert a \(image.channels)-channel image to \(channels) channels")
        }
        return ImageBuffer(channels: channels, height: image.height, width: image.width, pixels: pixels)
    }

    /// Writes `images` to `out`: a `.npy`, one PNG, or a folder of PNGs named after `names`.
    static func write(_ images: Tensor, names: [String]?, to out: String, input: String) throws {
        if out.lowercased().hasSuffix(".npy") {
            try NumpyArray(images).write(to: out)
            print("wrote \(images.shape) translations to \(out)")
            return
        }
        let buffers = ImageBuffer.images(from: images.clamped(min: -1, max: 1))
        var isDirectory: ObjCBool = false
        let outIsFolder = (FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) && isDirectory.boolValue)
            || !out.lowercased().hasSuffix(".png")
        if !outIsFolder {
            guard buffers.count == 1 else {
                throw ValidationError("\(out): \(buffers.count) translations do not fit one PNG; give a folder or a .npy as --out")
            }
            try PNGImage(buffers[0]).write(to: out)
            print("wrote \(out)")
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        } catch {
            throw ValidationError("\(out): cannot create the folder: \(error.localizedDescription)")
        }
        let fileNames = names ?? (0..<buffers.count).map { String(format: "%06d.png", $0) }
        for (buffer, name) in zip(buffers, fileNames) {
            let base = (name as NSString).deletingPathExtension
            try PNGImage(buffer).write(to: (out as NSString).appendingPathComponent(base + ".png"))
        }
        print("wrote \(buffers.count) images to \(out)/")
    }
}
