/// Matrix products through GEMM, with batch axes broadcast and transposes passed as flags.
extension Tensor {
    /// The matrix product over the last two axes; leading axes broadcast as a batch.
    /// A vector operand is treated as a one-row (left) or one-column (right) matrix.
    public func matmul(_ other: Tensor) -> Tensor {
        require(rank >= 1 && other.rank >= 1, "matmul: shapes \(shape) and \(other.shape) need at least one axis")
        let a = rank == 1 ? reshape([1, shape[0]]) : self
        let b = other.rank == 1 ? other.reshape([other.shape[0], 1]) : other
        var result = Tensor.matrixProduct(a, b, transposeA: false, transposeB: false)
        if rank == 1 { result = result.reshape(Array(result.shape.dropLast(2)) + [result.shape.last!]) }
        if other.rank == 1 { result = result.reshape(Array(result.shape.dropLast())) }
        return result
    }

    /// op(a) · op(b), where op transposes the last two axes when its flag is set; no
    /// transposed copy is made.
    public static func matrixProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool) -> Tensor {
        require(a.rank >= 2 && b.rank >= 2, "matmul: shapes \(a.shape) and \(b.shape) need two axes")
        let (ar, ac) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        let (m, k) = transposeA ? (ac, ar) : (ar, ac)
        let (k2, n) = transposeB ? (bc, br) : (br, bc)
        require(k == k2, "matmul: inner sizes differ for shapes \(a.shape)\(transposeA ? "ᵀ" : "") and \(b.shape)\(transposeB ? "ᵀ" : "")")
        let aBatch = Array(a.shape.dropLast(2)), bBatch = Array(b.shape.dropLast(2))
        guard let batch = Shape.broadcast(aBatch, bBatch) else {
            fatalError("matmul: batch shapes of \(a.shape) and \(b.shape) do not broadcast")
        }
        let batchCount = batch.reduce(1, *)
        let result = Tensor(shape: batch + [m, n]) { out in
            let pa = a.storage.base, pb = b.storage.base
            if bBatch.reduce(1, *) == 1 && !transposeA && aBatch == batch {
                // One GEMM: the batch of `a` is stacked into rows.
                Gemm.multiply(transposeA: false, transposeB: transposeB, m: batchCount * m, n: n, k: k,
                              a: pa, lda: ac, b: pb, ldb: bc, c: out, ldc: n)
                return
            }
            let aStrides = Shape.broadcastStrides(aBatch, to: batch), bStrides = Shape.broadcastStrides(bBatch, to: batch)
            let batchStrides = Shape.strides(batch)
            for index in 0..<batchCount {
                var aOffset = 0, bOffset = 0
                for axis in batch.indices {
                    let i = (index / batchStrides[axis]) % batch[axis]
                    aOffset += i * aStrides[axis]
                    bOffset += i * bStrides[axis]
                }
                Gemm.multiply(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                              a: pa + aOffset * ar * ac, lda: ac, b: pb + bOffset * br * bc, ldb: bc,
                              c: out + index * m * n, ldc: n)
            }
        }
        return result.recordedSelectively("matmul", [a, b]) { g, _, needed in
            let da = !needed[0] ? nil : transposeA ? matrixProduct(b, g, transposeA: transposeB, transposeB: true)
                                                   : matrixProduct(g, b, transposeA: false, transposeB: !transposeB)
            let db = !needed[1] ? nil : transposeB ? matrixProduct(g, a, transposeA: true, transposeB: transposeA)
                                                   : matrixProduct(a, g, transposeA: !transposeA, transposeB: false)
            return [da?.sum(toShape: a.shape), db?.sum(toShape: b.shape)]
        }
    }
}
