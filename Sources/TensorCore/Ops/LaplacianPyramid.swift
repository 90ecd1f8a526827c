/// Gaussian and Laplacian pyramids of NCHW batches (Burt and Adelson), as LAPGAN uses them.
///
/// Both resampling steps are depthwise convolutions (`groups` = channels) with the 5-tap
/// binomial kernel [1, 4, 6, 4, 1] / 16 in each direction, so they are differentiable to any
/// order like every other op. Near the border the kernel is renormalized by the weight that
/// falls inside the image (a normalized convolution): a constant image stays exactly constant
/// at every level, with no dark rim from zero padding.
extension Tensor {
    /// The 5x5 binomial kernel (the outer product of [1, 4, 6, 4, 1] / 16 with itself) for each
    /// of `channels` groups: [channels, 1, 5, 5].
    static func binomialKernel(channels: Int) -> Tensor {
        let taps: [Float] = [1, 4, 6, 4, 1].map { $0 / 16 }
        let plane = taps.flatMap { row in taps.map { row * $0 } }
        return Tensor(plane, shape: [1, 1, 5, 5]).broadcast(to: [channels, 1, 5, 5])
    }

    /// The size `gaussianDownsample` gives a side of `size` pixels: ceil(size / 2).
    public static func downsampledSize(_ size: Int) -> Int { (size + 1) / 2 }

    /// The batch blurred with the binomial kernel and subsampled by 2:
    /// [N, C, H, W] to [N, C, ceil(H / 2), ceil(W / 2)] (one level down a Gaussian pyramid).
    public func gaussianDownsample() -> Tensor {
        require(rank == 4, "gaussianDownsample: input \(shape) must be NCHW")
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        let kernel = Self.binomialKernel(channels: channels)
        let blurred = conv2d(weight: kernel, stride: 2, padding: 2, groups: channels)
        // The kernel weight inside the image at each output pixel (1 away from the border).
        let inside = Tensor.ones([1, 1, height, width]).conv2d(weight: Self.binomialKernel(channels: 1), stride: 2, padding: 2)
        return blurred / inside
    }

    /// The batch enlarged by 2 to `height` x `width` (each 2h - 1 or 2h for an input side h):
    /// zeros inserted between pixels, then the binomial blur, renormalized near the border
    /// (the inverse step of a Gaussian pyramid; a transposed depthwise convolution).
    public func gaussianUpsample(height: Int, width: Int) -> Tensor {
        require(rank == 4, "gaussianUpsample: input \(shape) must be NCHW")
        let (channels, h, w) = (shape[1], shape[2], shape[3])
        let extraRows = height - (2 * h - 1), extraColumns = width - (2 * w - 1)
        require((0...1).contains(extraRows) && extraRows == extraColumns,
                "gaussianUpsample: input \(shape) cannot grow to \(height)x\(width) (each side must become 2n - 1 or 2n, both alike)")
        let kernel = Self.binomialKernel(channels: channels)
        let spread = convTranspose2d(weight: kernel, stride: 2, padding: 2, outputPadding: extraRows, groups: channels)
        let inside = Tensor.ones([1, 1, h, w]).convTranspose2d(weight: Self.binomialKernel(channels: 1), stride: 2, padding: 2,
                                                               outputPadding: extraRows)
        return spread / inside
    }

    /// The Gaussian pyramid with `levels` images: the batch itself, then each level
    /// `gaussianDownsample`d from the one before (finest first).
    public func gaussianPyramid(levels: Int) -> [Tensor] {
        require(levels >= 1, "gaussianPyramid: levels \(levels) must be at least 1")
        var images = [self]
        while images.count < levels { images.append(images[images.count - 1].gaussianDownsample()) }
        return images
    }

    /// The Laplacian pyramid with `levels` entries, finest first: the band-pass residuals
    /// h_k = I_k - upsample(I_{k+1}) for k = 0 ..< levels - 1, then the coarsest Gaussian image
    /// I_{levels-1}. `collapseLaplacianPyramid` inverts it exactly (up to rounding).
    public func laplacianPyramid(levels: Int) -> [Tensor] {
        let gaussian = gaussianPyramid(levels: levels)
        var pyramid: [Tensor] = []
        for k in 0..<(levels - 1) {
            let image = gaussian[k]
            pyramid.append(image - gaussian[k + 1].gaussianUpsample(height: image.shape[2], width: image.shape[3]))
        }
        pyramid.append(gaussian[levels - 1])
        return pyramid
    }

    /// The image a Laplacian pyramid (finest residual first, coarsest image last) encodes:
    /// I_k = upsample(I_{k+1}) + h_k from the coarsest level up.
    public static func collapseLaplacianPyramid(_ pyramid: [Tensor]) -> Tensor {
        require(!pyramid.isEmpty, "collapseLaplacianPyramid: the pyramid is empty")
        var image = pyramid[pyramid.count - 1]
        for residual in pyramid.dropLast().reversed() {
            image = image.gaussianUpsample(height: residual.shape[2], width: residual.shape[3]) + residual
        }
        return image
    }
}
