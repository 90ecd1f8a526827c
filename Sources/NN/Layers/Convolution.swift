import TensorCore

/// 2-D convolution over NCHW batches with an OIHW weight (as `torch.nn.Conv2d`).
public final class Conv2d: Module {
    public let geometry: ConvolutionGeometry

    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: inout RandomGenerator) {
        require(inputChannels % groups == 0 && outputChannels % groups == 0,
                "Conv2d: channels \(inputChannels) -> \(outputChannels) not divisible by \(groups) groups")
        geometry = ConvolutionGeometry(stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation), groups: groups)
        super.init()
        let shape = [outputChannels, inputChannels / groups, kernelSize, kernelSize]
        registerParameter("weight", Initializer.pytorchDefault.make(shape, generator: &generator))
        if bias {
            registerParameter("bias", Initializer.pytorchDefaultBias(fanIn: Initializer.fans(shape).in).make([outputChannels], generator: &generator))
        }
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input.conv2d(weight: effectiveWeight(), bias: optionalParameter("bias"), geometry: geometry)
    }
}

/// 2-D transposed convolution over NCHW batches with an IOHW weight (as `torch.nn.ConvTranspose2d`).
public final class ConvTranspose2d: Module {
    public let geometry: ConvolutionGeometry
    public let outputPadding: Int

    public init(_ inputChannels: Int, _ outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true, generator: inout RandomGenerator) {
        require(inputChannels % groups == 0 && outputChannels % groups == 0,
                "ConvTranspose2d: channels \(inputChannels) -> \(outputChannels) not divisible by \(groups) groups")
        geometry = ConvolutionGeometry(stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation), groups: groups)
        self.outputPadding = outputPadding
        super.init()
        let shape = [inputChannels, outputChannels / groups, kernelSize, kernelSize]
        registerParameter("weight", Initializer.pytorchDefault.make(shape, generator: &generator))
        if bias {
            registerParameter("bias", Initializer.pytorchDefaultBias(fanIn: Initializer.fans(shape).in).make([outputChannels], generator: &generator))
        }
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input.convTranspose2d(weight: effectiveWeight(), bias: optionalParameter("bias"), geometry: geometry,
                              outputPadding: (outputPadding, outputPadding))
    }
}
