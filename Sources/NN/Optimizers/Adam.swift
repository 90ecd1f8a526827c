import CKernels
import Foundation
import TensorCore

/// Adam (Kingma & Ba) with PyTorch's exact update: bias corrections on both moments, eps added
/// after the square root of the corrected second moment, optional L2 weight decay added to the
/// gradient. With `decoupledWeightDecay` it is AdamW: parameters shrink by lr · wd first.
public final class Adam: OptimizerState, Optimizer {
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    public let decoupledWeightDecay: Bool

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0, decoupledWeightDecay: Bool = false) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        super.init(learningRate: learningRate)
    }

    public func update(_ model: Module, gradients: [String: Tensor]) {
        let (b1, b2, eps, lr, wd) = (beta1, beta2, epsilon, learningRate, weightDecay)
        updateEach(model, gradients) { name, parameter, gradient in
            let t = Float(step)
            let correction1 = 1 - Foundation.pow(b1, t), correction2Root = (1 - Foundation.pow(b2, t)).squareRoot()
            let decoupled = decoupledWeightDecay
            let shrink: Float = decoupled ? 1 - lr * wd : 1
            let l2: Float = decoupled ? 0 : wd
            let stepSize = lr / correction1
            var m = takeBuffer("exp_avg", name, like: parameter), v = takeBuffer("exp_avg_sq", name, like: parameter)
            // One pass reading the parameter, its gradient and both moments. The moments are
            // overwritten in place when this optimizer alone holds them (no checkpoint or
            // look-ahead copy of its state is alive): no new buffers to fault in and fill.
            func pass(_ out: UnsafeMutablePointer<Float>, _ outM: UnsafeMutablePointer<Float>, _ outV: UnsafeMutablePointer<Float>) {
                let (p, g) = (UnsafePointer(parameter.storage.base), UnsafePointer(gradient.storage.base))
                let (pm, pv) = (UnsafePointer(m.storage.base), UnsafePointer(v.storage.base))
                Parallel.forEachChunk(parameter.count, costPerItem: 8) { range in
                    // AVX-512 when the CPU has it (bit-identical), else the portable loop.
                    if gankit_adam_update(out, outM, outV, p, g, pm, pv, range.lowerBound, range.upperBound,
                                          b1, b2, l2, shrink, stepSize, correction2Root, eps) { return }
                    forEachVector(in: range) { i, count in
                        let parameter = p.loadVector(at: i, count: count)
                        let gradient = g.loadVector(at: i, count: count) + l2 * parameter
                        let first = b1 * pm.loadVector(at: i, count: count) + (1 - b1) * gradient
                        let second = b2 * pv.loadVector(at: i, count: count) + (1 - b2) * gradient * gradient
                        outM.storeVector(first, at: i, count: count)
                        outV.storeVector(second, at: i, count: count)
                        let update = stepSize * first / (squareRoot(second) / correction2Root + eps)
                        out.storeVector(parameter * shrink - update, at: i, count: count)
                    }
                }
            }
            let result: Tensor, newM: Tensor, newV: Tensor
            if let inPlaceM = m.uniquelyReferencedElements(), let inPlaceV = v.uniquelyReferencedElements() {
                result = withExtendedLifetime((parameter, gradient, m, v)) { Tensor(shape: parameter.shape) { pass($0, inPlaceM, inPlaceV) } }
                (newM, newV) = (m, v)
            } else {
                (result, newM, newV) = withExtendedLifetime((parameter, gradient, m, v)) { UpdateKernel.outputs(parameter.shape, pass) }
            }
            setBuffer("exp_avg", name, newM)
            setBuffer("exp_avg_sq", name, newV)
            return result
        }
    }
}

/// AdamW: Adam with decoupled weight decay (PyTorch's default decay 0.01).
public func AdamW(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                  weightDecay: Float = 0.01) -> Adam {
    Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, decoupledWeightDecay: true)
}
