import TensorCore

/// The gradients scaled so that their global L2 norm is at most `maxNorm`, and the norm before
/// scaling (as `torch.nn.utils.clip_grad_norm_`, which scales by maxNorm / (norm + 1e-6)).
public func clipByGlobalNorm(_ gradients: [String: Tensor], maxNorm: Float) -> (gradients: [String: Tensor], norm: Float) {
    let norm = globalNorm(gradients)
    let scale = maxNorm / (norm + 1e-6)
    guard scale < 1 else { return (gradients, norm) }
    return (gradients.mapValues { $0 * scale }, norm)
}

/// The L2 norm of all gradients together: Float partial sums over blocks of 4,096 elements,
/// added in Double.
public func globalNorm(_ gradients: [String: Tensor]) -> Float {
    var total = 0.0
    for gradient in gradients.values {
        withExtendedLifetime(gradient) {
            let p = gradient.storage.base
            var start = 0
            while start < gradient.count {
                let end = min(gradient.count, start + 4096)
                var block: Float = 0
                for i in start..<end { block += p[i] * p[i] }
                total += Double(block)
                start = end
            }
        }
    }
    return Float(total.squareRoot())
}
