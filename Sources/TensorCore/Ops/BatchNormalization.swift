/// Batch normalization with batch statistics as one fused primitive, and the per-channel
/// combination its backward pass is made of.
extension Tensor {
    /// (a - center) · scaleA + b · scaleB + shift, where a and b (same shape, rank ≥ 2, channels
    /// on axis 1) are combined with per-channel coefficients of shape [1, C, 1, ...] (`center`,
    /// `b` and `scaleB` optional): one pass instead of up to five broadcast elementwise ops.
    /// Differentiable in every operand.
    public static func channelCombination(_ a: Tensor, center: Tensor? = nil, scaleA: Tensor, _ b: Tensor? = nil, scaleB: Tensor? = nil,
                                          shift: Tensor) -> Tensor {
        require(a.rank >= 2, "channelCombination: input shape \(a.shape) has no channel axis")
        let coefficientShape = [1, a.shape[1]] + Array(repeating: 1, count: a.rank - 2)
        for (name, coefficient) in [("center", center), ("scaleA", scaleA), ("scaleB", scaleB), ("shift", shift)] {
            if let coefficient {
                require(coefficient.shape == coefficientShape, "channelCombination: \(name) shape \(coefficient.shape) is not \(coefficientShape)")
            }
        }
        require((b == nil) == (scaleB == nil), "channelCombination: b and scaleB go together")
        if let b { require(b.shape == a.shape, "channelCombination: shapes \(a.shape) and \(b.shape) differ") }
        let layout = ChannelKernels.Layout(a.shape)
        let value = withExtendedLifetime((a, center, scaleA, b, scaleB, shift)) {
            Tensor(shape: a.shape) { out in
                ChannelKernels.combine(a.storage.base, center: center.map { UnsafePointer($0.storage.base) }, scaleA.storage.base,
                                       b.map { UnsafePointer($0.storage.base) }, scaleB.map { UnsafePointer($0.storage.base) },
                                       shift.storage.base, layout, into: out)
            }
        }
        // Inputs: a, scaleA, shift, then center, then b and scaleB, as present.
        var inputs = [a, scaleA, shift]
        if let center { inputs.append(center) }
        if let b, let scaleB { inputs += [b, scaleB] }
        return value.recordedSelectively("channelCombination", inputs) { g, _, needed in
            let centered = center.map { a - $0 } ?? a
            var cotangents: [Tensor?] = [
                needed[0] ? g * scaleA : nil,
                needed[1] ? (g * centered).sum(toShape: coefficientShape) : nil,
                needed[2] ? g.sum(toShape: coefficientShape) : nil,
            ]
            if center != nil { cotangents.append(needed[3] ? -(g * scaleA).sum(toShape: coefficientShape) : nil) }
            if let b, let scaleB {
                let k = center == nil ? 3 : 4
                cotangents.append(needed[k] ? g * scaleB : nil)
                cotangents.append(needed[k + 1] ? (g * b).sum(toShape: coefficientShape) : nil)
            }
            return cotangents
        }
    }

    /// Batch normalization with this batch's statistics (PyTorch's training mode): each
    /// channel (axis 1) normalized by the mean and biased variance over the other axes, then
    /// scaled by `weight` and shifted by `bias` ([C] each, optional). Also returns the
    /// statistics ([C], constants) for running averages.
    ///
    /// One primitive: two reading passes for the statistics and one writing the output; its
    /// backward is three passes over the batch (two sums and one combination) where the
    /// composed formula takes about twenty. The backward is written with differentiable ops;
    /// when it is itself being traced (gradients of gradients) it recomputes the statistics
    /// with differentiable ops from the input, so second derivatives are exact.
    public func batchNormalized(weight: Tensor?, bias: Tensor?, epsilon: Float) -> (output: Tensor, mean: Tensor, variance: Tensor) {
        let x = self
        require(rank >= 2, "batchNormalized: input shape \(shape) has no channel axis")
        let channels = shape[1], layout = ChannelKernels.Layout(shape)
        let count = layout.outer * layout.inner
        require(count > 0, "batchNormalized: input shape \(shape) has no values per channel")
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter { require(parameter.shape == [channels], "batchNormalized: \(name) shape \(parameter.shape) is not [\(channels)]") }
        }
        let coefficientShape = [1, channels] + Array(repeating: 1, count: rank - 2)
        var variance = Tensor(0)
        let mean = withExtendedLifetime(x) {
            Tensor(shape: [channels]) { mean in
                variance = Tensor(shape: [channels]) { variance in
                    ChannelKernels.meanAndVariance(x.storage.base, layout, mean: mean, variance: variance)
                }
            }
        }
        // y = (x - mean) · scale + bias with scale = weight / √(var + ε).
        let inverseDeviation = (variance + epsilon).sqrt().reciprocal()
        let scale = weight.map { $0.detached() * inverseDeviation } ?? inverseDeviation
        let output = Tensor.channelCombination(x.detached(), center: mean.reshape(coefficientShape), scaleA: scale.reshape(coefficientShape),
                                               shift: (bias?.detached() ?? Tensor.zeros([channels])).reshape(coefficientShape)).detached()
        var inputs = [x]
        if let weight { inputs.append(weight) }
        if let bias { inputs.append(bias) }
        let traced = output.recordedSelectively("batchNormalized", inputs) { g, _, needed in
            let axes = [0] + Array(2..<x.rank)
            let statistics: (mean: Tensor, inverseDeviation: Tensor)
            if Tracing.isRecording {
                // Differentiated again: the statistics as differentiable functions of x.
                let m = x.mean(axes: axes, keepDims: true)
                let v = (x - m).square().mean(axes: axes, keepDims: true)
                statistics = (m, (v + epsilon).sqrt().reciprocal())
            } else {
                statistics = (mean.reshape(coefficientShape), inverseDeviation.reshape(coefficientShape))
            }
            let normalized = Tensor.channelCombination(x, center: statistics.mean, scaleA: statistics.inverseDeviation,
                                                       shift: Tensor.zeros(coefficientShape))
            let gradientSum = g.sum(axes: axes, keepDims: true)
            let projection = (g * normalized).sum(axes: axes, keepDims: true)
            var cotangents: [Tensor?] = []
            if needed[0] {
                // dx = s · (g - mean(g) - x̂ · mean(g · x̂)), s = weight / √(var + ε).
                let s = weight.map { $0.reshape(coefficientShape) * statistics.inverseDeviation } ?? statistics.inverseDeviation
                let n = Float(count)
                cotangents.append(Tensor.channelCombination(g, scaleA: s, normalized, scaleB: -(s * projection) / n,
                                                            shift: -(s * gradientSum) / n))
            } else {
                cotangents.append(nil)
            }
            if weight != nil { cotangents.append(projection.reshape([channels])) }
            if bias != nil { cotangents.append(gradientSum.reshape([channels])) }
            return cotangents
        }
        return (traced, mean, variance)
    }

    /// 1 / x, elementwise.
    fileprivate func reciprocal() -> Tensor { Tensor(1) / self }
}
