import Foundation
import NN
import TensorCore

extension AdversarialGAN {
    /// G's loss at the generated batch `fake` through D after `counters.unrollSteps` look-ahead
    /// Adam steps on D's loss, and its gradient with respect to `fake`, in the full form of
    /// the unrolled GAN (Metz et al. 2017, eq. 10-12): the look-ahead weights θ_K are functions
    /// of the fake batch, θ_{k+1} = θ_k − Adam(∇_θ L_D(θ_k, real, fake)), and G's gradient
    /// flows through them as well as through D's input. The surrogate form (`--unroll` alone)
    /// treats θ_K as constants.
    ///
    /// The look-ahead starts from D's weights and Adam state after D's own update, uses D's
    /// adversarial (and auxiliary-class) loss without gradient penalties, and differentiates
    /// Adam with ε under the square root (√(v̂ + ε²) instead of √v̂ + ε, so the derivative
    /// stays finite where a gradient is exactly 0). D's weights and buffers, and its
    /// optimizer, are as they were when this returns. D's input views (augmentation,
    /// instance noise) are drawn from `rng` before anything is traced.
    func secondOrderUnrolledGeneratorLoss(real: Tensor, fake: Tensor, labels: [Int]?, condition: Tensor?, noiseLevel: Float,
                                          generator rng: inout RandomGenerator) -> (value: Tensor, gradient: Tensor) {
        let D = discriminator, optimizer = optimizerD
        let steps = counters.unrollSteps
        let saved = Dictionary(uniqueKeysWithValues: D.state().map { ($0.name, $0.value) })
        defer { D.update(saved) }
        let named = D.namedParameters(trainableOnly: true)
        let names = named.map(\.name)
        let state = optimizer.stateTensors()
        let firstMoments = named.map { state["exp_avg.\($0.name)"] ?? Tensor.zeros($0.value.shape) }
        let secondMoments = named.map { state["exp_avg_sq.\($0.name)"] ?? Tensor.zeros($0.value.shape) }
        var views: [(real: InputView, fake: InputView)] = []
        for _ in 0..<steps {
            let realView = drawInputView(shape: real.shape, noiseLevel: noiseLevel, generator: &rng)
            views.append((realView, drawInputView(shape: fake.shape, noiseLevel: noiseLevel, generator: &rng)))
        }
        let finalView = drawInputView(shape: fake.shape, noiseLevel: noiseLevel, generator: &rng)
        let (b1, b2, epsilon, rate) = (optimizer.beta1, optimizer.beta2, optimizer.epsilon, optimizer.learningRate)
        let (decay, decoupled, start) = (optimizer.weightDecay, optimizer.decoupledWeightDecay, optimizer.step)

        return valueAndGrad { (x: Tensor) -> Tensor in
            var weights = named.map(\.value), first = firstMoments, second = secondMoments
            for k in 0..<steps {
                // ∇_θ L_D at θ_k, itself traced in x: the inner transform runs inside the outer one.
                let gradients = grad { (parameters: [Tensor]) -> Tensor in
                    D.update(Dictionary(uniqueKeysWithValues: zip(names, parameters)))
                    let outputs = self.discriminate(views[k].real.apply(real), views[k].fake.apply(x), labels: labels, condition: condition)
                    return self.discriminatorObjective(outputs, labels: labels)
                }(weights)
                let t = Float(start + k + 1)
                let correction1 = 1 - Foundation.pow(b1, t), correction2 = 1 - Foundation.pow(b2, t)
                for i in weights.indices {
                    let g = decoupled || decay == 0 ? gradients[i] : gradients[i] + weights[i] * decay
                    first[i] = first[i] * b1 + g * (1 - b1)
                    second[i] = second[i] * b2 + g * g * (1 - b2)
                    let shrunk = decoupled && decay != 0 ? weights[i] * (1 - rate * decay) : weights[i]
                    weights[i] = shrunk - (first[i] * (rate / correction1)) / (second[i] * (1 / correction2) + epsilon * epsilon).sqrt()
                }
            }
            D.update(Dictionary(uniqueKeysWithValues: zip(names, weights)))
            let output = D.discriminate(self.counters.packed(finalView.apply(x)), labels: labels, condition: condition)
            return self.generatorObjective(output, labels: labels)
        }(fake)
    }
}
