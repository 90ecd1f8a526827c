import Foundation

/// Which part of a global batch this process trains on, so that random draws made for a batch
/// are the ones a single process would make for the same samples.
///
/// Under data parallelism each process holds `localBatch` consecutive samples of a global batch
/// of `localBatch · count` (process `index` holds rows `index · localBatch ..< (index + 1) ·
/// localBatch`). Inside `BatchSharding.with(shard)`, `Tensor.randn`, `uniform` and `bernoulli`
/// asked for a tensor whose leading dimension is `k · localBatch` (k ≥ 1: one per-sample draw,
/// or k batches joined along axis 0, such as real and fake images through one discriminator
/// pass) draw the `k · globalBatch` rows one process would draw and keep this process's rows of
/// each of the k groups. Every process then advances its generator exactly as one process would,
/// so the generators stay equal across processes and equal to the single-process run.
/// Draws of any other leading size are made whole, as before.
public struct BatchShard: Sendable, Equatable {
    /// This process's shard, from 0.
    public var index: Int
    /// The number of shards (processes).
    public var count: Int
    /// Samples per shard.
    public var localBatch: Int

    public init(index: Int, count: Int, localBatch: Int) {
        require(count > 0 && (0..<count).contains(index) && localBatch > 0,
                "BatchShard: shard \(index) of \(count) with \(localBatch) samples is not a valid shard")
        self.index = index
        self.count = count
        self.localBatch = localBatch
    }
}

/// The shard in effect on the current thread (see `BatchShard`).
public enum BatchSharding {
    /// Runs `body` with `shard` in effect on this thread (nil: whole draws).
    public static func with<Result>(_ shard: BatchShard?, _ body: () throws -> Result) rethrows -> Result {
        let previous = pthread_getspecific(key)
        let box = shard.map { Unmanaged.passRetained(ShardBox($0)) }
        pthread_setspecific(key, box?.toOpaque())
        defer {
            pthread_setspecific(key, previous)
            box?.release()
        }
        return try body()
    }

    /// The shard in effect on this thread, if any.
    public static var current: BatchShard? {
        guard let pointer = pthread_getspecific(key) else { return nil }
        return Unmanaged<ShardBox>.fromOpaque(pointer).takeUnretainedValue().shard
    }

    /// A random tensor of `shape` made by `draw`, which fills a tensor of the shape it is given:
    /// under a shard and for a leading dimension of k · localBatch, `draw` makes the k global
    /// batches and this shard's rows are kept.
    static func sharded(_ shape: [Int], _ draw: ([Int]) -> Tensor) -> Tensor {
        guard let shard = current, shard.count > 1, let rows = shape.first, rows > 0, rows % shard.localBatch == 0 else {
            return draw(shape)
        }
        let groups = rows / shard.localBatch
        let globalBatch = shard.localBatch * shard.count
        let whole = draw([groups * globalBatch] + shape.dropFirst())
        let rowSize = shape.dropFirst().reduce(1, *)
        let block = shard.localBatch * rowSize
        return withExtendedLifetime(whole) {
            let source = whole.storage.base
            return Tensor(shape: shape) { out in
                for group in 0..<groups {
                    let first = (group * globalBatch + shard.index * shard.localBatch) * rowSize
                    (out + group * block).update(from: source + first, count: block)
                }
            }
        }
    }

    private final class ShardBox {
        let shard: BatchShard
        init(_ shard: BatchShard) { self.shard = shard }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()
}
