import NN
import TensorCore

/// The maximum of each `kernelSize` x `kernelSize` window of NCHW batches, as
/// `torch.nn.MaxPool2d(kernelSize)` (stride equal to the kernel, no padding). It has no
/// parameters, so it takes an index in a `Sequential` without adding checkpoint keys.
///
/// Under a gradient transform it uses the differentiable `maxPool2d`; otherwise (evaluating
/// thousands of samples) a direct parallel loop that skips recording the winning positions.
public final class MaxPooling: Module {
    /// The window size and stride.
    public let kernelSize: Int

    /// Pooling over `kernelSize` x `kernelSize` windows.
    public init(_ kernelSize: Int = 2) {
        self.kernelSize = kernelSize
        super.init()
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        guard !input.isTraced, input.rank == 4, input.shape[2] >= kernelSize, input.shape[3] >= kernelSize else {
            return input.maxPool2d(kernelSize: kernelSize)
        }
        let (planes, height, width) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let k = kernelSize
        let outputHeight = height / k, outputWidth = width / k
        let source = input.storage.base
        return Tensor(shape: [input.shape[0], input.shape[1], outputHeight, outputWidth]) { output in
            Parallel.forEachChunk(planes, costPerItem: height * width) { range in
                for plane in range {
                    let inputPlane = source + plane * height * width
                    let outputPlane = output + plane * outputHeight * outputWidth
                    for row in 0..<outputHeight {
                        for column in 0..<outputWidth {
                            let corner = inputPlane + row * k * width + column * k
                            var best = corner[0]
                            for windowRow in 0..<k {
                                let line = corner + windowRow * width
                                for windowColumn in 0..<k where line[windowColumn] > best { best = line[windowColumn] }
                            }
                            outputPlane[row * outputWidth + column] = best
                        }
                    }
                }
            }
        }
    }
}
