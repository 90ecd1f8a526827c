import Datasets
import Foundation
import TensorCore

/// `gankit upscale`: a trained super-resolution run applied to a `.npy` batch, one PNG/JPEG
/// image, or a folder of images, at any size (tiled).
public enum SuperResolutionFiles {
    /// What was upscaled.
    public struct Summary: Sendable, Equatable {
        public var images: Int
        public var outputs: [String]
    }

    /// The generator of a super-resolution run.
    public static func generator(of model: TrainedModel) throws -> SRResNetGenerator {
        guard let family = model.model as? SuperResolutionFamily else {
            throw TrainingError.invalidConfiguration("\(model.run.path) holds a \(model.configuration.family) model; gankit upscale needs an srresnet or srgan run")
        }
        return family.generator
    }

    /// Upscales `input` into `output`:
    /// - `.npy` (float32 `[N, C, H, W]` in [-1, 1], C 1 or 3) into a `.npy` `[N, 3, H s, W s]`;
    /// - one PNG/JPEG image into a PNG, or a JPEG when `output` ends in .jpg/.jpeg;
    /// - a folder of PNG/JPEG images (not recursive) into the folder `output`, each as
    ///   `NAME.png` after its own name.
    /// Errors name the file and the problem.
    public static func upscale(input: String, output: String, generator: SRResNetGenerator,
                               tileSize: Int = SuperResolution.defaultTileSize) throws -> Summary {
        guard tileSize >= 8 else { throw DatasetError(file: nil, "--tile must be at least 8 pixels, not \(tileSize)") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
            throw DatasetError(file: input, "not found")
        }
        if isDirectory.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: input)
                .filter { !$0.hasPrefix(".") && ["png", "jpg", "jpeg"].contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !names.isEmpty else { throw DatasetError(file: input, "holds no .png, .jpg or .jpeg images") }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            var outputs: [String] = []
            for name in names {
                let target = (output as NSString).appendingPathComponent(((name as NSString).deletingPathExtension) + ".png")
                try upscaleImage(from: (input as NSString).appendingPathComponent(name), to: target, generator: generator, tileSize: tileSize)
                outputs.append(target)
            }
            return Summary(images: names.count, outputs: outputs)
        }
        if input.lowercased().hasSuffix(".npy") {
            return Summary(images: try upscaleArray(from: input, to: output, generator: generator, tileSize: tileSize), outputs: [output])
        }
        try upscaleImage(from: input, to: output, generator: generator, tileSize: tileSize)
        return Summary(images: 1, outputs: [output])
    }

    /// One image file into a PNG or JPEG file.
    static func upscaleImage(from input: String, to output: String, generator: SRResNetGenerator, tileSize: Int) throws {
        let lowered = output.lowercased()
        let jpeg = lowered.hasSuffix(".jpg") || lowered.hasSuffix(".jpeg")
        guard jpeg || lowered.hasSuffix(".png") else {
            throw DatasetError(file: output, "the output of an image must be a .png, .jpg or .jpeg file")
        }
        let image = try ImageBuffer(contentsOf: input)
        let (height, width, samples) = SuperResolution.upscaleTo8Bit(image, with: generator, tileSize: tileSize)
        if jpeg {
            try JPEGImage(width: width, height: height, channels: 3, samples: samples).write(to: output)
        } else {
            try PNGImage(width: width, height: height, channels: 3, samples: samples.map(UInt16.init)).write(to: output)
        }
    }

    /// A `.npy` batch into a `.npy` batch; returns the number of images.
    static func upscaleArray(from input: String, to output: String, generator: SRResNetGenerator, tileSize: Int) throws -> Int {
        guard output.lowercased().hasSuffix(".npy") else {
            throw DatasetError(file: output, "the output of a .npy input must be a .npy file")
        }
        let array = try NumpyArray(contentsOf: input)
        guard array.elementType == .float32, array.shape.count == 4, [1, 3].contains(array.shape[1]),
              array.shape[0] > 0, array.shape[2] > 0, array.shape[3] > 0 else {
            throw DatasetError(file: input, "holds \(array.elementType.rawValue) of shape \(array.shape); gankit upscale needs float32 [N, 3, H, W] (or [N, 1, H, W]) in [-1, 1]")
        }
        let images = ImageBuffer.images(from: Tensor(array.floatValues(), shape: array.shape))
        let upscaled = images.map { SuperResolution.upscale($0, with: generator, tileSize: tileSize) }
        try NumpyArray(ImageBuffer.batch(upscaled)).write(to: output)
        return images.count
    }
}
