/// Shape operations composed from the layout primitives.
extension Tensor {
    /// Axes `startAxis...endAxis` merged into one.
    public func flatten(startAxis: Int = 1, endAxis: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let start = Shape.normalize(axis: startAxis, rank: rank, op: "flatten")
        let end = Shape.normalize(axis: endAxis, rank: rank, op: "flatten")
        require(start <= end, "flatten: start axis \(startAxis) after end axis \(endAxis) for shape \(shape)")
        return reshape(Array(shape[..<start]) + [shape[start...end].reduce(1, *)] + Array(shape[(end + 1)...]))
    }

    /// A new axis of size 1 at `axis`.
    public func unsqueeze(_ axis: Int) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank + 1, op: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: axis)
        return reshape(newShape)
    }

    /// The axes of size 1 removed (only `axis`, when given).
    public func squeeze(_ axis: Int? = nil) -> Tensor {
        if let axis {
            let axis = Shape.normalize(axis: axis, rank: rank, op: "squeeze")
            require(shape[axis] == 1, "squeeze: axis \(axis) of shape \(shape) is not 1")
            var newShape = shape
            newShape.remove(at: axis)
            return reshape(newShape)
        }
        return reshape(shape.filter { $0 != 1 })
    }

    /// The last two axes swapped (a matrix transpose).
    public func transposed() -> Tensor {
        require(rank >= 2, "transposed: shape \(shape) has fewer than two axes")
        return transposed(rank - 2, rank - 1)
    }

    /// Axes `a` and `b` swapped.
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        var axes = Array(0..<rank)
        axes.swapAt(Shape.normalize(axis: a, rank: rank, op: "transposed"), Shape.normalize(axis: b, rank: rank, op: "transposed"))
        return permute(axes)
    }

    /// This tensor expanded to `shape`, where -1 keeps a size (as `torch.Tensor.expand`).
    public func expand(_ target: [Int]) -> Tensor {
        let offset = target.count - rank
        return broadcast(to: target.enumerated().map { $0.element == -1 ? shape[$0.offset - offset] : $0.element })
    }

    /// The elements `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "slice")
        var lower = [Int](repeating: 0, count: rank), upper = shape
        lower[axis] = range.lowerBound
        upper[axis] = range.upperBound
        return slice(lowerBounds: lower, upperBounds: upper)
    }

    /// Pieces of the given sizes along `axis`.
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "split")
        require(sizes.reduce(0, +) == shape[axis], "split: sizes \(sizes) do not add up to \(shape[axis]) on axis \(axis) of \(shape)")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return slice(axis: axis, start..<(start + size))
        }
    }

    /// `count` equal pieces along `axis`.
    public func split(count: Int, axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "split")
        require(count > 0 && shape[axis] % count == 0, "split: axis \(axis) of \(shape) does not split in \(count)")
        return split(sizes: Array(repeating: shape[axis] / count, count: count), axis: axis)
    }

    /// The tensors (all of one shape) stacked along a new axis.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "stack: no tensors")
        return concat(tensors.map { $0.unsqueeze(axis) }, axis: axis)
    }

    /// The entries `indices` along `axis` (as `torch.index_select`).
    public func gather(indices: [Int], axis: Int = 0) -> Tensor {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "gather")
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        require(indices.allSatisfy { (0..<size).contains($0) }, "gather: an index is out of range 0..<\(size) on axis \(axis) of \(shape)")
        var flat: [Int] = []
        flat.reserveCapacity(outer * indices.count * inner)
        for o in 0..<outer {
            for index in indices {
                let base = (o * size + index) * inner
                for i in 0..<inner { flat.append(base + i) }
            }
        }
        var outShape = shape
        outShape[axis] = indices.count
        return gatherFlat(flat, shape: outShape)
    }
}
