import TensorCore

/// Random training pairs for super-resolution from a `PhotoFolder`: a high-resolution (HR)
/// patch and its low-resolution (LR) version, made as SRGAN/ESRGAN training makes them.
///
/// Sample `index` comes from photo `index / patchesPerPhoto`. Each photo is first cut to a
/// multiple of `scale` on each side (its top-left part, as "mod crop"). The HR patch is a
/// `patchSize` x `patchSize` square at a random position whose row and column are multiples
/// of `scale`; the LR patch is the aligned `patchSize / scale` square of the whole (cut)
/// photo shrunk by MATLAB's bicubic `imresize(photo, 1 / scale)`
/// (`ImageBuffer.resizedLikeMATLAB`). Only the patch's neighbourhood is shrunk, with a margin
/// wide enough for the kernel, so the LR patch is what shrinking the whole photo would give,
/// including MATLAB's symmetric border at the photo's edges. Both patches then get the same
/// random `DihedralOrientation` (flips and 90-degree rotations, each of the 8 equally likely).
///
/// **Shapes.** The `Dataset` sample is the HR patch, `[3, patchSize, patchSize]` in [-1, 1],
/// so a `DataLoader` batches HR patches as `[N, 3, patchSize, patchSize]`. The LR patch,
/// `[3, patchSize / scale, patchSize / scale]` in [-1, 1] (`lowResolutionShape`), comes from
/// `copyLowResolutionSample(at:into:)`, `pair(at:)` or `lowResolutionSamples(at:)` with the
/// same indices.
///
/// **Randomness.** Sample `index` is a pure function of (`seed`, `epoch`, `index`): the same
/// values give the same patches on any machine. `forEpoch(_:)` gives the dataset for another
/// epoch (new random patches, same photos, no copying).
///
/// ```swift
/// let patches = try SuperResolutionPatches(photos: PhotoFolder(directory: "photos"), scale: 4, seed: 0)
/// let loader = DataLoader(dataset: patches.forEpoch(epoch), batchSize: 16, seed: 0)
/// let order = loader.order(epoch: epoch)
/// for batch in loader.batches(epoch: epoch) {
///     let indices = Array(order[(batch.index * 16)..<(batch.index * 16 + batch.labels.count)])
///     let lowResolution = loader.dataset.lowResolutionSamples(at: indices)   // [16, 3, 24, 24]
///     train(lowResolution, batch.images)                                      // [16, 3, 96, 96]
/// }
/// ```
public struct SuperResolutionPatches: Dataset {
    /// Where a sample's patch lies: a photo, the HR patch's top-left corner in it, the orientation.
    public struct Placement: Sendable, Equatable {
        /// The index of the photo in `photos`.
        public let photoIndex: Int
        /// Row of the HR patch's top-left corner (a multiple of `scale`).
        public let top: Int
        /// Column of the HR patch's top-left corner (a multiple of `scale`).
        public let left: Int
        /// How both patches are flipped and rotated.
        public let orientation: DihedralOrientation
    }

    /// The photos.
    public let photos: PhotoFolder
    /// Indices of the photos large enough for a patch (after the cut to a multiple of `scale`).
    public let usablePhotoIndices: [Int]
    /// The downscaling factor (the LR patch is `scale` times smaller per side).
    public let scale: Int
    /// The side of the HR patch (a multiple of `scale`).
    public let patchSize: Int
    /// Samples drawn from each photo per epoch.
    public let patchesPerPhoto: Int
    /// The seed of the placements.
    public let seed: UInt64
    /// The epoch whose placements this dataset gives.
    public let epoch: Int

    /// Patches of `photos`.
    /// - Parameters:
    ///   - scale: the downscaling factor, usually 2, 3 or 4.
    ///   - patchSize: the HR patch side, a multiple of `scale` (SRGAN: 96).
    ///   - patchesPerPhoto: samples per photo per epoch.
    ///   - warn: called for each photo too small for a patch (it is left out), by default
    ///     printed to standard error.
    /// - Throws: a `DatasetError` naming the folder when no photo is large enough.
    public init(photos: PhotoFolder, scale: Int = 4, patchSize: Int = 96, patchesPerPhoto: Int = 1,
                seed: UInt64 = 0, epoch: Int = 0, warn: (String) -> Void = PhotoFolder.printWarning) throws {
        precondition(scale >= 1, "SuperResolutionPatches: scale must be >= 1, not \(scale)")
        precondition(patchSize > 0 && patchSize % scale == 0,
                     "SuperResolutionPatches: patchSize \(patchSize) must be a positive multiple of the scale \(scale)")
        precondition(patchesPerPhoto >= 1, "SuperResolutionPatches: patchesPerPhoto must be >= 1, not \(patchesPerPhoto)")
        var usable: [Int] = []
        for index in 0..<photos.count {
            let (height, width) = photos.size(at: index)
            if height / scale * scale >= patchSize && width / scale * scale >= patchSize {
                usable.append(index)
            } else {
                warn("warning: skipping \(photos.files[index]): \(height)x\(width) is smaller than a \(patchSize)x\(patchSize) patch at scale \(scale)")
            }
        }
        guard !usable.isEmpty else {
            throw DatasetError(file: photos.directory, "no photo is at least \(patchSize)x\(patchSize) pixels; use a smaller patch size")
        }
        self.photos = photos
        self.usablePhotoIndices = usable
        self.scale = scale
        self.patchSize = patchSize
        self.patchesPerPhoto = patchesPerPhoto
        self.seed = seed
        self.epoch = epoch
    }

    private init(_ other: SuperResolutionPatches, epoch: Int) {
        photos = other.photos
        usablePhotoIndices = other.usablePhotoIndices
        scale = other.scale
        patchSize = other.patchSize
        patchesPerPhoto = other.patchesPerPhoto
        seed = other.seed
        self.epoch = epoch
    }

    /// The same photos and settings with the placements of `epoch`.
    public func forEpoch(_ epoch: Int) -> SuperResolutionPatches { SuperResolutionPatches(self, epoch: epoch) }

    public var count: Int { usablePhotoIndices.count * patchesPerPhoto }
    /// The HR patch shape, `[3, patchSize, patchSize]`.
    public var sampleShape: [Int] { [3, patchSize, patchSize] }
    /// The LR patch shape, `[3, patchSize / scale, patchSize / scale]`.
    public var lowResolutionShape: [Int] { [3, patchSize / scale, patchSize / scale] }
    public func label(at index: Int) -> Int { 0 }

    /// Where sample `index` lies, drawn from a generator seeded with (`seed`, `epoch`, `index`).
    public func placement(at index: Int) -> Placement {
        precondition(index >= 0 && index < count, "SuperResolutionPatches: index \(index) out of 0..<\(count)")
        let photoIndex = usablePhotoIndices[index / patchesPerPhoto]
        let (height, width) = photos.size(at: photoIndex)
        let rowChoices = (height / scale * scale - patchSize) / scale + 1
        let columnChoices = (width / scale * scale - patchSize) / scale + 1
        var generator = RandomGenerator(seed: DataLoader<Self>.mix(seed, UInt64(bitPattern: Int64(epoch)), UInt64(index)))
        let top = Int(generator.next() % UInt64(rowChoices)) * scale
        let left = Int(generator.next() % UInt64(columnChoices)) * scale
        let orientation = DihedralOrientation(rawValue: Int(generator.next() % 8))
        return Placement(photoIndex: photoIndex, top: top, left: left, orientation: orientation)
    }

    /// The HR patch of sample `index`, `[3, patchSize, patchSize]` in [-1, 1].
    public func highResolutionPatch(at index: Int) -> ImageBuffer {
        let placement = placement(at: index)
        return photos.crop(at: placement.photoIndex, top: placement.top, left: placement.left,
                           height: patchSize, width: patchSize).oriented(placement.orientation)
    }

    /// The LR patch of sample `index`, `[3, patchSize / scale, patchSize / scale]` in [-1, 1].
    public func lowResolutionPatch(at index: Int) -> ImageBuffer {
        let placement = placement(at: index)
        let (height, width) = photos.size(at: placement.photoIndex)
        let usedHeight = height / scale * scale, usedWidth = width / scale * scale
        // The kernel reaches 2 * scale + 1 HR pixels beyond an LR pixel's block; a margin that
        // is a multiple of the scale keeps the region aligned with the LR grid.
        let margin = scale * (2 + (2 + scale - 1) / scale)
        let regionTop = max(0, placement.top - margin), regionLeft = max(0, placement.left - margin)
        let regionBottom = min(usedHeight, placement.top + patchSize + margin)
        let regionRight = min(usedWidth, placement.left + patchSize + margin)
        let region = photos.crop(at: placement.photoIndex, top: regionTop, left: regionLeft,
                                 height: regionBottom - regionTop, width: regionRight - regionLeft)
        let shrunk = region.resizedLikeMATLAB(scale: 1 / Double(scale))
        let lowSize = patchSize / scale
        return shrunk.cropped(top: (placement.top - regionTop) / scale, left: (placement.left - regionLeft) / scale,
                              height: lowSize, width: lowSize).oriented(placement.orientation)
    }

    /// Sample `index`: its LR and HR patches.
    public func pair(at index: Int) -> (lowResolution: ImageBuffer, highResolution: ImageBuffer) {
        (lowResolutionPatch(at: index), highResolutionPatch(at: index))
    }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        highResolutionPatch(at: index).pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// Writes the LR patch of sample `index` (`lowResolutionShape`) to `destination`.
    public func copyLowResolutionSample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        lowResolutionPatch(at: index).pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: $0.count) }
    }

    /// The LR patches of `indices`, `[indices.count, 3, patchSize / scale, patchSize / scale]`:
    /// the partners of `samples(at: indices)`.
    public func lowResolutionSamples(at indices: [Int]) -> Tensor {
        let size = lowResolutionShape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: size * indices.count)
        scalars.withUnsafeMutableBufferPointer { buffer in
            for (position, index) in indices.enumerated() {
                copyLowResolutionSample(at: index, into: buffer.baseAddress! + position * size)
            }
        }
        return Tensor(scalars, shape: [indices.count] + lowResolutionShape)
    }
}
