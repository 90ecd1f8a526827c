import Datasets
import NN
import TensorCore

extension AdversarialGAN {
    /// A GAN with the shared training settings of `configuration`: Adam for both networks
    /// (`--lr-g`, `--lr-d`, `--beta1`), the loss, penalty, D steps, label smoothing and moving
    /// average; preview noise of `--grid-size` rows drawn from seed + 2.
    public convenience init(configuration: TrainingConfiguration, generator: any GeneratorNetwork,
                            discriminator: any DiscriminatorNetwork, averageNetwork: (any GeneratorNetwork)?,
                            classCount: Int? = nil, auxiliaryWeight: Float = 1, previewLabels: [Int]? = nil,
                            previewRows: Int? = nil, counters: ModeCollapseCounters = .none,
                            selfConditioning: SelfConditioning? = nil) {
        var gridGenerator = RandomGenerator(seed: configuration.seed &+ 2)
        let rows = previewLabels?.count ?? configuration.gridSize
        let previewNoise = Tensor.randn([rows, configuration.latentSize], generator: &gridGenerator)
        self.init(generator: generator, discriminator: discriminator,
                  optimizerG: Adam(learningRate: configuration.learningRateG, beta1: configuration.beta1, beta2: configuration.beta2),
                  optimizerD: Adam(learningRate: configuration.learningRateD, beta1: configuration.beta1, beta2: configuration.beta2),
                  loss: configuration.loss, regularizer: configuration.regularizer,
                  discriminatorSteps: configuration.discriminatorSteps, labelSmoothing: configuration.labelSmoothing,
                  latentSize: configuration.latentSize, classCount: classCount, auxiliaryWeight: auxiliaryWeight,
                  averageNetwork: averageNetwork, averageDecay: configuration.emaDecay,
                  previewNoise: previewNoise, previewLabels: previewLabels, previewRows: previewRows,
                  previewMeans: GaussianMixture.named(configuration.dataset)?.means ?? [], counters: counters,
                  selfConditioning: selfConditioning)
    }
}
