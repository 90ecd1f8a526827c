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
    /// gradient goes to the first maximal element of each window (the positions are kept only
    /// while a gradient transform traces this tensor).
    public func maxPool2d(kernelSize: Int, stride: Int? = nil, padding: Int = 0) -> Tensor {
        require(rank == 4, "maxPool2d: input \(shape) must be NCHW")
        let stride = stride ?? kernelSize
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        require(kernelSize >= 1 && stride >= 1 && padding * 2 <= kernelSize,
                "maxPool2d: kernel \(kernelSize), stride \(stride) and padding \(padding) are invalid (padding at most half the kernel)")
        let oh = (h + 2 * padding - kernelSize) / stride + 1, ow = (w + 2 * padding - kernelSize) / stride + 1
        require(oh > 0 && ow > 0, "maxPool2d: kernel \(kernelSize) larger than input \(shape)")
        let traced = Tracing.isRecording && node != nil
        var winners = [Int](repeating: 0, count: traced ? n * c * oh * ow : 0)
        let source = storage.base
        let result = winners.withUnsafeMutableBufferPointer { winnerBuffer in
            let winnerBase = traced ? winnerBuffer.baseAddress : nil  // an empty array may still have an address
            return Tensor(shape: [n, c, oh, ow]) { out in
                Parallel.forEachChunk(n * c, costPerItem: h * w) { planes in
                    for plane in planes {
                        let base = plane * h * w
                        for i in 0..<oh {
                            let rows = Swift.max(0, i * stride - padding)..<Swift.min(h, i * stride - padding + kernelSize)
                            for j in 0..<ow {
                                let columns = Swift.max(0, j * stride - padding)..<Swift.min(w, j * stride - padding + kernelSize)
                                var best = base + rows.lowerBound * w + columns.lowerBound
                                for y in rows {
                                    for x in columns where source[base + y * w + x] > source[best] { best = base + y * w + x }
                                }
                                let position = (plane * oh + i) * ow + j
                                out[position] = source[best]
                                winnerBase?[position] = best
                            }
                        }
                    }
                }
            }
        }
        guard traced else { return result }
        let inputShape = shape
        return result.recorded("maxPool2d", [self]) { g, _ in [g.scatterAddFlat(winners, shape: inputShape)] }
    }
}
