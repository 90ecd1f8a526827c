import NN
import TensorCore

/// The counters to mode collapse and unstable training that the adversarial families
/// (`vanilla`, `dcgan`, `cgan`) take, read from a run's options (flag names without dashes):
///
/// | option | counter |
/// |---|---|
/// | `pack` M | PacGAN (Lin et al. 2018): D judges M samples at once, concatenated (channels of images, coordinates of points) |
/// | `minibatch-std` | ProGAN's minibatch standard deviation layer before D's last layer |
/// | `spectral-norm` | spectral normalization of every Linear and convolution weight of D (Miyato et al. 2018) |
/// | `diffaugment` POLICY | differentiable augmentation of real and fake images before D (`translation,cutout,color`) |
/// | `instance-noise` SIGMA | Gaussian noise added to D's real and fake inputs, its deviation annealed linearly from SIGMA to 0 over the run |
/// | `unroll` K | unrolled GAN (Metz et al. 2017), the surrogate form: G's gradient is taken through a copy of D updated K more times |
/// | `unroll-second-order` | with `unroll`, the paper's full form: G's gradient also flows through D's K look-ahead updates, which depend on G's samples |
///
/// Two-timescale updates (TTUR, Heusel et al. 2017) are the shared `--lr-g` and `--lr-d`.
/// A new `vanilla` run on a 2-D mixture from the command line records `twoDimensionalDefault`
/// for the options not given (`TrainingConfiguration.applyTwoDimensionalDefaults`).
public struct ModeCollapseCounters: Sendable, Equatable {
    /// Samples D judges together (1: none).
    public var pack = 1
    public var minibatchStandardDeviation = false
    public var spectralNorm = false
    public var diffAugment: DiffAugment?
    /// The instance noise's standard deviation at the start of the run (0: none).
    public var instanceNoise: Float = 0
    /// Look-ahead D steps G's gradient goes through (0: none).
    public var unrollSteps = 0
    /// Whether G's gradient also goes through the look-ahead updates themselves (the
    /// second-order term the surrogate form leaves out).
    public var unrollSecondOrder = false

    public init(pack: Int = 1, minibatchStandardDeviation: Bool = false, spectralNorm: Bool = false,
                diffAugment: DiffAugment? = nil, instanceNoise: Float = 0, unrollSteps: Int = 0, unrollSecondOrder: Bool = false) {
        self.pack = pack
        self.minibatchStandardDeviation = minibatchStandardDeviation
        self.spectralNorm = spectralNorm
        self.diffAugment = diffAugment
        self.instanceNoise = instanceNoise
        self.unrollSteps = unrollSteps
        self.unrollSecondOrder = unrollSecondOrder
    }

    /// No counter: the reference networks and step.
    public static let none = ModeCollapseCounters()

    /// The counters a new `vanilla` run on 2-D data (`ring8`, `grid25`) starts from: the set
    /// measured best over 10 seeds (README, "Countering mode collapse").
    public static let twoDimensionalDefault = ModeCollapseCounters(pack: 2, minibatchStandardDeviation: false)

    /// The option names (flag names without dashes).
    public static let optionNames = ["pack", "minibatch-std", "spectral-norm", "diffaugment", "instance-noise", "unroll", "unroll-second-order"]

    /// The counters `configuration`'s options ask for (none when absent), for samples of
    /// `sampleShape`; `conditional` families (whose D judges each sample with its label) cannot
    /// pack. Throws `TrainingError.invalidConfiguration` naming the flag of a bad value.
    public init(configuration: TrainingConfiguration, sampleShape: [Int], conditional: Bool) throws {
        let options = configuration.options
        self = .none
        func invalid(_ message: String) -> TrainingError { .invalidConfiguration(message) }
        func flag(_ name: String) throws -> Bool? {
            guard let text = options[name] else { return nil }
            switch text.lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: throw invalid("--\(name) must be true or false, not \(text)")
            }
        }
        if let text = options["pack"] {
            guard let value = Int(text), value >= 1 else { throw invalid("--pack must be a whole number >= 1, not \(text)") }
            pack = value
        }
        if let value = try flag("minibatch-std") { minibatchStandardDeviation = value }
        if let value = try flag("spectral-norm") { spectralNorm = value }
        if let text = options["diffaugment"] {
            if text.lowercased() == "none" {
                diffAugment = nil
            } else {
                guard let policy = DiffAugment(policy: text) else {
                    throw invalid("--diffaugment must be a comma-separated list of \(DiffAugment.Operation.allCases.map(\.rawValue).joined(separator: ", ")) (or none), not \(text)")
                }
                diffAugment = policy
            }
        }
        if let text = options["instance-noise"] {
            guard let value = Float(text), value.isFinite, value >= 0 else {
                throw invalid("--instance-noise must be a standard deviation >= 0, not \(text)")
            }
            instanceNoise = value
        }
        if let text = options["unroll"] {
            guard let value = Int(text), value >= 0 else { throw invalid("--unroll must be a whole number >= 0, not \(text)") }
            unrollSteps = value
        }
        if let value = try flag("unroll-second-order") { unrollSecondOrder = value }
        if unrollSecondOrder && unrollSteps == 0 {
            throw invalid("--unroll-second-order differentiates through the look-ahead steps of --unroll K; give --unroll 1 or more")
        }
        if pack > 1 && conditional {
            throw invalid("--pack works for unconditional families (vanilla, dcgan): a conditional D judges each sample with its own label")
        }
        if configuration.batchSize % pack != 0 {
            throw invalid("--pack \(pack) needs a --batch divisible by \(pack); --batch is \(configuration.batchSize)")
        }
        if diffAugment != nil && sampleShape.count != 3 {
            throw invalid("--diffaugment augments images; samples of shape \(sampleShape) are no images")
        }
    }

    /// The shape of what D takes: `pack` samples of `sampleShape` joined along their first axis.
    public func packedShape(_ sampleShape: [Int]) -> [Int] {
        [sampleShape[0] * pack] + sampleShape.dropFirst()
    }

    /// A batch `[N, ...]` as `[N / pack, pack · first axis, ...]`: samples `pack·k ..< pack·(k+1)`
    /// side by side in one input of D (their channels or coordinates concatenated).
    public func packed(_ samples: Tensor) -> Tensor {
        guard pack > 1 else { return samples }
        let count = samples.shape[0]
        require(count % pack == 0, "packed: a batch of \(count) does not split into packs of \(pack)")
        return samples.reshape([count / pack, samples.shape[1] * pack] + samples.shape.dropFirst(2))
    }

    /// The instance noise's standard deviation at `progress` (the fraction of the run done):
    /// linear from `instanceNoise` to 0.
    public func instanceNoise(atProgress progress: Float) -> Float {
        instanceNoise * Swift.max(0, 1 - progress)
    }

    /// Installs spectral normalization on every Linear and convolution of `discriminator`
    /// (PyTorch's `weight_orig`, `weight_u`, `weight_v`), when asked for.
    public func applySpectralNorm(to discriminator: Module, generator rng: inout RandomGenerator) {
        guard spectralNorm else { return }
        for (_, module) in discriminator.namedModules() where module is Linear || module is Conv2d {
            NN.spectralNorm(module, generator: &rng)
        }
    }

    /// The counters as run options, every one written out (what a run's `config.json` records).
    public var options: [String: String] {
        ["pack": String(pack), "minibatch-std": String(minibatchStandardDeviation), "spectral-norm": String(spectralNorm),
         "diffaugment": diffAugment?.policy ?? "none", "instance-noise": String(instanceNoise), "unroll": String(unrollSteps),
         "unroll-second-order": String(unrollSecondOrder)]
    }

    /// The counters in force, as command-line flags (empty for none).
    public var flags: String {
        var parts: [String] = []
        if pack > 1 { parts.append("--pack \(pack)") }
        if minibatchStandardDeviation { parts.append("--minibatch-std") }
        if spectralNorm { parts.append("--spectral-norm") }
        if let diffAugment { parts.append("--diffaugment \(diffAugment.policy)") }
        if instanceNoise > 0 { parts.append("--instance-noise \(instanceNoise)") }
        if unrollSteps > 0 { parts.append("--unroll \(unrollSteps)") }
        if unrollSecondOrder { parts.append("--unroll-second-order") }
        return parts.joined(separator: " ")
    }
}

extension TrainingConfiguration {
    /// Whether this run is `vanilla` on a 2-D mixture (`ring8`, `grid25`), which starts from
    /// `applyTwoDimensionalDefaults`.
    public var isTwoDimensionalMixtureRun: Bool {
        family == "vanilla" && ["ring8", "grid25"].contains(dataset.lowercased())
    }

    /// The settings measured best on the 2-D mixtures over 10 seeds (README, "Countering mode
    /// collapse"), the starting point of a new `vanilla` run on one; flags given override them:
    /// latent size 8, batch 256, two time scales (TTUR: learning rate 1e-4 for G, 4e-4 for D),
    /// `twoDimensionalSteps` steps and the counters of `ModeCollapseCounters.twoDimensionalDefault`
    /// (PacGAN2), recorded in the options. `applyTwoDimensionalDefaultsAfterFlags` adds the rate
    /// decay and the self-conditioning once the run's length and batch are known.
    public mutating func applyTwoDimensionalDefaults() {
        guard isTwoDimensionalMixtureRun else { return }
        latentSize = 8
        batchSize = 256
        learningRateG = 1e-4
        learningRateD = 4e-4
        steps = Self.twoDimensionalSteps
        options.merge(ModeCollapseCounters.twoDimensionalDefault.options) { current, _ in current }
    }

    /// The clusters of the self-conditioned GAN a 2-D run uses by default (`--self-condition`),
    /// or as many as its batch holds when that is fewer.
    public static let twoDimensionalClusters = 50

    /// The length of a 2-D run by default.
    public static let twoDimensionalSteps = 10_000

    /// For a new `vanilla` run on a 2-D mixture, after the flags: without `--decay-from`,
    /// records `decay-from` as half the run, so every rate decays linearly to 0 over its second
    /// half; without `--self-condition`, self-conditioning on `twoDimensionalClusters` clusters
    /// (at most the batch).
    public mutating func applyTwoDimensionalDefaultsAfterFlags() {
        guard isTwoDimensionalMixtureRun else { return }
        if options["decay-from"] == nil {
            let totalSteps = steps ?? epochs * max(mixtureSampleCount / max(batchSize, 1), 1)
            options["decay-from"] = String(totalSteps / 2)
        }
        if options["self-condition"] == nil { options["self-condition"] = String(min(Self.twoDimensionalClusters, batchSize)) }
    }
}
