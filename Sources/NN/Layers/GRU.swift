import TensorCore

/// A one-layer gated recurrent unit over `[N, T, inputSize]` sequences (as
/// `torch.nn.GRU(inputSize, hiddenSize, batch_first=True)`): parameters `weight_ih_l0`
/// `[3H, inputSize]`, `weight_hh_l0` `[3H, H]`, `bias_ih_l0` and `bias_hh_l0` `[3H]`, the
/// gates in PyTorch's order (reset, update, new):
///
///     r = σ(W_ir x + b_ir + W_hr h + b_hr),  z = σ(W_iz x + b_iz + W_hz h + b_hz)
///     n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn)),  h' = (1 − z) ⊙ n + z ⊙ h
///
/// Built from differentiable ops, so gradients (and gradients of gradients) come from autodiff.
public final class GRU: Module {
    public let inputSize: Int, hiddenSize: Int

    /// A layer with PyTorch's initialization: every weight and bias U(−1/√H, 1/√H).
    public init(_ inputSize: Int, _ hiddenSize: Int, generator: inout RandomGenerator) {
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        super.init()
        let bound = 1 / Float(hiddenSize).squareRoot()
        registerParameter("weight_ih_l0", Tensor.uniform([3 * hiddenSize, inputSize], low: -bound, high: bound, generator: &generator))
        registerParameter("weight_hh_l0", Tensor.uniform([3 * hiddenSize, hiddenSize], low: -bound, high: bound, generator: &generator))
        registerParameter("bias_ih_l0", Tensor.uniform([3 * hiddenSize], low: -bound, high: bound, generator: &generator))
        registerParameter("bias_hh_l0", Tensor.uniform([3 * hiddenSize], low: -bound, high: bound, generator: &generator))
    }

    /// The hidden states of every step `[N, T, H]` and the last state of each sequence
    /// `[N, H]`, from a zero initial state. With `lengths`, sequence `i` stops after
    /// `lengths[i]` steps (its later inputs are padding): its state is carried unchanged, as
    /// PyTorch's packed sequences give `h_n`.
    public func run(_ input: Tensor, lengths: [Int]? = nil) -> (outputs: Tensor, last: Tensor) {
        require(input.rank == 3 && input.shape[2] == inputSize,
                "GRU(\(inputSize), \(hiddenSize)): input shape \(input.shape) is not [N, T, \(inputSize)]")
        let (count, steps, size) = (input.shape[0], input.shape[1], hiddenSize)
        if let lengths {
            require(lengths.count == count && lengths.allSatisfy { (0...steps).contains($0) },
                    "GRU: \(lengths.count) lengths for \(count) sequences of \(steps) steps")
        }
        // All input projections at once: [N, T, 3H].
        let projected = (Tensor.matrixProduct(input.reshape([count * steps, inputSize]), parameter("weight_ih_l0"),
                                              transposeA: false, transposeB: true) + parameter("bias_ih_l0"))
            .reshape([count, steps, 3 * size])
        let weightHidden = parameter("weight_hh_l0"), biasHidden = parameter("bias_hh_l0")
        var h = Tensor.zeros([count, size])
        var outputs: [Tensor] = []
        for t in 0..<steps {
            let gi = projected.slice(axis: 1, t..<(t + 1)).reshape([count, 3 * size]).split(count: 3, axis: 1)
            let gh = (Tensor.matrixProduct(h, weightHidden, transposeA: false, transposeB: true) + biasHidden).split(count: 3, axis: 1)
            let r = (gi[0] + gh[0]).sigmoid()
            let z = (gi[1] + gh[1]).sigmoid()
            let n = (gi[2] + r * gh[2]).tanh()
            let next = n + z * (h - n)
            if let lengths {
                let mask = Tensor(lengths.map { t < $0 ? Float(1) : 0 }, shape: [count, 1])
                h = h + mask * (next - h)
            } else {
                h = next
            }
            outputs.append(h)
        }
        return (Tensor.stack(outputs, axis: 1), h)
    }

    /// The hidden states of every step, `[N, T, H]`.
    public override func callAsFunction(_ input: Tensor) -> Tensor { run(input).outputs }
}
