/// Means and variances, composed from sums.
extension Tensor {
    /// The mean over `axes` (all axes when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let normalized = Shape.normalize(axes: axes, rank: rank, op: "mean")
        let n = normalized.map { shape[$0] }.reduce(1, *)
        return sum(axes: normalized, keepDims: keepDims) / Float(n)
    }

    /// The variance over `axes` (all axes when nil); divided by n - 1 when `unbiased`.
    public func variance(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = false) -> Tensor {
        let normalized = Shape.normalize(axes: axes, rank: rank, op: "variance")
        let n = normalized.map { shape[$0] }.reduce(1, *)
        let centered = self - mean(axes: normalized, keepDims: true)
        return (centered * centered).sum(axes: normalized, keepDims: keepDims) / Float(unbiased ? n - 1 : n)
    }

    /// The standard deviation over `axes`.
    public func standardDeviation(axes: [Int]? = nil, keepDims: Bool = false, unbiased: Bool = false) -> Tensor {
        variance(axes: axes, keepDims: keepDims, unbiased: unbiased).sqrt()
    }
}
