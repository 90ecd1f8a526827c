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
            let g = UpdateKernel.zip(gradient, parameter) { g, p in g + wd * p }
            let squareAverage = UpdateKernel.zip(buffer("square_avg", name, like: parameter), g) { v, g in a * v + (1 - a) * g * g }
            setBuffer("square_avg", name, squareAverage)
            let denominator: Tensor
            if centered {
                let gradientAverage = UpdateKernel.zip(buffer("grad_avg", name, like: parameter), g) { m, g in a * m + (1 - a) * g }
                setBuffer("grad_avg", name, gradientAverage)
                denominator = UpdateKernel.zip(squareAverage, gradientAverage) { s, m in (s - m * m).squareRoot() + eps }
            } else {
                denominator = UpdateKernel.zip(squareAverage, squareAverage) { s, _ in s.squareRoot() + eps }
            }
            if mu > 0 {
                let momentumBuffer = UpdateKernel.zip(buffer("momentum_buffer", name, like: parameter), g, denominator) { b, g, d in
                    mu * b + g / d
                }
                setBuffer("momentum_buffer", name, momentumBuffer)
                return UpdateKernel.zip(parameter, momentumBuffer) { p, b in p - lr * b }
            }
            return UpdateKernel.zip(parameter, g, denominator) { p, g, d in p - lr * g / d }
        }
    }
}
