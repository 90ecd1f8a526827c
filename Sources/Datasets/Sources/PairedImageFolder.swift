import Foundation
import TensorCore

/// Paired images in pix2pix's convention: `DIRECTORY/SPLIT/*.png|jpg`, each file the input A
/// and the target B side by side (A the left half, B the right half).
///
/// A sample is A and B stacked on the channel axis, `[2C, H, W/2]` (A's channels first), so
/// the transforms of a `DataLoader` (resize, random crop, flip) treat both halves alike and the
/// pair stays aligned. Alpha channels are dropped (gray+alpha becomes gray, RGBA becomes RGB).
/// Every image of the split must have the same size and an even width; a file that breaks this
/// is refused with an error naming it. Images are decoded once, eagerly; the folder is only read.
///
/// ```swift
/// let facades = try PairedImageFolder(directory: "facades", split: "train")   // [6, 256, 256] samples
/// ```
public struct PairedImageFolder: Dataset {
    /// The folder holding the splits.
    public let directory: String
    /// The split read (`train`, `test` or `val`).
    public let split: String
    /// The image files of the split, sorted, in index order.
    public let files: [String]
    /// Channels of one half (A and B each).
    public let halfChannels: Int
    /// Height and width of one half.
    public let height: Int, halfWidth: Int
    /// The samples, `[A; B]` on the channel axis, one after the other.
    let pixels: [Float]

    /// The splits a paired folder may hold; evaluation uses `test`, else `val`.
    public static let splits = ["train", "test", "val"]

    /// Reads `DIRECTORY/split`. `split` "test" falls back to "val" when there is no `test` folder.
    public init(directory: String, split: String = "train") throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(file: directory, "paired image folder not found (expected DIR/train, DIR/test or DIR/val, each image A|B side by side)")
        }
        var chosen = split
        func exists(_ name: String) -> Bool {
            var folder: ObjCBool = false
            return FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &folder) && folder.boolValue
        }
        if split == "test" && !exists("test") && exists("val") { chosen = "val" }
        guard exists(chosen) else {
            let present = Self.splits.filter(exists)
            throw DatasetError(file: directory, "has no \(chosen)/ folder" + (present.isEmpty
                ? " (pix2pix layout: DIR/train, DIR/test or DIR/val, each image A|B side by side)"
                : "; it holds \(present.map { $0 + "/" }.joined(separator: ", "))"))
        }
        let folder = (directory as NSString).appendingPathComponent(chosen)
        let files = try PhotoFolder.imageFiles(under: folder)
        guard !files.isEmpty else { throw DatasetError(file: folder, "holds no .png, .jpg or .jpeg images") }
        var pixels: [Float] = []
        var shape: (channels: Int, height: Int, width: Int)?
        for file in files {
            var image = try ImageBuffer(contentsOf: file)
            if image.channels == 2 || image.channels == 4 {
                image = ImageBuffer(channels: image.channels - 1, height: image.height, width: image.width,
                                    pixels: Array(image.pixels[0..<((image.channels - 1) * image.height * image.width)]))
            }
            guard image.width % 2 == 0, image.width >= 2 else {
                throw DatasetError(file: file, "has an odd width \(image.width): an A|B pair needs two halves of equal width")
            }
            if let shape, (shape.channels, shape.height, shape.width) != (image.channels, image.height, image.width) {
                throw DatasetError(file: file, "is \(image.width)x\(image.height) with \(image.channels) channels, unlike \(files[0]) (\(shape.width)x\(shape.height), \(shape.channels) channels); every pair of a split must have one size")
            }
            shape = (image.channels, image.height, image.width)
            let half = image.width / 2
            let a = image.cropped(top: 0, left: 0, height: image.height, width: half)
            let b = image.cropped(top: 0, left: half, height: image.height, width: half)
            pixels += a.pixels
            pixels += b.pixels
        }
        self.directory = directory
        self.split = chosen
        self.files = files
        halfChannels = shape!.channels
        height = shape!.height
        halfWidth = shape!.width / 2
        self.pixels = pixels
    }

    public var count: Int { files.count }
    public var sampleShape: [Int] { [2 * halfChannels, height, halfWidth] }
    public func label(at index: Int) -> Int { 0 }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let size = sampleSize
        pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + index * size, count: size) }
    }
}
