/// 2-D pooling over NCHW batches.
extension Tensor {
    /// The mean of each `kernelSize` x `kernelSize` window (padding counts as zeros, as
    /// PyTorch's default), composed as a depthwise convolution.
    public func avgPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        require(rank == 4, "avgPool2d: input \(shape) must be NCHW")
        let channels = shape[1]
        let weight = Tensor.full([channels, 1, kernelSize, kernelSize], 1 / Float(kernelSize * kernelSize))
        return conv2d(weight: weight, stride: stride ?? kernelSize, padding: padding, groups: channels)
    }

    /// The maximum of each `kernelSize` x `kernelSize` window; padding never wins. The
    /// gradient goes to the first maximal element of each window.
    public func maxPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        require(rank == 4, "maxPool2d: input \(shape) must be NCHW")
        let stride = stride ?? kernelSize
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        require(padding * 2 <= kernelSize, "maxPool2d: padding \(padding) exceeds half the kernel \(kernelSize)")
        let oh = (h + 2 * padding - kernelSize) / stride + 1, ow = (w + 2 * padding - kernelSize) / stride + 1
        require(oh > 0 && ow > 0, "maxPool2d: kernel \(kernelSize) larger than input \(shape)")
        var winners = [Int](repeating: 0, count: n * c * oh * ow)
        let p = storage.base
        for plane in 0..<(n * c) {
            let base = plane * h * w
            for i in 0..<oh {
                for j in 0..<ow {
                    var best = -1
                    var bestValue = -Float.infinity
                    for ki in 0..<kernelSize {
                        let y = i * stride - padding + ki
                        guard y >= 0 && y < h else { continue }
                        for kj in 0..<kernelSize {
                            let x = j * stride - padding + kj
                            guard x >= 0 && x < w else { continue }
                            let index = base + y * w + x
                            if best < 0 || p[index] > bestValue { best = index; bestValue = p[index] }
                        }
                    }
                    winners[(plane * oh + i) * ow + j] = best
                }
            }
        }
        return gatherFlat(winners, shape: [n, c, oh, ow])
    }
}
