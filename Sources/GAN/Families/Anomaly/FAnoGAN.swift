import Datasets
import NN
import TensorCore

/// f-AnoGAN (Schlegl et al., Medical Image Analysis 2019), trained on normal images only.
///
/// First a WGAN-GP learns the normal images (the shared adversarial step: Wasserstein loss,
/// gradient penalty 10, `--critic-steps` critic updates per generator update); then, with G
/// and the critic fixed, an encoder E learns to map images to codes such that G(E(x)) ≈ x:
/// the izi_f loss ‖x − G(E(x))‖² + κ ‖f(x) − f(G(E(x)))‖², f the critic's last hidden
/// features. The anomaly score is that same sum per image (means over pixels and features).
/// The last `--encoder-fraction` of the run's steps (as long as the run was when it started)
/// train the encoder.
public final class FAnoGAN: AnomalyDetecting {
    public let generator: Sequential
    public let critic: FeatureDiscriminator
    public let encoder: Sequential
    /// Phase 1: the WGAN-GP game of G and the critic.
    public let adversarial: AdversarialGAN
    public let optimizerE: Adam
    public let options: AnomalyOptions
    public let sampleShape: [Int]
    public let previewInputs: Tensor

    public init(shape: AnomalyNetworkShape, options: AnomalyOptions, learningRate: Float, beta1: Float, beta2: Float,
                seed: UInt64, previewInputs: Tensor) {
        var weights = RandomGenerator(seed: seed)
        generator = shape.decoder(generator: &weights)
        critic = FeatureDiscriminator(shape: shape, batchNorm: false, generator: &weights)
        encoder = shape.encoder(generator: &weights)
        for network in [generator, critic, encoder] as [Module] {
            network.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        }
        var previewGenerator = RandomGenerator(seed: seed &+ 2)
        adversarial = AdversarialGAN(
            generator: generator, discriminator: critic,
            optimizerG: Adam(learningRate: learningRate, beta1: beta1, beta2: beta2),
            optimizerD: Adam(learningRate: learningRate, beta1: beta1, beta2: beta2),
            loss: .wasserstein, regularizer: .gradientPenalty(weight: 10), discriminatorSteps: options.criticSteps,
            latentSize: shape.latentSize, previewNoise: Tensor.randn([previewInputs.shape[0], shape.latentSize], generator: &previewGenerator))
        optimizerE = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2)
        self.options = options
        sampleShape = [shape.channels, shape.size, shape.size]
        self.previewInputs = previewInputs
    }

    public var method: AnomalyMethod { .fAnoGAN }

    public var networks: [(name: String, module: Module)] {
        [("generator", generator), ("discriminator", critic), ("encoder", encoder)]
    }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        adversarial.optimizers + [("encoder", optimizerE, encoder)]
    }

    public var scoringNetworks: [Module] { [generator, critic, encoder] }

    /// Steps of the GAN phase, fixed when the run starts (from its length then) and kept in
    /// checkpoints, so resuming or extending a run never returns to the GAN after the encoder.
    public private(set) var adversarialSteps: Int?

    /// Steps of the GAN phase in a run of `totalSteps`: all but the last `--encoder-fraction`.
    public func adversarialSteps(of totalSteps: Int) -> Int {
        max(1, totalSteps - Int((options.encoderFraction * Float(totalSteps)).rounded()))
    }

    public var auxiliaryState: [(name: String, value: Tensor)] {
        adversarialSteps.map { [("gan_steps", Tensor([Float($0)], shape: [1]))] } ?? []
    }

    public func restoreAuxiliaryState(_ state: [String: Tensor], source: String) throws {
        guard Set(state.keys).isSubset(of: ["gan_steps"]) else {
            throw CheckpointError.invalid("\(source): unexpected auxiliary state \(state.keys.sorted())")
        }
        guard let steps = state["gan_steps"] else { return }
        guard steps.count == 1, let value = Int(exactly: steps.scalars[0]), value >= 1 else {
            throw CheckpointError.invalid("\(source): auxiliary.gan_steps must hold one positive step count")
        }
        adversarialSteps = value
    }

    /// The izi_f residuals per image: ‖x − G(E(x))‖² and ‖f(x) − f(G(E(x)))‖² (means), and G(E(x)).
    public func residuals(_ x: Tensor) -> (image: Tensor, features: Tensor, reconstruction: Tensor) {
        let reconstruction = generator(encoder(x))
        let realFeatures = critic.scoreAndFeatures(x).features
        let fakeFeatures = critic.scoreAndFeatures(reconstruction).features
        let n = x.shape[0]
        return ((reconstruction - x).square().reshape([n, -1]).mean(axes: [1]),
                (fakeFeatures - realFeatures).square().mean(axes: [1]), reconstruction)
    }

    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        if adversarialSteps == nil { adversarialSteps = adversarialSteps(of: context.totalSteps) }
        if context.step <= adversarialSteps! {
            let result = adversarial.step(real: batch.samples, labels: nil, generator: &randomness)
            return [("lossD", result.lossD), ("lossG", result.lossG), ("criticReal", result.realScore), ("criticFake", result.fakeScore),
                    ("gradientNormD", result.normD), ("gradientNormG", result.normG)]
        }
        generator.eval()
        critic.eval()
        let x = batch.samples
        var imageResidual: Float = 0, featureResidual: Float = 0
        let (loss, gradients) = valueAndGrad(model: encoder) { _ in
            let r = self.residuals(x)
            let image = r.image.mean(), features = r.features.mean()
            (imageResidual, featureResidual) = (image.detached().scalar, features.detached().scalar)
            return image + features * self.options.kappa
        }
        let norm = globalNorm(gradients)
        if loss.scalar.isFinite && norm.isFinite { optimizerE.update(encoder, gradients: gradients) }
        return [("lossE", loss.scalar), ("imageResidual", imageResidual), ("featureResidual", featureResidual), ("gradientNormE", norm)]
    }

    /// Image residual + κ · feature residual.
    public func anomalyScoreBatch(_ images: Tensor) -> Tensor {
        let r = residuals(images)
        return r.image + r.features * options.kappa
    }

    public func reconstructionBatch(_ images: Tensor) -> Tensor { generator(encoder(images)) }

    /// Held-out normal images, their reconstructions G(E(x)), and samples G(z) of fixed noise.
    public func previewPicture() -> PNGImage {
        let samples = adversarial.samples(latent: adversarial.previewNoise, labels: nil, useAverage: false)
        let grid = Tensor.concat([previewInputs, reconstructions(previewInputs), samples], axis: 0)
        return PNGImage(ImageGrid.make(grid, rows: 3), range: 0...1)
    }
}
