/// Reading elements at computed positions, and its adjoint, adding values into positions.
extension Tensor {
    /// The elements at flat (row-major) `indices` of this tensor, in the given shape.
    public func gatherFlat(_ indices: [Int], shape outShape: [Int]) -> Tensor {
        require(indices.count == outShape.reduce(1, *), "gatherFlat: \(indices.count) indices for shape \(outShape)")
        let x = self, n = count
        let result = Tensor(shape: outShape) { out in
            let source = x.storage.base
            indices.withUnsafeBufferPointer { idx in
                for i in 0..<idx.count {
                    require(idx[i] >= 0 && idx[i] < n, "gatherFlat: index \(idx[i]) out of range for \(x.shape)")
                    out[i] = source[idx[i]]
                }
            }
        }
        return result.recorded("gather", [x]) { g, _ in [g.scatterAddFlat(indices, shape: x.shape)] }
    }

    /// A tensor of `outShape` holding zeros plus, for each element of this tensor, its value
    /// added at the flat position given by `indices`.
    public func scatterAddFlat(_ indices: [Int], shape outShape: [Int]) -> Tensor {
        require(indices.count == count, "scatterAddFlat: \(indices.count) indices for \(count) elements")
        let x = self, n = outShape.reduce(1, *)
        let result = Tensor(shape: outShape) { out in
            out.update(repeating: 0, count: n)
            let source = x.storage.base
            indices.withUnsafeBufferPointer { idx in
                for i in 0..<idx.count {
                    require(idx[i] >= 0 && idx[i] < n, "scatterAddFlat: index \(idx[i]) out of range for \(outShape)")
                    out[idx[i]] += source[i]
                }
            }
        }
        return result.recorded("scatterAdd", [x]) { g, _ in [g.gatherFlat(indices, shape: x.shape)] }
    }

    /// Elements of `a` where `mask` is nonzero and of `b` elsewhere (all three broadcast).
    /// Differentiable in `a` and `b`.
    public static func `where`(_ mask: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
        let result = Elementwise.zip3(mask, a, b, operation: "where") { $0 != 0 ? $1 : $2 }
        return result.recorded("where", [a, b]) { g, _ in
            let zero = Tensor.zeros([])
            return [Tensor.where(mask, g, zero).sum(toShape: a.shape), Tensor.where(mask, zero, g).sum(toShape: b.shape)]
        }
    }
}
