/// The one layout kernel: copies a strided region of one array into a strided region of
/// another. Permute, broadcast, slice, pad, flip and concatenate are all this copy with
/// different strides and offsets.
enum StridedCopy {
    /// Copies `shape` elements read at `source + sourceOffset` with `sourceStrides` to
    /// `destination + destinationOffset` with `destinationStrides`.
    static func copy(shape: [Int],
                     from source: UnsafePointer<Float>, offset sourceOffset: Int, strides sourceStrides: [Int],
                     to destination: UnsafeMutablePointer<Float>, offset destinationOffset: Int,
                     strides destinationStrides: [Int]) {
        guard !shape.contains(0) else { return }
        let walk = StridedWalk(shape: shape, strides: [destinationStrides, sourceStrides])
        let src = source + sourceOffset, dst = destination + destinationOffset
        walk.forEachRow { _, offsets, inner, steps in
            let d = dst + offsets[0], s = src + offsets[1]
            let ds = steps[0], ss = steps[1]
            if ds == 1 && ss == 1 {
                d.update(from: s, count: inner)
            } else if ss == 0 {
                let value = s[0]
                for i in 0..<inner { d[i * ds] = value }
            } else {
                for i in 0..<inner { d[i * ds] = s[i * ss] }
            }
        }
    }

    /// A new contiguous tensor of `shape` read from `x` with the given offset and strides.
    static func gather(_ x: Tensor, shape: [Int], offset: Int, strides: [Int]) -> Tensor {
        Tensor(shape: shape) { out in
            copy(shape: shape, from: x.storage.base, offset: offset, strides: strides,
                 to: out, offset: 0, strides: Shape.strides(shape))
        }
    }
}
