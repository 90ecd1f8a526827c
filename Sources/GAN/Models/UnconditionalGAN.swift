import Foundation
import NN
import TensorCore

/// A GAN whose generator maps noise to samples and whose discriminator sees samples alone:
/// the vanilla GAN and DCGAN. It owns its two networks and their optimizers, and its `step`
/// reads like the algorithm: (1) update D on a real batch and a generated one, (2) update G
/// through D.
public final class UnconditionalGAN {
    public let generator: Sequential
    public let discriminator: Sequential
    public let optimizerG: Adam
    public let optimizerD: Adam
    public let loss: AdversarialLoss
    public let regularizer: GradientRegularizer?
    /// D updates per G update.
    public let discriminatorSteps: Int
    /// One-sided label smoothing of the real target.
    public let labelSmoothing: Float
    public let latentSize: Int
    /// The moving average of G's weights, updated after every G step, when one is kept.
    public let averageGenerator: ExponentialMovingAverage?
    /// Whether D's output for a sample is independent of the rest of its batch (no BatchNorm).
    let discriminatorTakesJointBatches: Bool

    public init(generator: Sequential, discriminator: Sequential, optimizerG: Adam, optimizerD: Adam,
                loss: AdversarialLoss, regularizer: GradientRegularizer? = nil, discriminatorSteps: Int = 1,
                labelSmoothing: Float = 0, latentSize: Int, averageDecay: Float? = nil) {
        self.generator = generator
        self.discriminator = discriminator
        self.optimizerG = optimizerG
        self.optimizerD = optimizerD
        self.loss = loss
        self.regularizer = regularizer
        self.discriminatorSteps = discriminatorSteps
        self.labelSmoothing = labelSmoothing
        self.latentSize = latentSize
        averageGenerator = averageDecay.map { ExponentialMovingAverage(of: generator, decay: $0) }
        discriminatorTakesJointBatches = !discriminator.namedModules().contains { $0.module is BatchNorm }
    }

    /// Standard normal noise for `count` samples.
    public func noise(_ count: Int, generator rng: inout RandomGenerator) -> Tensor {
        Tensor.randn([count, latentSize], generator: &rng)
    }

    /// One training step on `real`, as PyTorch's DCGAN example: G makes one fake batch, which
    /// (1) trains D as a constant (`discriminatorSteps` updates; extra ones draw new fakes), then
    /// (2) trains G through the updated D. Noise comes from `rng`.
    public func step(real: Tensor, generator rng: inout RandomGenerator) -> (lossD: Float, lossG: Float, realScore: Float,
                                                                        fakeScore: Float, normD: Float, normG: Float) {
        let G = generator, D = discriminator
        let batch = real.shape[0]
        let z = noise(batch, generator: &rng)
        let (fake, pullbackG) = valueAndPullback(model: G) { G in G(z) }
        var lossD: Float = 0, normD: Float = 0, realScore: Float = 0, fakeScore: Float = 0
        // (1) Update D: real batch against generated batch (no gradient into G).
        for k in 0..<discriminatorSteps {
            let fakeForD = k == 0 ? fake : stopGradient(G(noise(batch, generator: &rng)))
            var penaltyGenerator = rng
            var realOutput = Tensor(0), fakeOutput = Tensor(0)
            let (value, gradients) = valueAndGrad(model: D) { D in
                (realOutput, fakeOutput) = self.discriminate(real, fakeForD)
                var total = self.loss.discriminatorLoss(real: realOutput, fake: fakeOutput, smoothing: self.labelSmoothing)
                if let regularizer = self.regularizer {
                    total = total + regularizer.penalty({ D($0) }, real: real, fake: fakeForD, generator: &penaltyGenerator)
                }
                return total
            }
            rng = penaltyGenerator
            lossD += value.scalar / Float(discriminatorSteps)
            normD = globalNorm(gradients)
            realScore = score(realOutput)
            fakeScore = score(fakeOutput)
            // Never apply a non-finite update: the caller stops on the returned values.
            guard lossD.isFinite, normD.isFinite else { return (lossD, .nan, realScore, fakeScore, normD, .nan) }
            optimizerD.update(D, gradients: gradients)
        }
        // (2) Update G: the loss's gradient at the fake batch, through the updated D (whose
        // weights get no gradients), pulled back through G.
        let (valueG, fakeGradient) = valueAndGrad { (x: Tensor) in self.loss.generatorLoss(fake: D(x)) }(fake)
        let gradientsG = pullbackG(fakeGradient)
        let normG = globalNorm(gradientsG)
        if valueG.scalar.isFinite && normG.isFinite {
            optimizerG.update(G, gradients: gradientsG)
            averageGenerator?.update(from: G)
        }
        return (lossD, valueG.scalar, realScore, fakeScore, normD, normG)
    }

    /// D's outputs on a real and a fake batch. Without BatchNorm in D (whose batch statistics
    /// would mix the two) both go through D as one batch: one pass, larger GEMMs.
    func discriminate(_ real: Tensor, _ fake: Tensor) -> (real: Tensor, fake: Tensor) {
        guard discriminatorTakesJointBatches else { return (discriminator(real), discriminator(fake)) }
        let outputs = discriminator(Tensor.concat([real, fake], axis: 0))
        return (outputs.slice(axis: 0, 0..<real.shape[0]), outputs.slice(axis: 0, real.shape[0]..<outputs.shape[0]))
    }

    /// Mean D output as a probability (logit losses) or a raw score.
    func score(_ output: Tensor) -> Float {
        (loss.outputsAreLogits ? output.detached().sigmoid() : output.detached()).mean().scalar
    }

    /// Samples from noise `z` with G in evaluation mode (running BatchNorm statistics); G's
    /// mode is restored afterwards.
    public func samples(from z: Tensor) -> Tensor {
        let wasTraining = generator.isTraining
        generator.eval()
        defer { generator.train(wasTraining) }
        return Self.generate(generator, from: z)
    }

    /// `network` applied to `z` in chunks of `batchSize` rows, joined.
    static func generate(_ network: Module, from z: Tensor, batchSize: Int = 500) -> Tensor {
        let count = z.shape[0]
        var pieces: [Tensor] = []
        var start = 0
        while start < count {
            let end = min(count, start + batchSize)
            pieces.append(network(z.slice(axis: 0, start..<end)))
            start = end
        }
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
    }
}
