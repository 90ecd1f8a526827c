import Dispatch
import Foundation
import COpenBLAS

/// GANKit's one pool of worker threads for its own loops, sized to the cores.
///
/// OpenBLAS itself runs single-threaded: large GEMMs are split into blocks on these threads
/// (see `Gemm`), so no second pool spins while our loops run.
public enum Parallel {
    /// Threads used by parallel loops and GEMM blocks (default: the core count, or the
    /// `GANKIT_THREADS` environment variable).
    public static let threadCount: Int = {
        let fromEnvironment = ProcessInfo.processInfo.environment["GANKIT_THREADS"].flatMap(Int.init)
        let count = max(1, fromEnvironment ?? ProcessInfo.processInfo.activeProcessorCount)
        openblas_set_num_threads(1)  // GEMMs are split across our own threads (see Gemm)
        return count
    }()

    /// Work below this many elements runs on the calling thread: waking a worker costs about
    /// as much as a pass over 100,000 floats (2^17 instead of 2^15: `vanilla` 3.9% faster on two
    /// threads, `dcgan` unchanged).
    public static let minimumParallelWork = 1 << 17

    /// Calls `body(range)` for contiguous pieces of `0..<count`, in parallel when the work
    /// (`count * costPerItem` elements) is large enough to pay for it.
    @inline(__always)
    public static func forEachChunk(_ count: Int, costPerItem: Int = 1, _ body: (Range<Int>) -> Void) {
        let threads = threadCount
        if threads == 1 || count < 2 || count * costPerItem < minimumParallelWork {
            body(0..<count)
            return
        }
        let chunks = min(threads, count)
        withoutActuallyEscaping(body) { escapable in
            nonisolated(unsafe) let body = escapable  // chunks touch disjoint memory
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = count * chunk / chunks
                let end = count * (chunk + 1) / chunks
                body(start..<end)
            }
        }
    }
}
