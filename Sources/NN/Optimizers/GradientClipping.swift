import TensorCore

/// The gradients scaled so that their global L2 norm is at most `maxNorm`, and the norm before
/// scaling (as `torch.nn.utils.clip_grad_norm_`, which scales by maxNorm / (norm + 1e-6)).
public func clipByGlobalNorm(_ gradients: [String: Tensor], maxNorm: Float) -> (gradients: [String: Tensor], norm: Float) {
    let norm = globalNorm(gradients)
    let scale = maxNorm / (norm + 1e-6)
    guard scale < 1 else { return (gradients, norm) }
    return (gradients.mapValues { $0 * scale }, norm)
}

/// The L2 norm of all gradients together: Float partial sums (16 lanes) over blocks of 4,096
/// elements, added in Double in block order (the blocks are summed in parallel; the result
/// does not depend on the thread count).
public func globalNorm(_ gradients: [String: Tensor]) -> Float {
    let blockSize = 4096
    var total = 0.0
    for gradient in gradients.values {
        let blocks = (gradient.count + blockSize - 1) / blockSize
        let sums = [Double](unsafeUninitializedCapacity: blocks) { sums, initialized in
            let sums = sums.baseAddress!
            withExtendedLifetime(gradient) {
                let p = UnsafePointer(gradient.storage.base)
                Parallel.forEachChunk(blocks, costPerItem: blockSize) { range in
                    for block in range {
                        var lanes = FloatVector(repeating: 0)
                        forEachVector(in: block * blockSize..<min(gradient.count, (block + 1) * blockSize)) { i, count in
                            let values = p.loadVector(at: i, count: count)
                            lanes += values * values
                        }
                        sums[block] = Double(lanes.sum())
                    }
                }
            }
            initialized = blocks
        }
        for sum in sums { total += sum }
    }
    return Float(total.squareRoot())
}
