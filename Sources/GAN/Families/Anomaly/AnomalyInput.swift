import Datasets
import Foundation
import TensorCore

/// The images `gankit detect` scores: a float32 `.npy` `[N, C, H, W]` in [-1, 1], one PNG or
/// JPEG image, or a folder of them (sorted by name), checked against the shape a run takes.
public struct AnomalyInput {
    /// The images, `[N] + sampleShape`, in [-1, 1].
    public let images: Tensor
    /// A name per image: the file name, or `index N` for a `.npy`.
    public let names: [String]

    /// Loads `path` for a model taking images of `sampleShape` (`[C, H, W]`).
    public init(path: String, sampleShape: [Int]) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TrainingError.invalidConfiguration("\(path): no such file or folder")
        }
        let shapeText = "[N, \(sampleShape.map(String.init).joined(separator: ", "))]"
        if isDirectory.boolValue {
            let entries = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
            var files: [String] = []
            for name in entries {
                switch (name as NSString).pathExtension.lowercased() {
                case "png", "jpg", "jpeg": files.append((path as NSString).appendingPathComponent(name))
                default: continue
                }
            }
            guard !files.isEmpty else { throw TrainingError.invalidConfiguration("\(path): the folder holds no PNG or JPEG images") }
            images = Tensor.concat(try files.map { try Self.image($0, sampleShape: sampleShape) }, axis: 0)
            names = files.map { ($0 as NSString).lastPathComponent }
            return
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "png", "jpg", "jpeg":
            images = try Self.image(path, sampleShape: sampleShape)
            names = [(path as NSString).lastPathComponent]
        case "npy":
            let array = try NumpyArray(contentsOf: path)
            guard array.elementType == .float32 else {
                throw TrainingError.invalidConfiguration("\(path): images must be float32, not \(array.elementType.rawValue)")
            }
            guard array.shape.count == 4, Array(array.shape.dropFirst()) == sampleShape, array.shape[0] > 0 else {
                throw TrainingError.invalidConfiguration("\(path): the array has shape \(array.shape); this run takes images of shape \(shapeText)")
            }
            let values = array.floatValues()
            if let bad = values.firstIndex(where: { !($0.isFinite && abs($0) <= 1.0001) }) {
                throw TrainingError.invalidConfiguration(
                    "\(path): value \(values[bad]) at flat index \(bad) is outside [-1, 1]; images must be scaled to [-1, 1] (x / 127.5 - 1 for bytes)")
            }
            images = Tensor(values, shape: array.shape)
            names = (0..<array.shape[0]).map { "index \($0)" }
        default:
            throw TrainingError.invalidConfiguration("\(path): give a .npy array \(shapeText), a PNG or JPEG image, or a folder of them")
        }
    }

    /// One PNG or JPEG as `[1] + sampleShape`, converted to the run's channel count; its size must match.
    static func image(_ path: String, sampleShape: [Int]) throws -> Tensor {
        var buffer = try ImageBuffer(contentsOf: path, range: -1...1)
        buffer = sampleShape[0] == 1 ? buffer.grayscale() : buffer.rgb()
        guard buffer.height == sampleShape[1], buffer.width == sampleShape[2] else {
            throw TrainingError.invalidConfiguration(
                "\(path) is \(buffer.width)x\(buffer.height) pixels; this run takes \(sampleShape[2])x\(sampleShape[1]) images")
        }
        return buffer.tensor().reshape([1] + sampleShape)
    }
}
