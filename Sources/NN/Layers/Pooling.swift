import TensorCore

/// The window geometry shared by the pooling layers (no parameters, so a pooling layer takes
/// an index in a `Sequential` without adding checkpoint keys).
public class Pooling2d: Module {
    public let kernelSize: Int, stride: Int, padding: Int

    public init(_ kernelSize: Int, stride: Int? = nil, padding: Int = 0) {
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
        self.padding = padding
        super.init()
    }
}

/// The maximum of each window of NCHW batches, as `torch.nn.MaxPool2d`.
public final class MaxPool2d: Pooling2d {
    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}

/// The mean of each window of NCHW batches, as `torch.nn.AvgPool2d` (padding counted as zeros).
public final class AvgPool2d: Pooling2d {
    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding)
    }
}
