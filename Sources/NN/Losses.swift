import TensorCore

/// Mean binary cross-entropy of `logits` against a constant `target` (e.g. 1 for real, 0 for
/// fake), computed stably as softplus(x) - x t. `smoothing` moves the target toward 0.5:
/// t (1 - s) + s / 2 (label smoothing).
public func bceWithLogits(_ logits: Tensor, target: Float, smoothing: Float = 0) -> Tensor {
    let t = target * (1 - smoothing) + smoothing / 2
    return (logits.softplus() - logits * t).mean()
}

/// Mean binary cross-entropy of `logits` against per-element targets in [0, 1].
public func bceWithLogits(_ logits: Tensor, targets: Tensor, smoothing: Float = 0) -> Tensor {
    let t = smoothing == 0 ? targets : targets * (1 - smoothing) + smoothing / 2
    return (logits.softplus() - logits * t).mean()
}

/// Mean squared error.
public func mse(_ prediction: Tensor, _ target: Tensor) -> Tensor { (prediction - target).square().mean() }

/// Mean absolute error.
public func l1(_ prediction: Tensor, _ target: Tensor) -> Tensor { (prediction - target).abs().mean() }

/// Mean cross-entropy of class `logits` [N, K] against integer `labels`, with label smoothing
/// as `torch.nn.CrossEntropyLoss(label_smoothing:)`: the target puts 1 - s on the label and
/// s / K on every class.
public func crossEntropy(_ logits: Tensor, labels: [Int], labelSmoothing: Float = 0) -> Tensor {
    require(logits.rank == 2 && logits.shape[0] == labels.count,
            "crossEntropy: logits \(logits.shape) do not match \(labels.count) labels")
    let classes = logits.shape[1]
    require(labels.allSatisfy { (0..<classes).contains($0) }, "crossEntropy: a label is outside 0..<\(classes)")
    var target = [Float](repeating: labelSmoothing / Float(classes), count: labels.count * classes)
    for (row, label) in labels.enumerated() { target[row * classes + label] += 1 - labelSmoothing }
    return -(logits.logSoftmax(axis: 1) * Tensor(target, shape: logits.shape)).sum(axes: [1]).mean()
}
