import TensorCore

/// Merges axes `startAxis...endAxis` (default: all but the batch axis).
public final class Flatten: Module {
    public let startAxis: Int, endAxis: Int
    public init(startAxis: Int = 1, endAxis: Int = -1) {
        self.startAxis = startAxis
        self.endAxis = endAxis
        super.init()
    }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.flatten(startAxis: startAxis, endAxis: endAxis) }
}

/// Splits axis `axis` into `sizes`, as `torch.nn.Unflatten`.
public final class Unflatten: Module {
    public let axis: Int, sizes: [Int]
    public init(_ axis: Int, _ sizes: [Int]) {
        self.axis = axis
        self.sizes = sizes
        super.init()
    }
    public override func callAsFunction(_ input: Tensor) -> Tensor {
        let a = axis < 0 ? axis + input.rank : axis
        require(a >= 0 && a < input.rank && input.shape[a] == sizes.reduce(1, *),
                "Unflatten(\(axis), \(sizes)): input shape \(input.shape) does not match")
        return input.reshape(Array(input.shape[..<a]) + sizes + Array(input.shape[(a + 1)...]))
    }
}

/// Enlarges NCHW batches by an integer factor.
public final class Upsample: Module {
    public let scale: Int, mode: Tensor.UpsamplingMode
    public init(scale: Int, mode: Tensor.UpsamplingMode = .nearest) {
        self.scale = scale
        self.mode = mode
        super.init()
    }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.upsample(scale: scale, mode: mode) }
}

/// Rearranges [N, C r², H, W] into [N, C, H r, W r] (sub-pixel convolution upsampling).
public final class PixelShuffle: Module {
    public let factor: Int
    public init(_ factor: Int) {
        self.factor = factor
        super.init()
    }
    public override func callAsFunction(_ input: Tensor) -> Tensor { input.pixelShuffle(factor) }
}
