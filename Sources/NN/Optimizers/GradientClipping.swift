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
/// elements, added in Double.
public func globalNorm(_ gradients: [String: Tensor]) -> Float {
    var total = 0.0
    for gradient in gradients.values {
        withExtendedLifetime(gradient) {
            let p = UnsafePointer(gradient.storage.base)
            for start in stride(from: 0, to: gradient.count, by: 4096) {
                var block = FloatVector(repeating: 0)
                forEachVector(in: start..<min(gradient.count, start + 4096)) { i, count in
                    let values = p.loadVector(at: i, count: count)
                    block += values * values
                }
                total += Double(block.sum())
            }
        }
    }
    return Float(total.squareRoot())
}
