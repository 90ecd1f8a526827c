/// Sums and maxima over axes.
extension Tensor {
    /// The sum over `axes` (all axes when nil); reduced axes are kept with size 1 when
    /// `keepDims`, dropped otherwise.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = self
        let axes = Shape.normalize(axes: axes, rank: rank, op: "sum")
        let kept = Reduction.reduce(x, axes: axes, initial: 0, ScalarFunctions.Add())
        let result = kept.recorded("sum", [x]) { g, _ in [g.reshape(kept.shape).broadcast(to: x.shape)] }
        return keepDims ? result : result.reshape(Self.dropping(axes, from: x.shape))
    }

    /// The maximum over `axes` (all axes when nil). Ties share the gradient equally.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = self
        let axes = Shape.normalize(axes: axes, rank: rank, op: "max")
        require(axes.allSatisfy { shape[$0] > 0 }, "max: empty axis in shape \(shape)")
        let kept = Reduction.reduce(x, axes: axes, initial: -.infinity, ScalarFunctions.Maximum())
        let result = kept.recorded("max", [x], savesOutput: true) { g, y in
            let isMaximum = Elementwise.zip(x, y, operation: "max") { $0 == $1 ? 1 : 0 }
            let share = isMaximum / isMaximum.sum(axes: axes, keepDims: true)
            return [g.reshape(kept.shape) * share]
        }
        return keepDims ? result : result.reshape(Self.dropping(axes, from: x.shape))
    }

    /// The minimum over `axes` (all axes when nil).
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        -(-self).max(axes: axes, keepDims: keepDims)
    }

    /// This tensor summed down to `target`, a shape it broadcasts from (the pullback of
    /// broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        require(Shape.broadcast(target, shape) == shape, "sum(toShape:): \(shape) does not broadcast from \(target)")
        let offset = rank - target.count
        let axes = (0..<rank).filter { $0 < offset || target[$0 - offset] == 1 && shape[$0] != 1 }
        return sum(axes: axes, keepDims: true).reshape(target)
    }

    static func dropping(_ axes: [Int], from shape: [Int]) -> [Int] {
        shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element)
    }
}
