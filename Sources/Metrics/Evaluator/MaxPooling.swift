import NN
import TensorCore

/// The maximum of each `kernelSize` x `kernelSize` window of NCHW batches, as
/// `torch.nn.MaxPool2d(kernelSize)` (stride equal to the kernel, no padding). It has no
/// parameters, so it takes an index in a `Sequential` without adding checkpoint keys.
public final class MaxPooling: Module {
    /// The window size and stride.
    public let kernelSize: Int

    /// Pooling over `kernelSize` x `kernelSize` windows.
    public init(_ kernelSize: Int = 2) {
        self.kernelSize = kernelSize
        super.init()
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input.maxPool2d(kernelSize: kernelSize)
    }
}
