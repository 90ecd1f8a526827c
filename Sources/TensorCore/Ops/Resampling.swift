/// Changing the spatial size of NCHW batches.
extension Tensor {
    /// How `upsample` fills new pixels.
    public enum UpsamplingMode: String, Sendable, CaseIterable {
        /// Each pixel repeated.
        case nearest
        /// Linear interpolation along each axis, pixel centers aligned as PyTorch's
        /// `align_corners=False`.
        case bilinear
    }

    /// The batch enlarged by an integer `scale` along height and width.
    public func upsample(scale: Int, mode: UpsamplingMode = .nearest) -> Tensor {
        require(rank == 4 && scale >= 1, "upsample: input \(shape) must be NCHW and scale \(scale) at least 1")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        switch mode {
        case .nearest:
            return reshape([n, c, h, 1, w, 1]).broadcast(to: [n, c, h, scale, w, scale]).reshape([n, c, h * scale, w * scale])
        case .bilinear:
            let rows = Self.interpolationMatrix(from: h, to: h * scale)       // [h*s, h]
            let columns = Self.interpolationMatrix(from: w, to: w * scale)    // [w*s, w]
            let widened = Tensor.matrixProduct(self, columns, transposeA: false, transposeB: true)  // [n, c, h, w*s]
            return rows.matmul(widened)
        }
    }

    /// The matrix that maps `size` samples to `newSize` by linear interpolation (half-pixel
    /// centers, clamped at the borders).
    static func interpolationMatrix(from size: Int, to newSize: Int) -> Tensor {
        var m = [Float](repeating: 0, count: newSize * size)
        let scale = Float(size) / Float(newSize)
        for i in 0..<newSize {
            let position = Swift.max(0, (Float(i) + 0.5) * scale - 0.5)
            let low = Swift.min(Int(position), size - 1), high = Swift.min(low + 1, size - 1)
            let t = position - Float(low)
            m[i * size + low] += 1 - t
            m[i * size + high] += t
        }
        return Tensor(m, shape: [newSize, size])
    }

    /// [N, C * r * r, H, W] rearranged to [N, C, H * r, W * r] (as `torch.nn.PixelShuffle`).
    public func pixelShuffle(_ r: Int) -> Tensor {
        require(rank == 4 && shape[1] % (r * r) == 0, "pixelShuffle: channels of \(shape) not divisible by \(r * r)")
        let (n, c, h, w) = (shape[0], shape[1] / (r * r), shape[2], shape[3])
        return reshape([n, c, r, r, h, w]).permute([0, 1, 4, 2, 5, 3]).reshape([n, c, h * r, w * r])
    }

    /// The inverse of `pixelShuffle`: [N, C, H * r, W * r] to [N, C * r * r, H, W].
    public func pixelUnshuffle(_ r: Int) -> Tensor {
        require(rank == 4 && shape[2] % r == 0 && shape[3] % r == 0, "pixelUnshuffle: size of \(shape) not divisible by \(r)")
        let (n, c, h, w) = (shape[0], shape[1], shape[2] / r, shape[3] / r)
        return reshape([n, c, h, r, w, r]).permute([0, 1, 3, 5, 2, 4]).reshape([n, c * r * r, h, w])
    }
}
