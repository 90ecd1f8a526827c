import Foundation
import TensorCore

/// Averages gradients over the processes of a data-parallel group before an optimizer applies
/// them, so every process takes the same step (the step one process would take on the whole
/// global batch, when each process's loss is the mean over its equal shard).
///
/// The gradients are packed, in the model's parameter order, into flat buckets of at most
/// `bucketCapacity` floats (a larger tensor gets a bucket of its own); each bucket is summed
/// with one all-reduce and scaled by 1 / size. Few large messages cost far less latency than
/// one per parameter. Install one on an optimizer with `OptimizerState.gradientSynchronizer`.
public final class GradientSynchronizer {
    public let communicator: any Communicator
    /// The most floats one bucket holds (default 4 Mi floats, 16 MiB).
    public let bucketCapacity: Int
    /// All-reduces made so far.
    public private(set) var reductions = 0
    /// Bytes all-reduced so far (each process's contribution).
    public private(set) var bytesReduced = 0
    /// Seconds spent inside the all-reduces so far (waiting for slower processes included).
    public private(set) var seconds = 0.0

    public init(communicator: any Communicator, bucketCapacity: Int = 4 << 20) {
        require(bucketCapacity > 0, "GradientSynchronizer: bucketCapacity must be positive, not \(bucketCapacity)")
        self.communicator = communicator
        self.bucketCapacity = bucketCapacity
    }

    /// The buckets `averaged` makes for tensors of `counts` elements, in order: ranges of indices.
    public func buckets(counts: [Int]) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = 0, filled = 0
        for (index, count) in counts.enumerated() {
            if filled > 0 && filled + count > bucketCapacity {
                result.append(start..<index)
                start = index
                filled = 0
            }
            filled += count
        }
        if start < counts.count { result.append(start..<counts.count) }
        return result
    }

    /// `gradients` averaged over the group. `order` lists the names in the same order on every
    /// process (a model's parameter order); names without a gradient are skipped, and gradients
    /// whose name is not in `order` are returned unchanged.
    public func averaged(_ gradients: [String: Tensor], order: [String]) -> [String: Tensor] {
        let names = order.filter { gradients[$0] != nil }
        let tensors = names.map { gradients[$0]! }
        var result = gradients
        let scale = 1 / Float(communicator.size)
        for bucket in buckets(counts: tensors.map(\.count)) {
            let total = tensors[bucket].reduce(0) { $0 + $1.count }
            var flat = [Float](repeating: 0, count: total)
            flat.withUnsafeMutableBufferPointer { buffer in
                var offset = 0
                for tensor in tensors[bucket] {
                    withExtendedLifetime(tensor) { (buffer.baseAddress! + offset).update(from: tensor.storage.base, count: tensor.count) }
                    offset += tensor.count
                }
                let start = DispatchTime.now().uptimeNanoseconds
                communicator.allReduceSum(buffer.baseAddress!, count: total)
                seconds += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                offset = 0
                for index in bucket {
                    let count = tensors[index].count
                    let source = buffer.baseAddress! + offset
                    result[names[index]] = Tensor(shape: tensors[index].shape) { out in
                        for i in 0..<count { out[i] = source[i] * scale }
                    }
                    offset += count
                }
            }
            reductions += 1
            bytesReduced += total * MemoryLayout<Float>.size
        }
        return result
    }
}
