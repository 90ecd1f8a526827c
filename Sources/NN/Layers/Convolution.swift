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
        registerConvolutionParameters(weightShape: [outputChannels, inputChannels / groups, kernelSize, kernelSize],
                                      biasCount: bias ? outputChannels : nil, generator: &generator)
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
        registerConvolutionParameters(weightShape: [inputChannels, outputChannels / groups, kernelSize, kernelSize],
                                      biasCount: bias ? outputChannels : nil, generator: &generator)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input.convTranspose2d(weight: effectiveWeight(), bias: optionalParameter("bias"), geometry: geometry,
                              outputPadding: (outputPadding, outputPadding))
    }
}

extension Module {
    /// Registers a convolution's `weight` and optional `bias` with PyTorch's default
    /// initialization (both bounded by the weight's fan-in).
    fileprivate func registerConvolutionParameters(weightShape: [Int], biasCount: Int?, generator: inout RandomGenerator) {
        registerParameter("weight", Initializer.pytorchDefault.make(weightShape, generator: &generator))
        if let biasCount {
            let bound = Initializer.pytorchDefaultBias(fanIn: Initializer.fans(weightShape).in)
            registerParameter("bias", bound.make([biasCount], generator: &generator))
        }
    }
}
