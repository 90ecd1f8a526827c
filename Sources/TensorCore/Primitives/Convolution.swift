/// The three bilinear maps of a 2-D convolution as differentiable primitives (see
/// `ConvolutionKernels`). Each pullback is written with the other two, so convolutions can be
/// differentiated any number of times.
enum ConvolutionPrimitives {
    /// y = conv(x, w) with output spatial size `outputSize`.
    static func convolve(_ x: Tensor, _ w: Tensor, _ geometry: ConvolutionGeometry, outputSize: (Int, Int)) -> Tensor {
        let inputSize = (x.shape[2], x.shape[3])
        return ConvolutionKernels.forward(x, w, geometry: geometry, outputSize: outputSize)
            .recordedSelectively("conv2d", [x, w]) { g, _, needed in
                [needed[0] ? transpose(g, w, geometry, inputSize: inputSize) : nil,
                 needed[1] ? weightGradient(x, g, geometry, weightShape: w.shape) : nil]
            }
    }

    /// The adjoint of `convolve` in x, producing an input of spatial size `inputSize`.
    static func transpose(_ y: Tensor, _ w: Tensor, _ geometry: ConvolutionGeometry, inputSize: (Int, Int)) -> Tensor {
        let outputSize = (y.shape[2], y.shape[3])
        return ConvolutionKernels.transposed(y, w, geometry: geometry, inputSize: inputSize)
            .recordedSelectively("convTranspose2d", [y, w]) { g, _, needed in
                [needed[0] ? convolve(g, w, geometry, outputSize: outputSize) : nil,
                 needed[1] ? weightGradient(g, y, geometry, weightShape: w.shape) : nil]
            }
    }

    /// The adjoint of `convolve` in w.
    static func weightGradient(_ x: Tensor, _ y: Tensor, _ geometry: ConvolutionGeometry, weightShape: [Int]) -> Tensor {
        let inputSize = (x.shape[2], x.shape[3]), outputSize = (y.shape[2], y.shape[3])
        return ConvolutionKernels.weightGradient(x, y, geometry: geometry, weightShape: weightShape)
            .recordedSelectively("conv2dWeightGradient", [x, y]) { g, _, needed in
                [needed[0] ? transpose(y, g, geometry, inputSize: inputSize) : nil,
                 needed[1] ? convolve(x, g, geometry, outputSize: outputSize) : nil]
            }
    }
}

extension Tensor {
    /// 2-D cross-correlation of an NCHW batch with an OIHW weight (`[out, in / groups, kh, kw]`),
    /// as `torch.nn.functional.conv2d`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                       dilation: Int = 1, groups: Int = 1) -> Tensor {
        conv2d(weight: weight, bias: bias, geometry: ConvolutionGeometry(
            stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation), groups: groups))
    }

    /// 2-D cross-correlation with per-axis stride, padding and dilation.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, geometry: ConvolutionGeometry) -> Tensor {
        let g = geometry
        require(rank == 4 && weight.rank == 4, "conv2d: input \(shape) and weight \(weight.shape) must be NCHW and OIHW")
        require(g.groups >= 1 && shape[1] % g.groups == 0 && weight.shape[0] % g.groups == 0 && weight.shape[1] * g.groups == shape[1],
                     "conv2d: input \(shape) and weight \(weight.shape) disagree on channels for \(g.groups) groups")
        require(g.stride.0 > 0 && g.stride.1 > 0 && g.dilation.0 > 0 && g.dilation.1 > 0 && g.padding.0 >= 0 && g.padding.1 >= 0,
                     "conv2d: stride \(g.stride), dilation \(g.dilation) and padding \(g.padding) must be positive")
        let outputSize = (g.outputSize(input: shape[2], kernel: weight.shape[2], axis: 0),
                          g.outputSize(input: shape[3], kernel: weight.shape[3], axis: 1))
        require(outputSize.0 > 0 && outputSize.1 > 0, "conv2d: kernel \(weight.shape) larger than padded input \(shape)")
        let y = ConvolutionPrimitives.convolve(self, weight, g, outputSize: outputSize)
        return bias.map { y + $0.reshape([1, -1, 1, 1]) } ?? y
    }

    /// 2-D transposed convolution of an NCHW batch with an IOHW weight (`[in, out / groups, kh, kw]`),
    /// as `torch.nn.functional.conv_transpose2d`: the gradient of `conv2d` with respect to its input.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
        convTranspose2d(weight: weight, bias: bias, geometry: ConvolutionGeometry(
            stride: (stride, stride), padding: (padding, padding), dilation: (dilation, dilation), groups: groups),
            outputPadding: (outputPadding, outputPadding))
    }

    /// 2-D transposed convolution with per-axis parameters.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, geometry: ConvolutionGeometry,
                                outputPadding: (Int, Int) = (0, 0)) -> Tensor {
        let g = geometry
        require(rank == 4 && weight.rank == 4, "convTranspose2d: input \(shape) and weight \(weight.shape) must be NCHW and IOHW")
        require(g.groups >= 1 && weight.shape[0] == shape[1] && shape[1] % g.groups == 0,
                     "convTranspose2d: input \(shape) and weight \(weight.shape) disagree on channels for \(g.groups) groups")
        require(outputPadding.0 >= 0 && outputPadding.1 >= 0
                        && outputPadding.0 < Swift.max(g.stride.0, g.dilation.0) && outputPadding.1 < Swift.max(g.stride.1, g.dilation.1),
                     "convTranspose2d: output padding \(outputPadding) must be smaller than stride \(g.stride) or dilation \(g.dilation)")
        let outputSize = ((shape[2] - 1) * g.stride.0 - 2 * g.padding.0 + g.dilation.0 * (weight.shape[2] - 1) + outputPadding.0 + 1,
                          (shape[3] - 1) * g.stride.1 - 2 * g.padding.1 + g.dilation.1 * (weight.shape[3] - 1) + outputPadding.1 + 1)
        require(outputSize.0 > 0 && outputSize.1 > 0, "convTranspose2d: input \(shape) and weight \(weight.shape) give an empty output")
        let y = ConvolutionPrimitives.transpose(self, weight, g, inputSize: outputSize)
        return bias.map { y + $0.reshape([1, -1, 1, 1]) } ?? y
    }
}
