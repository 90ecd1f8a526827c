import TensorCore

/// max(x, 0) + a * min(x, 0) with a learned slope `a` (as `torch.nn.PReLU`): one slope shared
/// by all channels (`slopeCount` 1, as `nn.PReLU(num_parameters)`) or one per channel of an `[N, C, ...]` input. The
/// parameter is `weight`, shape `[slopeCount]`, initialized to `initialSlope` (0.25).
public final class PReLU: Module {
    public let slopeCount: Int

    public init(slopes parameterCount: Int = 1, initialSlope: Float = 0.25) {
        require(parameterCount >= 1, "PReLU: parameterCount must be >= 1, not \(parameterCount)")
        self.slopeCount = parameterCount
        super.init()
        registerParameter("weight", Tensor([Float](repeating: initialSlope, count: parameterCount), shape: [parameterCount]))
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        var slope = parameter("weight")
        if slopeCount > 1 {
            require(input.rank >= 2 && input.shape[1] == slopeCount,
                    "PReLU: \(slopeCount) slopes for input shape \(input.shape) (channels on axis 1)")
            slope = slope.reshape([1, slopeCount] + [Int](repeating: 1, count: input.rank - 2))
        }
        // relu(x) - a * relu(-x): built from differentiable ops, so higher derivatives work too.
        return input.relu() - slope * (-input).relu()
    }
}
