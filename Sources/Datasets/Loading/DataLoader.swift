import Foundation
import TensorCore

/// Batches a dataset for training: a seeded shuffle per epoch, optional per-sample image
/// transforms, an optional dropped last partial batch, and a background thread that prepares
/// up to `prefetchCount` batches ahead so the trainer does not wait on data.
///
/// Every batch is a pure function of (seed, epoch, batch index): the order of an epoch comes
/// from a generator seeded with the seed and the epoch, and each sample's random transforms
/// from one seeded with the seed, the epoch and the sample's position. So a run resumed at
/// epoch E, batch B sees exactly the batches an uninterrupted run would, prefetching or not.
///
/// ```swift
/// let loader = DataLoader(dataset: try FashionMNIST(split: .train), batchSize: 64, seed: 0)
/// for epoch in 0..<10 {
///     for batch in loader.batches(epoch: epoch) { train(batch.images, batch.labels) }
/// }
/// ```
public struct DataLoader<Source: Dataset>: Sendable {
    /// The dataset batched.
    public let dataset: Source
    /// Samples per batch.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a seeded random order (else in index order).
    public let shuffle: Bool
    /// Whether a last batch smaller than `batchSize` is left out.
    public let dropLast: Bool
    /// The seed of the shuffles and transforms.
    public let seed: UInt64
    /// Batches prepared ahead on a background thread (0 prepares them on the caller's thread).
    public let prefetchCount: Int
    /// The transform applied to every image sample, or nil.
    public let transform: (any ImageTransform)?
    /// Under data parallelism, the part of every batch this process loads: shard `index` of
    /// `count` is the `batchSize / count` consecutive samples from `index · batchSize / count`
    /// (each with the transform draws it has in the whole batch). (0, 1) loads whole batches.
    public let shard: (index: Int, count: Int)

    /// A loader over `dataset`.
    public init(dataset: Source, batchSize: Int, shuffle: Bool = true, dropLast: Bool = false,
                seed: UInt64 = 0, prefetchCount: Int = 4, transform: (any ImageTransform)? = nil,
                shard: (index: Int, count: Int) = (0, 1)) {
        precondition(batchSize > 0, "DataLoader: batchSize must be positive, not \(batchSize)")
        precondition(prefetchCount >= 0, "DataLoader: prefetchCount must be >= 0, not \(prefetchCount)")
        precondition(transform == nil || dataset.sampleShape.count == 3,
                     "DataLoader: transforms apply to [C, H, W] images, not samples of shape \(dataset.sampleShape)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed
        self.prefetchCount = prefetchCount
        self.transform = transform
        precondition(shard.count > 0 && (0..<shard.count).contains(shard.index) && batchSize % shard.count == 0
                     && (shard.count == 1 || dropLast),
                     "DataLoader: shard \(shard.index) of \(shard.count) needs whole batches (dropLast) of a multiple of \(shard.count), not \(batchSize)")
        self.shard = shard
    }

    /// Number of batches in one epoch.
    public var batchesPerEpoch: Int {
        dropLast ? dataset.count / batchSize : (dataset.count + batchSize - 1) / batchSize
    }

    /// The shape of one sample in a batch (after the transform).
    public var sampleShape: [Int] { transform?.outputShape(for: dataset.sampleShape) ?? dataset.sampleShape }

    /// The order in which `epoch` visits the dataset.
    public func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<dataset.count) }
        var generator = RandomGenerator(seed: Self.mix(seed, UInt64(bitPattern: Int64(epoch)), 0x5348_5546_464C_45))
        return generator.permutation(dataset.count)
    }

    /// Batch `index` of `epoch`, computed on the calling thread.
    public func batch(epoch: Int, index: Int) -> Batch {
        makeBatch(epoch: epoch, index: index, order: order(epoch: epoch))
    }

    /// The batches of `epoch` from batch `startIndex` on, as a sequence that prefetches in the
    /// background. Stopping early (breaking out of the loop) stops the background thread.
    public func batches(epoch: Int, startingAt startIndex: Int = 0) -> EpochBatches<Source> {
        precondition(startIndex >= 0, "DataLoader.batches: startIndex must be >= 0, not \(startIndex)")
        return EpochBatches(loader: self, epoch: epoch, startIndex: startIndex)
    }

    func makeBatch(epoch: Int, index: Int, order: [Int]) -> Batch {
        precondition(index >= 0 && index < batchesPerEpoch, "DataLoader: batch \(index) out of 0..<\(batchesPerEpoch)")
        let shardSize = batchSize / shard.count
        let first = index * batchSize + shard.index * shardSize
        let size = shard.count == 1 ? min(batchSize, order.count - first) : shardSize
        let inputShape = dataset.sampleShape
        let outputShape = sampleShape
        let outputSize = outputShape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: size * outputSize)
        var labels = [Int](repeating: 0, count: size)
        // Reused for every sample of the batch when there is a transform.
        var inputPixels = [Float](repeating: 0, count: transform == nil ? 0 : inputShape.reduce(1, *))
        scalars.withUnsafeMutableBufferPointer { buffer in
            for position in 0..<size {
                let sampleIndex = order[first + position]
                labels[position] = dataset.label(at: sampleIndex)
                let destination = buffer.baseAddress! + position * outputSize
                guard let transform else {
                    dataset.copySample(at: sampleIndex, into: destination)
                    continue
                }
                inputPixels.withUnsafeMutableBufferPointer { dataset.copySample(at: sampleIndex, into: $0.baseAddress!) }
                let image = ImageBuffer(channels: inputShape[0], height: inputShape[1], width: inputShape[2], pixels: inputPixels)
                var generator = RandomGenerator(seed: Self.mix(seed, UInt64(bitPattern: Int64(epoch)), UInt64(first + position)))
                let transformed = transform.apply(to: image, generator: &generator)
                precondition(transformed.shape == outputShape,
                             "DataLoader: transform gave shape \(transformed.shape), expected \(outputShape)")
                transformed.pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress!, count: outputSize) }
            }
        }
        return Batch(samples: Tensor(scalars, shape: [size] + outputShape), labels: labels, epoch: epoch, index: index)
    }

    /// Combines three words into one well-mixed seed (SplitMix64 finalizer per step).
    static func mix(_ first: UInt64, _ second: UInt64, _ third: UInt64) -> UInt64 {
        func scramble(_ value: UInt64) -> UInt64 {
            var z = value &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return scramble(scramble(scramble(first) ^ second) ^ third)
    }
}

/// The batches of one epoch of a `DataLoader`, from a starting batch on.
public struct EpochBatches<Source: Dataset>: Sequence, Sendable {
    /// The loader.
    public let loader: DataLoader<Source>
    /// The epoch.
    public let epoch: Int
    /// The first batch index produced.
    public let startIndex: Int

    /// Number of batches this sequence produces.
    public var underestimatedCount: Int { Swift.max(0, loader.batchesPerEpoch - startIndex) }

    public func makeIterator() -> Iterator { Iterator(loader: loader, epoch: epoch, startIndex: startIndex) }

    /// Produces the batches, computed ahead by a background thread when prefetching is on.
    public struct Iterator: IteratorProtocol {
        private let producer: BatchProducer<Source>

        init(loader: DataLoader<Source>, epoch: Int, startIndex: Int) {
            producer = BatchProducer(loader: loader, epoch: epoch, startIndex: startIndex)
        }

        public mutating func next() -> Batch? { producer.next() }
    }
}

/// Owns the background thread of one pass over an epoch; stops it when released.
final class BatchProducer<Source: Dataset> {
    private let loader: DataLoader<Source>
    private let epoch: Int
    private var nextIndex: Int
    private var order: [Int]?
    private let queue: BoundedQueue<Batch?>?
    private var finished = false

    init(loader: DataLoader<Source>, epoch: Int, startIndex: Int) {
        self.loader = loader
        self.epoch = epoch
        self.nextIndex = startIndex
        guard loader.prefetchCount > 0, startIndex < loader.batchesPerEpoch else {
            queue = nil
            return
        }
        let queue = BoundedQueue<Batch?>(capacity: loader.prefetchCount)
        self.queue = queue
        let thread = Thread {
            let order = loader.order(epoch: epoch)
            for index in startIndex..<loader.batchesPerEpoch {
                if queue.isCancelled { return }
                let batch = loader.makeBatch(epoch: epoch, index: index, order: order)
                if !queue.push(batch) { return }
            }
            _ = queue.push(nil)
        }
        thread.name = "DataLoader prefetch"
        thread.start()
    }

    func next() -> Batch? {
        if finished { return nil }
        if let queue {
            guard let batch = queue.pop() else {
                finished = true
                return nil
            }
            return batch
        }
        guard nextIndex < loader.batchesPerEpoch else {
            finished = true
            return nil
        }
        if order == nil { order = loader.order(epoch: epoch) }
        defer { nextIndex += 1 }
        return loader.makeBatch(epoch: epoch, index: nextIndex, order: order!)
    }

    deinit { queue?.cancel() }
}
