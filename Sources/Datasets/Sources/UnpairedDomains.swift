import Foundation
import TensorCore

/// The images of one domain of an unpaired task, held in memory: `[C, H, W]` each in [-1, 1].
public struct ImageDomain: Sendable {
    /// Where the images came from (a folder, or a dataset and class), for messages.
    public let source: String
    /// The shape of one image.
    public let imageShape: [Int]
    /// All pixels, image after image.
    public let pixels: [Float]

    public init(source: String, imageShape: [Int], pixels: [Float]) {
        precondition(imageShape.count == 3 && pixels.count % imageShape.reduce(1, *) == 0,
                     "ImageDomain: \(pixels.count) pixels are not whole images of \(imageShape)")
        self.source = source
        self.imageShape = imageShape
        self.pixels = pixels
    }

    public var count: Int { pixels.count / imageShape.reduce(1, *) }

    /// The samples of `dataset` (images `[C, H, W]`) whose label is `label`.
    public init(_ dataset: some Dataset, label: Int, source: String) {
        let indices = (0..<dataset.count).filter { dataset.label(at: $0) == label }
        self.init(source: source, imageShape: dataset.sampleShape, pixels: dataset.samples(at: indices).scalars)
    }

    /// Every PNG/JPEG image under `folder` (recursively, sorted by path). Alpha is dropped;
    /// all images must share one size and channel count (a file that does not is named).
    public init(folder: String) throws {
        let files = try PhotoFolder.imageFiles(under: folder)
        guard !files.isEmpty else { throw DatasetError(file: folder, "holds no .png, .jpg or .jpeg images") }
        var pixels: [Float] = []
        var shape: [Int]?
        for file in files {
            var image = try ImageBuffer(contentsOf: file)
            if image.channels == 2 || image.channels == 4 {
                image = ImageBuffer(channels: image.channels - 1, height: image.height, width: image.width,
                                    pixels: Array(image.pixels[0..<((image.channels - 1) * image.height * image.width)]))
            }
            if let shape, shape != image.shape {
                throw DatasetError(file: file, "is \(image.width)x\(image.height) with \(image.channels) channels, unlike \(files[0]) (\(shape[2])x\(shape[1]), \(shape[0]) channels); every image of a domain must have one size")
            }
            shape = image.shape
            pixels += image.pixels
        }
        self.init(source: folder, imageShape: shape!, pixels: pixels)
    }

    /// The domain with `channels` channels: gray repeated to RGB (other conversions are not needed).
    public func withChannels(_ channels: Int) -> ImageDomain {
        guard channels != imageShape[0] else { return self }
        precondition(imageShape[0] == 1, "ImageDomain.withChannels: only gray converts to \(channels) channels")
        let plane = imageShape[1] * imageShape[2]
        var converted: [Float] = []
        converted.reserveCapacity(count * channels * plane)
        for index in 0..<count {
            let image = pixels[(index * plane)..<((index + 1) * plane)]
            for _ in 0..<channels { converted += image }
        }
        return ImageDomain(source: source, imageShape: [channels, imageShape[1], imageShape[2]], pixels: converted)
    }

    /// The images `[N] + imageShape` (the first `limit`, all when nil).
    public func images(limit: Int? = nil) -> Tensor {
        let taken = min(limit ?? count, count), size = imageShape.reduce(1, *)
        return Tensor(Array(pixels[0..<(taken * size)]), shape: [taken] + imageShape)
    }
}

/// Two domains of an unpaired task (CycleGAN's `trainA`/`trainB`) as one dataset: sample `i` is
/// image `i mod |A|` of A and image `σ(i) mod |B|` of B stacked on the channel axis
/// (`[2C, H, W]`, A first), where σ is a permutation of `0..<max(|A|, |B|)` drawn from `seed`,
/// so every image of the larger domain appears once an epoch and the pairing carries no
/// correspondence. A gray domain beside an RGB one is repeated to RGB.
public struct UnpairedDomains: Dataset {
    public let a: ImageDomain
    public let b: ImageDomain
    let partners: [Int]

    /// The two domains; their images must have the same height and width.
    public init(a: ImageDomain, b: ImageDomain, seed: UInt64) throws {
        guard a.imageShape[1...] == b.imageShape[1...] else {
            throw DatasetError(file: b.source, "holds \(b.imageShape[2])x\(b.imageShape[1]) images but \(a.source) holds \(a.imageShape[2])x\(a.imageShape[1]); both domains need one size")
        }
        let channels = max(a.imageShape[0], b.imageShape[0])
        guard [1, channels].contains(a.imageShape[0]), [1, channels].contains(b.imageShape[0]) else {
            throw DatasetError(file: b.source, "has \(b.imageShape[0])-channel images beside \(a.imageShape[0])-channel ones in \(a.source)")
        }
        self.a = a.withChannels(channels)
        self.b = b.withChannels(channels)
        var rng = RandomGenerator(seed: seed)
        partners = rng.permutation(max(a.count, b.count))
    }

    public var count: Int { max(a.count, b.count) }
    public var sampleShape: [Int] { [2 * a.imageShape[0]] + Array(a.imageShape[1...]) }
    public func label(at index: Int) -> Int { 0 }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let size = a.imageShape.reduce(1, *)
        let first = index % a.count, second = partners[index] % b.count
        a.pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + first * size, count: size) }
        b.pixels.withUnsafeBufferPointer { (destination + size).update(from: $0.baseAddress! + second * size, count: size) }
    }
}
