import Datasets
import Foundation
import NN
import TensorCore

/// A generator and a discriminator trained on the minimax game, unconditional (vanilla, dcgan)
/// or conditioned on class labels (cgan): it owns the two networks, their optimizers and an
/// optional moving average of G, and its `step` reads like the algorithm: (1) update D on a
/// real batch and a generated one, (2) update G through D.
public final class AdversarialGAN: NoiseSampling {
    public let generator: any GeneratorNetwork
    public let discriminator: any DiscriminatorNetwork
    public let optimizerG: Adam
    public let optimizerD: Adam
    public let loss: AdversarialLoss
    public let regularizer: GradientRegularizer?
    /// D updates per G update.
    public let discriminatorSteps: Int
    /// One-sided label smoothing of the real target.
    public let labelSmoothing: Float
    public let latentSize: Int
    /// The number of classes G and D are conditioned on, or nil.
    public let classCount: Int?
    /// Weight of the auxiliary classification loss (AC-GAN), when D has a classifier head.
    public let auxiliaryWeight: Float
    /// The moving average of G's weights, updated after every G step, when one is kept.
    public let averageGenerator: ExponentialMovingAverage?
    /// A network of G's architecture holding the average, for sampling and checkpoints.
    public let averageNetwork: (any GeneratorNetwork)?
    /// The noise (and labels) behind the preview grid, the same for every epoch.
    public let previewNoise: Tensor
    public let previewLabels: [Int]?
    /// Rows of the preview grid (one per class for conditional models), or nil for a square grid.
    let previewRows: Int?
    /// Means of a 2-D mixture, drawn on scatter-plot previews.
    let previewMeans: [SIMD2<Float>]
    /// Whether D's output for a sample is independent of the rest of its batch (no BatchNorm,
    /// no minibatch standard deviation).
    let discriminatorTakesJointBatches: Bool
    /// The counters to mode collapse in force: packing (D built for it), augmentation and
    /// instance noise of D's inputs, unrolled look-ahead for G's gradient.
    public let counters: ModeCollapseCounters
    /// The self-conditioned GAN's clustering of the real data (`--self-condition K`), or nil:
    /// then an unconditional model's G and D take each real batch's clusters as labels.
    public let selfConditioning: SelfConditioning?

    public init(generator: any GeneratorNetwork, discriminator: any DiscriminatorNetwork, optimizerG: Adam, optimizerD: Adam,
                loss: AdversarialLoss, regularizer: GradientRegularizer? = nil, discriminatorSteps: Int = 1,
                labelSmoothing: Float = 0, latentSize: Int, classCount: Int? = nil, auxiliaryWeight: Float = 1,
                averageNetwork: (any GeneratorNetwork)? = nil, averageDecay: Float? = nil,
                previewNoise: Tensor, previewLabels: [Int]? = nil, previewRows: Int? = nil, previewMeans: [SIMD2<Float>] = [],
                counters: ModeCollapseCounters = .none, selfConditioning: SelfConditioning? = nil) {
        self.generator = generator
        self.discriminator = discriminator
        self.optimizerG = optimizerG
        self.optimizerD = optimizerD
        self.loss = loss
        self.regularizer = regularizer
        self.discriminatorSteps = discriminatorSteps
        self.labelSmoothing = labelSmoothing
        self.latentSize = latentSize
        self.classCount = classCount
        self.auxiliaryWeight = auxiliaryWeight
        averageGenerator = averageDecay.map { ExponentialMovingAverage(of: generator, decay: $0) }
        self.averageNetwork = averageDecay == nil ? nil : averageNetwork
        if let averageNetwork, let averageGenerator { averageGenerator.copy(to: averageNetwork) }
        self.previewNoise = previewNoise
        self.previewLabels = previewLabels
        self.previewRows = previewRows
        self.previewMeans = previewMeans
        discriminatorTakesJointBatches = !discriminator.namedModules().contains { $0.module is BatchNorm || $0.module is MinibatchStandardDeviation }
        self.counters = counters
        self.selfConditioning = selfConditioning
    }

    // MARK: GANFamily

    public var networks: [(name: String, module: Module)] {
        [("generator", generator), ("discriminator", discriminator)] + (averageNetwork.map { [("generator_ema", $0)] } ?? [])
    }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        [("generator", optimizerG, generator), ("discriminator", optimizerD, discriminator)]
    }

    /// The average network was loaded with the others; the average continues from it.
    public func restoreAuxiliaryState(_ state: [String: Tensor], source: String) throws {
        guard state.isEmpty else { throw CheckpointError.invalid("\(source): unexpected auxiliary state \(state.keys.sorted())") }
        if let averageGenerator, let averageNetwork {
            try averageGenerator.restore(Dictionary(uniqueKeysWithValues: averageNetwork.state().map { ($0.name, $0.value) }), source: source)
        }
    }

    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        let labels = classCount != nil ? batch.labels : selfConditioning?.labels(for: batch.samples, generator: &randomness)
        let result = step(real: batch.samples, labels: labels, progress: context.progress, generator: &randomness)
        var scalars: [(name: String, value: Float)] = [
            ("lossD", result.lossD), ("lossG", result.lossG), ("realScore", result.realScore), ("fakeScore", result.fakeScore),
            ("gradientNormD", result.normD), ("gradientNormG", result.normG),
        ]
        if let accuracy = result.classifierAccuracy { scalars.append(("classifierAccuracy", accuracy)) }
        return scalars
    }

    public var hasAverageGenerator: Bool { averageNetwork != nil }

    public func previewPicture() -> PNGImage {
        SamplePictures.png(samples(latent: previewNoise, labels: previewLabels, useAverage: true), rows: previewRows, means: previewMeans)
    }

    public func samples(latent: Tensor, labels: [Int]?, useAverage: Bool) -> Tensor {
        samples(latent: latent, labels: labels, condition: nil, useAverage: useAverage)
    }

    /// Samples for noise `latent`, labels (conditional models) and a conditioning image per
    /// row (networks that take one), in evaluation mode, with the averaged weights when
    /// `useAverage` and an average is kept.
    public func samples(latent: Tensor, labels: [Int]?, condition: Tensor?, useAverage: Bool) -> Tensor {
        let network: any GeneratorNetwork = useAverage ? (averageNetwork ?? generator) : generator
        let wasTraining = network.isTraining
        network.eval()
        defer { network.train(wasTraining) }
        return Self.generate(network, from: latent, labels: classCount == nil ? nil : labels, condition: condition)
    }

    // MARK: The step

    /// Standard normal noise for `count` samples.
    public func noise(_ count: Int, generator rng: inout RandomGenerator) -> Tensor {
        Tensor.randn([count, latentSize], generator: &rng)
    }

    /// What one step measured.
    public struct StepResult {
        public var lossD: Float, lossG: Float, realScore: Float, fakeScore: Float, normD: Float, normG: Float
        /// The auxiliary classifier's accuracy on the real batch (AC-GAN).
        public var classifierAccuracy: Float?
    }

    /// One training step on `real` (with its `labels` for conditional models, and the
    /// conditioning image of each sample for networks that take one), as PyTorch's DCGAN
    /// example: G makes one fake batch (for the same labels and conditions), which (1) trains D
    /// as a constant (`discriminatorSteps` updates; extra ones draw new fakes), then (2) trains
    /// G through the updated D (or, with `--unroll K`, through a copy of it updated K more
    /// times). D sees its inputs through `counters` (augmented, noised, packed); `progress`,
    /// the fraction of the run done, anneals the instance noise. Noise comes from `rng`.
    public func step(real: Tensor, labels: [Int]?, condition: Tensor? = nil, progress: Float = 0,
                     generator rng: inout RandomGenerator) -> StepResult {
        let G = generator, D = discriminator
        let batch = real.shape[0]
        let z = noise(batch, generator: &rng)
        let (fake, pullbackG) = valueAndPullback(model: G) { G in G.generate(z, labels: labels, condition: condition) }
        var result = StepResult(lossD: 0, lossG: 0, realScore: 0, fakeScore: 0, normD: 0, normG: 0)
        let noiseLevel = counters.instanceNoise(atProgress: progress)
        // (1) Update D: real batch against generated batch (no gradient into G).
        for k in 0..<discriminatorSteps {
            let fakeForD = k == 0 ? fake : stopGradient(G.generate(noise(batch, generator: &rng), labels: labels, condition: condition))
            let (value, gradients, outputs) = discriminatorLossAndGradients(real: real, fake: fakeForD, labels: labels, condition: condition,
                                                                            noiseLevel: noiseLevel, generator: &rng)
            result.lossD += value / Float(discriminatorSteps)
            result.normD = globalNorm(gradients)
            result.realScore = score(outputs.real)
            result.fakeScore = score(outputs.fake)
            if let labels, let realClasses = outputs.realClasses {
                let predicted = realClasses.detached().argmax(axis: 1)
                result.classifierAccuracy = Float(zip(predicted, labels).filter { $0 == $1 }.count) / Float(labels.count)
            }
            // Never apply a non-finite update: the caller stops on the returned values.
            guard result.lossD.isFinite, result.normD.isFinite else {
                result.lossG = .nan
                result.normG = .nan
                return result
            }
            optimizerD.update(D, gradients: gradients)
        }
        let valueG: Tensor, fakeGradient: Tensor
        if counters.unrollSteps > 0 && counters.unrollSecondOrder {
            (valueG, fakeGradient) = secondOrderUnrolledGeneratorLoss(real: real, fake: stopGradient(fake), labels: labels, condition: condition,
                                                                      noiseLevel: noiseLevel, generator: &rng)
        } else {
            // Unrolled GAN (surrogate): D looks K steps ahead with a copy of its optimizer on the
            // same batches; G's gradient is taken through the look-ahead D, then D goes back.
            let savedD: [String: Tensor]? = counters.unrollSteps > 0 ? Dictionary(uniqueKeysWithValues: D.state().map { ($0.name, $0.value) }) : nil
            if counters.unrollSteps > 0 {
                let lookahead = Adam(learningRate: optimizerD.learningRate, beta1: optimizerD.beta1, beta2: optimizerD.beta2, epsilon: optimizerD.epsilon)
                try? lookahead.loadState(optimizerD.stateTensors(), for: D)
                let fakeForD = stopGradient(fake)
                for _ in 0..<counters.unrollSteps {
                    let (value, gradients, _) = discriminatorLossAndGradients(real: real, fake: fakeForD, labels: labels, condition: condition,
                                                                              noiseLevel: noiseLevel, generator: &rng)
                    guard value.isFinite, globalNorm(gradients).isFinite else { break }
                    lookahead.update(D, gradients: gradients)
                }
            }
            // (2) Update G: the loss's gradient at the fake batch, through the updated D (whose
            // weights get no gradients), pulled back through G.
            let view = drawInputView(shape: fake.shape, noiseLevel: noiseLevel, generator: &rng)
            (valueG, fakeGradient) = valueAndGrad { (x: Tensor) in
                let output = D.discriminate(self.counters.packed(view.apply(x)), labels: labels, condition: condition)
                return self.generatorObjective(output, labels: labels)
            }(fake)
            if let savedD { D.update(savedD) }
        }
        let gradientsG = pullbackG(fakeGradient)
        result.lossG = valueG.scalar
        result.normG = globalNorm(gradientsG)
        if result.lossG.isFinite && result.normG.isFinite {
            optimizerG.update(G, gradients: gradientsG)
            if let averageGenerator {
                averageGenerator.update(from: G)
                if let averageNetwork { averageGenerator.copy(to: averageNetwork) }
            }
        }
        return result
    }

    /// How D sees one batch: the random draws of its augmentation and instance noise.
    struct InputView {
        var augmentation: (DiffAugment, DiffAugment.Draw)?
        var noise: Tensor?

        /// `samples` augmented, then noised; differentiable in `samples`.
        func apply(_ samples: Tensor) -> Tensor {
            var x = samples
            if let (augment, draw) = augmentation { x = augment.apply(x, draw) }
            if let noise { x = x + noise }
            return x
        }
    }

    /// Draws D's view of a batch of `shape`: a DiffAugment draw and N(0, noiseLevel²) noise when asked.
    func drawInputView(shape: [Int], noiseLevel: Float, generator rng: inout RandomGenerator) -> InputView {
        var view = InputView()
        if let augment = counters.diffAugment { view.augmentation = (augment, augment.draw(shape: shape, generator: &rng)) }
        if noiseLevel > 0 { view.noise = Tensor.randn(shape, standardDeviation: noiseLevel, generator: &rng) }
        return view
    }

    /// D's loss on `real` against `fake` (constants), seen through fresh input views, with the
    /// auxiliary classification loss and the gradient penalty; its gradients for D's weights
    /// and D's outputs.
    func discriminatorLossAndGradients(real: Tensor, fake: Tensor, labels: [Int]?, condition: Tensor?, noiseLevel: Float,
                                       generator rng: inout RandomGenerator)
        -> (value: Float, gradients: [String: Tensor], outputs: (real: Tensor, fake: Tensor, realClasses: Tensor?)) {
        let D = discriminator
        let realInput = drawInputView(shape: real.shape, noiseLevel: noiseLevel, generator: &rng).apply(real)
        let fakeInput = drawInputView(shape: fake.shape, noiseLevel: noiseLevel, generator: &rng).apply(fake)
        var penaltyGenerator = rng
        var realOutput = Tensor(0), fakeOutput = Tensor(0), realClasses: Tensor?
        let (value, gradients) = valueAndGrad(model: D) { D in
            let outputs = self.discriminate(realInput, fakeInput, labels: labels, condition: condition)
            (realOutput, fakeOutput, realClasses) = (outputs.real, outputs.fake, outputs.realClasses)
            var total = self.discriminatorObjective(outputs, labels: labels)
            if let regularizer = self.regularizer {
                total = total + regularizer.penalty({ D.discriminate(self.counters.packed($0), labels: labels, condition: condition).score },
                                                    real: realInput, fake: fakeInput, generator: &penaltyGenerator)
            }
            return total
        }
        rng = penaltyGenerator
        return (value.scalar, gradients, (realOutput, fakeOutput, realClasses))
    }

    /// D's adversarial loss on its outputs for a real and a fake batch, plus AC-GAN's
    /// classification of both batches by their (requested) class when D has a class head.
    func discriminatorObjective(_ outputs: (real: Tensor, fake: Tensor, realClasses: Tensor?, fakeClasses: Tensor?), labels: [Int]?) -> Tensor {
        let total = loss.discriminatorLoss(real: outputs.real, fake: outputs.fake, smoothing: labelSmoothing)
        guard let labels, let realClasses = outputs.realClasses, let fakeClasses = outputs.fakeClasses else { return total }
        return total + (crossEntropy(realClasses, labels: labels) + crossEntropy(fakeClasses, labels: labels)) * auxiliaryWeight
    }

    /// G's loss on D's output for a fake batch, plus AC-GAN's classification by the requested class.
    func generatorObjective(_ output: (score: Tensor, classLogits: Tensor?), labels: [Int]?) -> Tensor {
        let total = loss.generatorLoss(fake: output.score)
        guard let labels, let classes = output.classLogits else { return total }
        return total + crossEntropy(classes, labels: labels) * auxiliaryWeight
    }

    /// D's outputs on a real and a fake batch (packed when D takes packs). Without BatchNorm
    /// or minibatch statistics in D (which would mix the two) both go through D as one batch:
    /// one pass, larger GEMMs.
    func discriminate(_ real: Tensor, _ fake: Tensor, labels: [Int]?, condition: Tensor?)
        -> (real: Tensor, fake: Tensor, realClasses: Tensor?, fakeClasses: Tensor?) {
        guard discriminatorTakesJointBatches else {
            let r = discriminator.discriminate(counters.packed(real), labels: labels, condition: condition)
            let f = discriminator.discriminate(counters.packed(fake), labels: labels, condition: condition)
            return (r.score, f.score, r.classLogits, f.classLogits)
        }
        let n = real.shape[0] / counters.pack
        let outputs = discriminator.discriminate(counters.packed(Tensor.concat([real, fake], axis: 0)), labels: labels.map { $0 + $0 },
                                                 condition: condition.map { Tensor.concat([$0, $0], axis: 0) })
        func halves(_ t: Tensor) -> (Tensor, Tensor) { (t.slice(axis: 0, 0..<n), t.slice(axis: 0, n..<t.shape[0])) }
        let (r, f) = halves(outputs.score)
        let classes = outputs.classLogits.map(halves)
        return (r, f, classes?.0, classes?.1)
    }

    /// Mean D output as a probability (logit losses) or a raw score.
    func score(_ output: Tensor) -> Float {
        (loss.outputsAreLogits ? output.detached().sigmoid() : output.detached()).mean().scalar
    }

    /// `network` applied to `z` (and `labels`, `condition`) in chunks of `batchSize` rows, joined.
    static func generate(_ network: any GeneratorNetwork, from z: Tensor, labels: [Int]?, condition: Tensor? = nil,
                         batchSize: Int = 500) -> Tensor {
        let count = z.shape[0]
        var pieces: [Tensor] = []
        var start = 0
        while start < count {
            let end = min(count, start + batchSize)
            pieces.append(network.generate(z.slice(axis: 0, start..<end), labels: labels.map { Array($0[start..<end]) },
                                           condition: condition?.slice(axis: 0, start..<end)))
            start = end
        }
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
    }
}
