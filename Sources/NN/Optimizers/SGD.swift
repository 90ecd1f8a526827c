import TensorCore

/// Stochastic gradient descent with PyTorch's rules: weight decay added to the gradient, then
/// momentum (the buffer starts as the first gradient; dampening scales later gradients), and
/// Nesterov's variant g + momentum · buffer.
public final class SGD: OptimizerState, Optimizer {
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool

    public init(learningRate: Float, momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false) {
        require(!nesterov || (momentum > 0 && dampening == 0), "SGD: Nesterov momentum needs momentum > 0 and no dampening")
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        super.init(learningRate: learningRate)
    }

    public func update(_ model: Module, gradients: [String: Tensor]) {
        let (lr, mu, wd, damp) = (learningRate, momentum, weightDecay, dampening)
        updateEach(model, gradients) { name, parameter, gradient in
            let decayed = UpdateKernel.zip(gradient, parameter) { g, p in g + wd * p }
            var direction = decayed
            if mu != 0 {
                let momentumBuffer = buffers["momentum_buffer"]?[name].map { previous in
                    UpdateKernel.zip(previous, decayed) { b, d in mu * b + (1 - damp) * d }
                } ?? decayed
                setBuffer("momentum_buffer", name, momentumBuffer)
                direction = nesterov ? UpdateKernel.zip(decayed, momentumBuffer) { d, b in d + mu * b } : momentumBuffer
            }
            return UpdateKernel.zip(parameter, direction) { p, d in p - lr * d }
        }
    }
}
