/// Operations that move elements without changing them: reshape, permute, broadcast, slice,
/// pad, flip and concatenate. All but reshape (which shares storage) are one strided copy.
extension Tensor {
    /// The same elements in a new shape; one size may be -1 and is then inferred.
    public func reshape(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let unknown = newShape.firstIndex(of: -1) {
            let known = newShape.enumerated().filter { $0.offset != unknown }.map(\.element).reduce(1, *)
            require(known > 0 && count % known == 0, "reshape: cannot reshape \(shape) to \(newShape)")
            resolved[unknown] = count / known
        }
        require(resolved.allSatisfy { $0 >= 0 } && resolved.reduce(1, *) == count,
                     "reshape: cannot reshape \(shape) to \(newShape)")
        if resolved == shape { return self }
        let x = self
        return Tensor(shape: resolved, storage: storage).recorded("reshape", [x]) { g, _ in [g.reshape(x.shape)] }
    }

    /// The axes reordered: axis i of the result is axis `axes[i]` of this tensor.
    public func permute(_ axes: [Int]) -> Tensor {
        let axes = axes.map { Shape.normalize(axis: $0, rank: rank, op: "permute") }
        require(axes.sorted() == Array(0..<rank), "permute: \(axes) is not a permutation of the axes of \(shape)")
        if axes == Array(0..<rank) { return self }
        let own = Shape.strides(shape)
        let result = StridedCopy.gather(self, shape: axes.map { shape[$0] }, offset: 0, strides: axes.map { own[$0] })
        var inverse = [Int](repeating: 0, count: rank)
        for (i, axis) in axes.enumerated() { inverse[axis] = i }
        return result.recorded("permute", [self]) { g, _ in [g.permute(inverse)] }
    }

    /// This tensor repeated along new leading axes and axes of size 1 to fill `target`.
    public func broadcast(to target: [Int]) -> Tensor {
        if target == shape { return self }
        require(Shape.broadcast(shape, target) == target, "broadcast: \(shape) does not broadcast to \(target)")
        let x = self
        let result = StridedCopy.gather(x, shape: target, offset: 0, strides: Shape.broadcastStrides(shape, to: target))
        return result.recorded("broadcast", [x]) { g, _ in [g.sum(toShape: x.shape)] }
    }

    /// The block `lowerBounds[i]..<upperBounds[i]` along every axis i.
    public func slice(lowerBounds: [Int], upperBounds: [Int]) -> Tensor {
        require(lowerBounds.count == rank && upperBounds.count == rank,
                     "slice: bounds \(lowerBounds)..<\(upperBounds) do not match shape \(shape)")
        require(shape.indices.allSatisfy { 0 <= lowerBounds[$0] && lowerBounds[$0] <= upperBounds[$0] && upperBounds[$0] <= shape[$0] },
                     "slice: bounds \(lowerBounds)..<\(upperBounds) out of range for shape \(shape)")
        let x = self
        let own = Shape.strides(shape)
        let offset = zip(lowerBounds, own).map(*).reduce(0, +)
        let result = StridedCopy.gather(x, shape: zip(upperBounds, lowerBounds).map(-), offset: offset, strides: own)
        return result.recorded("slice", [x]) { g, _ in
            [g.padded(zip(lowerBounds, zip(upperBounds, x.shape)).map { ($0, $1.1 - $1.0) })]
        }
    }

    /// This tensor with `padding[i].before` and `.after` elements of `value` added along axis i.
    public func padded(_ padding: [(before: Int, after: Int)], value: Float = 0) -> Tensor {
        require(padding.count == rank && padding.allSatisfy { $0.before >= 0 && $0.after >= 0 },
                     "padded: padding \(padding) does not fit shape \(shape)")
        let x = self
        let outShape = shape.indices.map { shape[$0] + padding[$0].before + padding[$0].after }
        let outStrides = Shape.strides(outShape)
        let offset = zip(padding.map(\.before), outStrides).map(*).reduce(0, +)
        let result = Tensor(shape: outShape) { out in
            out.update(repeating: value, count: outShape.reduce(1, *))
            StridedCopy.copy(shape: x.shape, from: x.storage.base, offset: 0, strides: Shape.strides(x.shape),
                             to: out, offset: offset, strides: outStrides)
        }
        return result.recorded("pad", [x]) { g, _ in
            [g.slice(lowerBounds: padding.map(\.before), upperBounds: x.shape.indices.map { padding[$0].before + x.shape[$0] })]
        }
    }

    /// The elements in reverse order along `axes`.
    public func flipped(axes: [Int]) -> Tensor {
        let axes = Shape.normalize(axes: axes, rank: rank, op: "flipped")
        var strides = Shape.strides(shape)
        var offset = 0
        for axis in axes {
            offset += (shape[axis] - 1) * strides[axis]
            strides[axis] = -strides[axis]
        }
        let result = count == 0 ? self : StridedCopy.gather(self, shape: shape, offset: offset, strides: strides)
        return result.recorded("flip", [self]) { g, _ in [g.flipped(axes: axes)] }
    }

    /// The tensors joined along `axis`; all other sizes must agree.
    public static func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "concat: no tensors")
        let first = tensors[0]
        let axis = Shape.normalize(axis: axis, rank: first.rank, op: "concat")
        for t in tensors {
            require(t.rank == first.rank && t.shape.indices.allSatisfy { $0 == axis || t.shape[$0] == first.shape[$0] },
                         "concat: shape \(t.shape) does not match \(first.shape) off axis \(axis)")
        }
        var outShape = first.shape
        outShape[axis] = tensors.map { $0.shape[axis] }.reduce(0, +)
        let outStrides = Shape.strides(outShape)
        let result = Tensor(shape: outShape) { out in
            var start = 0
            for t in tensors {
                StridedCopy.copy(shape: t.shape, from: t.storage.base, offset: 0, strides: Shape.strides(t.shape),
                                 to: out, offset: start * outStrides[axis], strides: outStrides)
                start += t.shape[axis]
            }
        }
        let sizes = tensors.map { $0.shape[axis] }
        return result.recorded("concat", tensors) { g, _ in g.split(sizes: sizes, axis: axis) }
    }
}
