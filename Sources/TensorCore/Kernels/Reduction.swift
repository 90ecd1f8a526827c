/// Reductions along axes: each reduced axis is folded away with a combining function.
enum Reduction {
    /// `x` with `axes` (sorted, unique) folded by `combine`, starting from `initial`; the
    /// result keeps the reduced axes with size 1.
    static func reduce<F: BinaryFunction>(_ x: Tensor, axes: [Int], initial: Float, _ combine: F) -> Tensor {
        var current = x
        // Merge runs of adjacent reduced axes into one pass each, last run first.
        var runs: [(start: Int, end: Int)] = []
        for axis in axes {
            if let last = runs.last, last.end == axis { runs[runs.count - 1].end = axis + 1 } else { runs.append((axis, axis + 1)) }
        }
        for run in runs.reversed() {
            current = reduce(current, from: run.start, to: run.end, initial: initial, combine)
        }
        if runs.isEmpty { current = Tensor(shape: x.shape, storage: x.storage) }
        return current
    }

    /// Folds axes `start..<end` of `x`, viewed as [outer, reduced, inner].
    private static func reduce<F: BinaryFunction>(_ x: Tensor, from start: Int, to end: Int, initial: Float,
                                                  _ combine: F) -> Tensor {
        let outer = x.shape[..<start].reduce(1, *)
        let reduced = x.shape[start..<end].reduce(1, *)
        let inner = x.shape[end...].reduce(1, *)
        var shape = x.shape
        for axis in start..<end { shape[axis] = 1 }
        let input = UnsafePointer(x.storage.base)
        return Tensor(shape: shape) { out in
            if inner == 1 {
                Parallel.forEachChunk(outer, costPerItem: reduced) { range in
                    for o in range {
                        out[o] = foldRow(input + o * reduced, reduced, initial, combine)
                    }
                }
            } else if outer >= Parallel.threadCount || outer * reduced * inner < Parallel.minimumParallelWork {
                Parallel.forEachChunk(outer, costPerItem: reduced * inner) { range in
                    for o in range { fold(input + o * reduced * inner, out + o * inner, reduced, inner, initial, combine) }
                }
            } else {
                // Few outer rows: split the inner axis across threads instead.
                for o in 0..<outer {
                    Parallel.forEachChunk(inner, costPerItem: reduced) { range in
                        fold(input + o * reduced * inner + range.lowerBound, out + o * inner + range.lowerBound,
                             reduced, range.count, initial, combine, rowStride: inner)
                    }
                }
            }
        }
    }

    /// `reduced` contiguous elements folded into one. Sums go 16 lanes at a time (a different
    /// order of additions than one by one, fixed for a given length).
    @inline(__always)
    private static func foldRow<F: BinaryFunction>(_ row: UnsafePointer<Float>, _ reduced: Int, _ initial: Float, _ combine: F) -> Float {
        if F.self == ScalarFunctions.Add.self {
            var lanes = FloatVector(repeating: 0)
            forEachVector(in: 0..<reduced) { r, count in lanes += row.loadVector(at: r, count: count) }
            return initial + lanes.sum()
        }
        var accumulator = initial
        for r in 0..<reduced { accumulator = combine(accumulator, row[r]) }
        return accumulator
    }

    @inline(__always)
    private static func fold<F: BinaryFunction>(_ input: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ reduced: Int,
                                                _ inner: Int, _ initial: Float, _ combine: F, rowStride: Int? = nil) {
        let stride = rowStride ?? inner
        for i in 0..<inner { out[i] = initial }
        for r in 0..<reduced {
            let row = input + r * stride
            for i in 0..<inner { out[i] = combine(out[i], row[i]) }
        }
    }
}
