/// Shape arithmetic shared by the kernels and ops.
enum Shape {
    /// Row-major strides of a contiguous array of this shape.
    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// NumPy broadcasting of two shapes; nil when they are incompatible.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let x = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let y = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            guard x == y || x == 1 || y == 1 else { return nil }
            result[i] = x == 1 ? y : x
        }
        return result
    }

    /// Strides that read an array of `shape` as if it had the (broadcast) shape `target`:
    /// zero along axes that are repeated.
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let own = strides(shape)
        let offset = target.count - shape.count
        return target.indices.map { i in
            i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
        }
    }

    /// An axis index in `0..<rank`, accepting negative indices from the end.
    static func normalize(axis: Int, rank: Int, op: String) -> Int {
        let normalized = axis < 0 ? axis + rank : axis
        require(normalized >= 0 && normalized < rank, "\(op): axis \(axis) out of range for rank \(rank)")
        return normalized
    }

    /// Sorted, unique, non-negative axes; all axes when `axes` is nil.
    static func normalize(axes: [Int]?, rank: Int, op: String) -> [Int] {
        guard let axes else { return Array(0..<rank) }
        return Array(Set(axes.map { normalize(axis: $0, rank: rank, op: op) })).sorted()
    }
}
