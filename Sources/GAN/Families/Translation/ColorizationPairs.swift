import Datasets
import Foundation
import TensorCore

/// `colorization`: pix2pix's built-in gray -> colour task made from any folder of PNG or JPEG
/// photos (`--dataset colorization --data PHOTOS`, searched recursively).
///
/// Sample `i` is photo `i` of the split: its largest central square shrunk (area resampling) to
/// `loadSize` x `loadSize`, as `[A; B]` on the channel axis, `[6, loadSize, loadSize]` in [-1, 1].
/// B is the colour square; A is its gray version (ITU-R BT.601 luma, 0.299 R + 0.587 G +
/// 0.114 B, as PIL's `convert("L")`), repeated in all three channels. Three channels keep the
/// pix2pix convention that A and B have the same channel count (the A|B folders, `Pix2Pix.split`,
/// `gankit translate`), so the U-Net, the PatchGAN and the picture code are unchanged; the cost
/// is two redundant input channels in G's first convolution. pix2pix's own preprocessing then
/// applies to both halves at once (`Pix2PixData.transform`): a random `--crop-size` crop (default
/// 64) and a random horizontal flip for training, the central crop for testing. `--load-size`
/// defaults to twice the crop size.
///
/// The held-out pairs come from `--test-data DIR` when given (every photo there; training then
/// uses every photo of `--data`), otherwise from a deterministic split of `--data`: in sorted path
/// order, every 8th photo (indices 7, 15, 23, ...) is a test photo and the others train.
public struct ColorizationPairs: Dataset {
    /// The name of the task (`--dataset colorization`).
    public static let name = "colorization"
    /// The crop side when `--crop-size` is not given.
    public static let defaultCropSize = 64
    /// Without `--test-data`, photo `i` is held out when `i % testEvery == testEvery - 1`.
    public static let testEvery = 8

    /// The photos.
    public let photos: PhotoFolder
    /// The photos of this split, indices into `photos`.
    public let photoIndices: [Int]
    /// Side of the shrunk squares.
    public let loadSize: Int

    /// The photos at `photoIndices` (all when nil) of `photos`, at `loadSize`.
    public init(photos: PhotoFolder, photoIndices: [Int]? = nil, loadSize: Int) {
        precondition(loadSize > 0, "ColorizationPairs: loadSize must be positive, not \(loadSize)")
        self.photos = photos
        self.photoIndices = photoIndices ?? Array(0..<photos.count)
        self.loadSize = loadSize
    }

    /// The split of a configuration's photos (see the type's documentation).
    public static func open(_ configuration: TrainingConfiguration, split: DatasetSplit, loadSize: Int) throws -> ColorizationPairs {
        guard let directory = configuration.dataDirectory else {
            throw TrainingError.invalidConfiguration("--dataset colorization needs --data PHOTOS, a folder of PNG or JPEG photos")
        }
        if let testDirectory = configuration.options["test-data"] {
            return ColorizationPairs(photos: try PhotoFolder(directory: split == .train ? directory : testDirectory), loadSize: loadSize)
        }
        let photos = try PhotoFolder(directory: directory)
        let (train, test) = splitIndices(count: photos.count)
        guard !train.isEmpty, !test.isEmpty else {
            throw TrainingError.invalidConfiguration("\(directory): \(photos.count) photo(s); colorization holds out every \(testEvery)th photo for testing, so give at least \(testEvery) photos or --test-data DIR")
        }
        return ColorizationPairs(photos: photos, photoIndices: split == .train ? train : test, loadSize: loadSize)
    }

    /// The deterministic split of `count` photos: every `testEvery`th photo is a test photo.
    public static func splitIndices(count: Int) -> (train: [Int], test: [Int]) {
        let all = Array(0..<count)
        return (all.filter { $0 % testEvery != testEvery - 1 }, all.filter { $0 % testEvery == testEvery - 1 })
    }

    public var count: Int { photoIndices.count }
    public var sampleShape: [Int] { [6, loadSize, loadSize] }
    public func label(at index: Int) -> Int { 0 }

    /// The colour square of sample `index`, `[3, loadSize, loadSize]` in [-1, 1].
    public func colour(at index: Int) -> ImageBuffer {
        let photoIndex = photoIndices[index]
        let (height, width) = photos.size(at: photoIndex)
        let side = min(height, width)
        let square = photos.crop(at: photoIndex, top: (height - side) / 2, left: (width - side) / 2, height: side, width: side)
        return side == loadSize ? square : square.resized(height: loadSize, width: loadSize, method: side > loadSize ? .area : .bilinear)
    }

    /// The gray version of a `[3, H, W]` colour image (BT.601 luma), repeated in three channels.
    public static func gray(_ colour: ImageBuffer) -> ImageBuffer {
        precondition(colour.channels == 3, "ColorizationPairs.gray: expects 3 channels, got \(colour.channels)")
        let plane = colour.height * colour.width
        var result = ImageBuffer(channels: 3, height: colour.height, width: colour.width)
        for position in 0..<plane {
            let luma = 0.299 * colour.pixels[position] + 0.587 * colour.pixels[plane + position] + 0.114 * colour.pixels[2 * plane + position]
            result.pixels[position] = luma
            result.pixels[plane + position] = luma
            result.pixels[2 * plane + position] = luma
        }
        return result
    }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let b = colour(at: index), a = Self.gray(b)
        a.pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: $0.count) }
        b.pixels.withUnsafeBufferPointer { (destination + a.pixels.count).update(from: $0.baseAddress!, count: $0.count) }
    }
}
