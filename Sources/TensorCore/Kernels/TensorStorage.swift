import Synchronization

/// The memory behind a tensor: a fixed-size buffer of `Float`, shared by tensors that are
/// reshapes of one another and never written after its creating kernel returns.
///
/// Large buffers come from and go back to `BufferCache`, so the same sizes asked for every
/// training step cost no `mmap`, page faults or zeroing.
public final class TensorStorage: @unchecked Sendable {
    /// The first element.
    public let base: UnsafeMutablePointer<Float>
    /// Number of elements.
    public let count: Int

    /// A buffer whose contents are undefined; the caller writes every element.
    init(uninitializedCount count: Int) {
        self.count = count
        self.base = BufferCache.shared.take(count)
    }

    /// A buffer of zeros.
    convenience init(zeroedCount count: Int) {
        self.init(uninitializedCount: count)
        base.update(repeating: 0, count: count)
    }

    deinit { BufferCache.shared.give(base, count: count) }
}

/// A size-bucketed cache of freed buffers, bounded in total size.
final class BufferCache: Sendable {
    static let shared = BufferCache()

    /// Buffers below this many elements are plain `malloc`s: the allocator handles them well.
    private static let smallestCached = 16_384
    /// Most bytes held in idle buffers; beyond it freed buffers go back to the system.
    private static let capacityBytes = 3 << 30

    private struct State: ~Copyable {
        var idle: [Int: [UInt]] = [:]  // addresses of idle buffers by element count
        var idleBytes = 0
    }
    private let state = Mutex(State())

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        let size = max(count, 1)
        if size >= Self.smallestCached {
            let reused = state.withLock { state -> UInt? in
                guard let address = state.idle[size]?.popLast() else { return nil }
                state.idleBytes -= size * 4
                return address
            }
            if let reused, let buffer = UnsafeMutablePointer<Float>(bitPattern: reused) { return buffer }
        }
        return UnsafeMutablePointer<Float>.allocate(capacity: size)
    }

    func give(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        let size = max(count, 1)
        if size >= Self.smallestCached {
            let address = UInt(bitPattern: buffer)
            let kept = state.withLock { state -> Bool in
                guard state.idleBytes + size * 4 <= Self.capacityBytes else { return false }
                state.idle[size, default: []].append(address)
                state.idleBytes += size * 4
                return true
            }
            if kept { return }
        }
        buffer.deallocate()
    }

    /// Frees every idle buffer.
    func trim() {
        let addresses = state.withLock { state -> [UInt] in
            defer { state.idle = [:]; state.idleBytes = 0 }
            return state.idle.values.flatMap { $0 }
        }
        for address in addresses { UnsafeMutablePointer<Float>(bitPattern: address)?.deallocate() }
    }
}
