/// Log-sum-exp and the softmax family, stable for large inputs.
extension Tensor {
    /// log(sum(exp(x))) over `axes`, computed after subtracting the maximum.
    public func logSumExp(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let normalized = Shape.normalize(axes: axes, rank: rank, op: "logSumExp")
        let peak = stopGradient(max(axes: normalized, keepDims: true))
        let result = (self - peak).exp().sum(axes: normalized, keepDims: true).log() + peak
        return keepDims ? result : result.reshape(Self.dropping(normalized, from: shape))
    }

    /// log(softmax(x)) along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor { self - logSumExp(axes: [axis], keepDims: true) }

    /// exp(x) normalized to sum to 1 along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { logSoftmax(axis: axis).exp() }
}
