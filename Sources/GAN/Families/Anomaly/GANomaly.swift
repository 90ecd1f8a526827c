import Datasets
import NN
import TensorCore

/// GANomaly (Akcay, Atapour-Abarghouei and Breckon, ACCV 2018), trained on normal images only.
///
/// The generator encodes x to z, decodes x̂, and encodes x̂ again to ẑ; the discriminator tells
/// x from x̂. G minimizes w_adv ‖f(x) − f(x̂)‖² (D's features) + w_con |x − x̂|₁ + w_enc ‖z − ẑ‖²,
/// D the binary cross-entropy of x (real) against x̂ (fake). What G cannot reproduce, it cannot
/// encode consistently: the anomaly score is ‖z − ẑ‖² (mean over the code).
public final class GANomaly: AnomalyDetecting {
    public let generator: GANomalyGenerator
    public let discriminator: FeatureDiscriminator
    public let optimizerG: Adam
    public let optimizerD: Adam
    public let options: AnomalyOptions
    public let sampleShape: [Int]
    /// Held-out normal images shown with their reconstructions after every epoch.
    public let previewInputs: Tensor

    public init(shape: AnomalyNetworkShape, options: AnomalyOptions, learningRate: Float, beta1: Float, beta2: Float,
                seed: UInt64, previewInputs: Tensor) {
        var weights = RandomGenerator(seed: seed)
        generator = GANomalyGenerator(shape: shape, generator: &weights)
        discriminator = FeatureDiscriminator(shape: shape, batchNorm: true, generator: &weights)
        generator.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        discriminator.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        optimizerG = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2)
        optimizerD = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2)
        self.options = options
        sampleShape = [shape.channels, shape.size, shape.size]
        self.previewInputs = previewInputs
    }

    public var method: AnomalyMethod { .ganomaly }

    public var networks: [(name: String, module: Module)] { [("generator", generator), ("discriminator", discriminator)] }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        [("generator", optimizerG, generator), ("discriminator", optimizerD, discriminator)]
    }

    public var scoringNetworks: [Module] { [generator, discriminator] }

    /// The generator's loss terms for images `x`: adversarial (feature matching), contextual
    /// (L1 reconstruction) and encoder (latent) losses, unweighted, and x̂.
    public func generatorLosses(_ x: Tensor) -> (adversarial: Tensor, contextual: Tensor, encoder: Tensor, reconstruction: Tensor) {
        let (reconstruction, z, zHat) = generator.forward(x)
        let realFeatures = discriminator.scoreAndFeatures(x).features
        let fakeFeatures = discriminator.scoreAndFeatures(reconstruction).features
        return (mse(fakeFeatures, realFeatures), l1(reconstruction, x), mse(zHat, z), reconstruction)
    }

    /// D's loss: x is real, x̂ fake.
    public func discriminatorLoss(real x: Tensor, fake reconstruction: Tensor) -> Tensor {
        (bceWithLogits(discriminator(x), target: 1) + bceWithLogits(discriminator(reconstruction), target: 0)) * 0.5
    }

    /// One step as the reference implementation: G's update through D, then D's on x and the
    /// (constant) x̂ of that forward pass.
    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        let x = batch.samples
        var terms: (adversarial: Float, contextual: Float, encoder: Float) = (0, 0, 0)
        var reconstruction = x
        let (lossG, gradientsG) = valueAndGrad(model: generator) { _ in
            let losses = self.generatorLosses(x)
            terms = (losses.adversarial.detached().scalar, losses.contextual.detached().scalar, losses.encoder.detached().scalar)
            reconstruction = losses.reconstruction.detached()
            return losses.adversarial * self.options.adversarialWeight + losses.contextual * self.options.reconstructionWeight
                + losses.encoder * self.options.latentWeight
        }
        let normG = globalNorm(gradientsG)
        guard lossG.scalar.isFinite, normG.isFinite else {
            return [("lossG", lossG.scalar), ("lossD", .nan), ("gradientNormG", normG)]
        }
        optimizerG.update(generator, gradients: gradientsG)
        let (lossD, gradientsD) = valueAndGrad(model: discriminator) { _ in self.discriminatorLoss(real: x, fake: reconstruction) }
        let normD = globalNorm(gradientsD)
        if lossD.scalar.isFinite && normD.isFinite { optimizerD.update(discriminator, gradients: gradientsD) }
        return [("lossG", lossG.scalar), ("lossD", lossD.scalar), ("adversarial", terms.adversarial), ("contextual", terms.contextual),
                ("encoder", terms.encoder), ("gradientNormG", normG), ("gradientNormD", normD)]
    }

    /// ‖z − ẑ‖² averaged over the code.
    public func anomalyScoreBatch(_ images: Tensor) -> Tensor {
        let (_, z, zHat) = generator.forward(images)
        return (z - zHat).square().mean(axes: [1])
    }

    public func reconstructionBatch(_ images: Tensor) -> Tensor { generator(images) }

    public func previewPicture() -> PNGImage { reconstructionPicture(previewInputs) }
}
