/// A function of one float, as a type: kernels generic over it are specialized per function,
/// so the per-element call is inlined (a closure would be called indirectly per element).
protocol UnaryFunction {
    func callAsFunction(_ x: Float) -> Float
}

/// A function of two floats, as a type (see `UnaryFunction`).
protocol BinaryFunction {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// A closure as a `UnaryFunction`, for kernels off the hot path.
struct UnaryClosure: UnaryFunction {
    let body: (Float) -> Float
    func callAsFunction(_ x: Float) -> Float { body(x) }
}

/// A closure as a `BinaryFunction`, for kernels off the hot path.
struct BinaryClosure: BinaryFunction {
    let body: (Float, Float) -> Float
    func callAsFunction(_ a: Float, _ b: Float) -> Float { body(a, b) }
}

/// Elementwise kernels: a function applied to each element, or to pairs of elements of two
/// arrays broadcast against each other (NumPy rules).
enum Elementwise {
    /// `f` applied to each element of `x` (a closure: for masks and other cold paths).
    static func map(_ x: Tensor, _ f: @escaping (Float) -> Float) -> Tensor { map(x, UnaryClosure(body: f)) }

    /// `f` applied to pairs of elements (a closure: for masks and other cold paths).
    static func zip(_ a: Tensor, _ b: Tensor, operation: String, _ f: @escaping (Float, Float) -> Float) -> Tensor {
        zip(a, b, operation: operation, BinaryClosure(body: f))
    }

    /// `f` applied to each element of `x`.
    static func map<F: UnaryFunction>(_ x: Tensor, _ f: F) -> Tensor {
        Tensor(shape: x.shape) { out in
            let input = UnsafePointer(x.storage.base)
            Parallel.forEachChunk(x.count) { range in
                for i in range { out[i] = f(input[i]) }
            }
        }
    }

    /// `f` applied to pairs of elements of `a` and `b`, broadcast to a common shape.
    static func zip<F: BinaryFunction>(_ a: Tensor, _ b: Tensor, operation: String, _ f: F) -> Tensor {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            fatalError("\(operation): shapes \(a.shape) and \(b.shape) do not broadcast")
        }
        let pa = UnsafePointer(a.storage.base), pb = UnsafePointer(b.storage.base)
        return Tensor(shape: shape) { out in
            let count = shape.reduce(1, *)
            if a.shape == b.shape {
                Parallel.forEachChunk(count) { range in for i in range { out[i] = f(pa[i], pb[i]) } }
            } else if b.count == 1 {
                let value = pb[0]
                Parallel.forEachChunk(count) { range in for i in range { out[i] = f(pa[i], value) } }
            } else if a.count == 1 {
                let value = pa[0]
                Parallel.forEachChunk(count) { range in for i in range { out[i] = f(value, pb[i]) } }
            } else {
                let walk = StridedWalk(shape: shape, strides: [Shape.broadcastStrides(a.shape, to: shape),
                                                              Shape.broadcastStrides(b.shape, to: shape)])
                walk.forEachRow { row, offsets, inner, innerStrides in
                    let o = out + row * inner, x = pa + offsets[0], y = pb + offsets[1]
                    switch (innerStrides[0], innerStrides[1]) {
                    case (1, 1): for i in 0..<inner { o[i] = f(x[i], y[i]) }
                    case (1, 0): let v = y[0]; for i in 0..<inner { o[i] = f(x[i], v) }
                    case (0, 1): let v = x[0]; for i in 0..<inner { o[i] = f(v, y[i]) }
                    case let (sx, sy): for i in 0..<inner { o[i] = f(x[i * sx], y[i * sy]) }
                    }
                }
            }
        }
    }

    /// `f` applied to triples of elements of three arrays broadcast to a common shape.
    @inline(__always)
    static func zip3(_ a: Tensor, _ b: Tensor, _ c: Tensor, operation: String,
                     _ f: (Float, Float, Float) -> Float) -> Tensor {
        guard let ab = Shape.broadcast(a.shape, b.shape), let shape = Shape.broadcast(ab, c.shape) else {
            fatalError("\(operation): shapes \(a.shape), \(b.shape) and \(c.shape) do not broadcast")
        }
        let pa = UnsafePointer(a.storage.base), pb = UnsafePointer(b.storage.base), pc = UnsafePointer(c.storage.base)
        return Tensor(shape: shape) { out in
            let walk = StridedWalk(shape: shape, strides: [Shape.broadcastStrides(a.shape, to: shape),
                                                          Shape.broadcastStrides(b.shape, to: shape),
                                                          Shape.broadcastStrides(c.shape, to: shape)])
            walk.forEachRow { row, offsets, inner, s in
                let o = out + row * inner, x = pa + offsets[0], y = pb + offsets[1], z = pc + offsets[2]
                for i in 0..<inner { o[i] = f(x[i * s[0]], y[i * s[1]], z[i * s[2]]) }
            }
        }
    }
}

/// A walk over the rows (last axis) of a contiguous output of `shape`, tracking where each
/// row starts in several strided operands. Axes that can be merged are merged first, so rows
/// are as long as the layouts allow.
struct StridedWalk {
    let outerSizes: [Int]
    let outerStrides: [[Int]]
    let inner: Int
    let innerStrides: [Int]
    let rows: Int

    init(shape: [Int], strides: [[Int]]) {
        var sizes: [Int] = []
        var merged: [[Int]] = strides.map { _ in [] }
        for axis in shape.indices where shape[axis] != 1 {
            if let last = sizes.last,
               strides.indices.allSatisfy({ merged[$0].last! == strides[$0][axis] * shape[axis] }) {
                sizes[sizes.count - 1] = last * shape[axis]
                for k in strides.indices { merged[k][merged[k].count - 1] = strides[k][axis] }
            } else {
                sizes.append(shape[axis])
                for k in strides.indices { merged[k].append(strides[k][axis]) }
            }
        }
        if sizes.isEmpty {
            sizes = [1]
            merged = strides.map { _ in [0] }
        }
        inner = sizes.last!
        innerStrides = merged.map { $0.last! }
        outerSizes = Array(sizes.dropLast())
        outerStrides = merged.map { Array($0.dropLast()) }
        rows = outerSizes.reduce(1, *)
    }

    /// Calls `body(row, offsets, inner, innerStrides)` for every row, in parallel chunks.
    @inline(__always)
    func forEachRow(_ body: (_ row: Int, _ offsets: UnsafeMutablePointer<Int>, _ inner: Int,
                             _ innerStrides: UnsafeMutablePointer<Int>) -> Void) {
        let operands = innerStrides.count, depth = outerSizes.count
        guard rows > 0 && inner > 0 else { return }
        Parallel.forEachChunk(rows, costPerItem: inner) { range in
            let offsets = UnsafeMutablePointer<Int>.allocate(capacity: operands)
            let steps = UnsafeMutablePointer<Int>.allocate(capacity: operands)
            let index = UnsafeMutablePointer<Int>.allocate(capacity: max(depth, 1))
            defer { offsets.deallocate(); steps.deallocate(); index.deallocate() }
            for k in 0..<operands { offsets[k] = 0; steps[k] = innerStrides[k] }
            var remainder = range.lowerBound
            for axis in stride(from: depth - 1, through: 0, by: -1) {
                index[axis] = remainder % outerSizes[axis]
                remainder /= outerSizes[axis]
                for k in 0..<operands { offsets[k] += index[axis] * outerStrides[k][axis] }
            }
            for row in range {
                body(row, offsets, inner, steps)
                var axis = depth - 1
                while axis >= 0 {
                    index[axis] += 1
                    for k in 0..<operands { offsets[k] += outerStrides[k][axis] }
                    if index[axis] < outerSizes[axis] { break }
                    for k in 0..<operands { offsets[k] -= outerStrides[k][axis] * outerSizes[axis] }
                    index[axis] = 0
                    axis -= 1
                }
            }
        }
    }
}
