import TensorCore

/// y = x Wᵀ + b, with W of shape [out, in] (as `torch.nn.Linear`).
public final class Linear: Module {
    public let inputFeatures: Int, outputFeatures: Int

    /// A layer with PyTorch's default initialization drawn from `generator`.
    public init(_ inputFeatures: Int, _ outputFeatures: Int, bias: Bool = true, generator: inout RandomGenerator) {
        self.inputFeatures = inputFeatures
        self.outputFeatures = outputFeatures
        super.init()
        registerParameter("weight", Initializer.pytorchDefault.make([outputFeatures, inputFeatures], generator: &generator))
        if bias {
            registerParameter("bias", Initializer.pytorchDefaultBias(fanIn: inputFeatures).make([outputFeatures], generator: &generator))
        }
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.shape.last == inputFeatures, "Linear(\(inputFeatures), \(outputFeatures)): input shape \(input.shape) does not end in \(inputFeatures)")
        let y = Tensor.matrixProduct(input, effectiveWeight(), transposeA: false, transposeB: true)
        return optionalParameter("bias").map { y + $0 } ?? y
    }
}
