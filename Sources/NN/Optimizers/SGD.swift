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
            let p = parameter.storage.base, g = gradient.storage.base
            let decayed = UpdateKernel.map(parameter.shape) { i in g[i] + wd * p[i] }
            var direction = decayed
            if mu != 0 {
                let d = decayed.storage.base
                let momentumBuffer: Tensor
                if let previous = buffers["momentum_buffer"]?[name] {
                    let b = previous.storage.base
                    momentumBuffer = UpdateKernel.map(parameter.shape) { i in mu * b[i] + (1 - damp) * d[i] }
                } else {
                    momentumBuffer = decayed
                }
                setBuffer("momentum_buffer", name, momentumBuffer)
                let b = momentumBuffer.storage.base
                direction = nesterov ? UpdateKernel.map(parameter.shape) { i in d[i] + mu * b[i] } : momentumBuffer
            }
            let step = direction.storage.base
            return UpdateKernel.map(parameter.shape) { i in p[i] - lr * step[i] }
        }
    }
}
