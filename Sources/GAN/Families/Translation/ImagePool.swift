import NN
import TensorCore

/// CycleGAN's history of generated images (Shrivastava et al. 2017): the discriminator is
/// trained on a mix of the newest fakes and fakes from earlier steps, which damps oscillation.
/// As the reference `ImagePool`: while fewer than `capacity` images are stored, each new image
/// is stored and returned; once full, each new image is, with probability 1/2, returned as is,
/// otherwise swapped for a uniformly chosen stored image, which is returned in its place.
/// Capacity 0 returns every batch unchanged. All draws come from the caller's generator, and
/// the stored images are part of the training checkpoint (`state`, `restore`).
public final class ImagePool {
    public let capacity: Int
    /// The shape `[C, H, W]` of one image.
    public let imageShape: [Int]
    /// The stored images, `capacity` slots of `imageShape` each; the first `count` are filled.
    private var storage: [Float]
    public private(set) var count = 0

    public init(capacity: Int, imageShape: [Int]) {
        require(capacity >= 0, "ImagePool: capacity must be >= 0, not \(capacity)")
        self.capacity = capacity
        self.imageShape = imageShape
        storage = [Float](repeating: 0, count: capacity * imageShape.reduce(1, *))
    }

    var imageSize: Int { imageShape.reduce(1, *) }

    /// The batch D trains on for the new fakes `images` (`[N] + imageShape`), updating the pool.
    public func query(_ images: Tensor, generator: inout RandomGenerator) -> Tensor {
        require(images.rank == 4 && Array(images.shape.dropFirst()) == imageShape,
                "ImagePool.query: images of shape \(images.shape) are not [N] + \(imageShape)")
        guard capacity > 0 else { return images }
        let size = imageSize
        var output = images.scalars
        for index in 0..<images.shape[0] {
            let range = (index * size)..<((index + 1) * size)
            if count < capacity {
                storage.replaceSubrange((count * size)..<((count + 1) * size), with: output[range])
                count += 1
            } else if generator.nextUniform() >= 0.5 {
                let slot = Int(generator.next() % UInt64(capacity))
                let slotRange = (slot * size)..<((slot + 1) * size)
                let old = Array(storage[slotRange])
                storage.replaceSubrange(slotRange, with: output[range])
                output.replaceSubrange(range, with: old)
            }
        }
        return Tensor(output, shape: images.shape)
    }

    /// The stored images `[capacity] + imageShape` and the filled count as a one-element tensor.
    public var state: (images: Tensor, count: Tensor) {
        (Tensor(storage, shape: [capacity] + imageShape), Tensor([Float(count)], shape: [1]))
    }

    /// Restores what `state` returned; `source` names the file for errors.
    public func restore(images: Tensor?, count: Tensor?, source: String, name: String) throws {
        guard let images, let count, images.shape == [capacity] + imageShape, count.count == 1,
              let filled = Int(exactly: count.scalars[0]), (0...capacity).contains(filled) else {
            throw CheckpointError.invalid("\(source): the image pool \(name) is missing or is not \(capacity) images of \(imageShape)")
        }
        storage = images.scalars
        self.count = filled
    }
}
