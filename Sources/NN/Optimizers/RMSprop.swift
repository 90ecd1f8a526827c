import TensorCore

/// RMSprop with PyTorch's rules: v = α v + (1 - α) g²; the step divides by √v + eps (by
/// √(v - mean²) + eps when centered); optional momentum and L2 weight decay.
public final class RMSprop: OptimizerState, Optimizer {
    public let alpha: Float, epsilon: Float, weightDecay: Float, momentum: Float, centered: Bool

    public init(learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0,
                momentum: Float = 0, centered: Bool = false) {
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        super.init(learningRate: learningRate)
    }

    public func update(_ model: Module, gradients: [String: Tensor]) {
        let (lr, a, eps, wd, mu) = (learningRate, alpha, epsilon, weightDecay, momentum)
        updateEach(model, gradients) { name, parameter, gradient in
            let p = parameter.storage.base, g0 = gradient.storage.base
            let grad = UpdateKernel.map(parameter.shape) { i in g0[i] + wd * p[i] }
            let g = grad.storage.base
            let v = buffer("square_avg", name, like: parameter).storage.base
            let squareAverage = UpdateKernel.map(parameter.shape) { i in a * v[i] + (1 - a) * g[i] * g[i] }
            setBuffer("square_avg", name, squareAverage)
            let s = squareAverage.storage.base
            var denominator: Tensor
            if centered {
                let ga = buffer("grad_avg", name, like: parameter).storage.base
                let gradAverage = UpdateKernel.map(parameter.shape) { i in a * ga[i] + (1 - a) * g[i] }
                setBuffer("grad_avg", name, gradAverage)
                let m = gradAverage.storage.base
                denominator = UpdateKernel.map(parameter.shape) { i in (s[i] - m[i] * m[i]).squareRoot() + eps }
            } else {
                denominator = UpdateKernel.map(parameter.shape) { i in s[i].squareRoot() + eps }
            }
            let d = denominator.storage.base
            if mu > 0 {
                let b = buffer("momentum_buffer", name, like: parameter).storage.base
                let momentumBuffer = UpdateKernel.map(parameter.shape) { i in mu * b[i] + g[i] / d[i] }
                setBuffer("momentum_buffer", name, momentumBuffer)
                let nb = momentumBuffer.storage.base
                return UpdateKernel.map(parameter.shape) { i in p[i] - lr * nb[i] }
            }
            return UpdateKernel.map(parameter.shape) { i in p[i] - lr * g[i] / d[i] }
        }
    }
}
