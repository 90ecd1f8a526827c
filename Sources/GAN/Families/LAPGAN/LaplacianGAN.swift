import Datasets
import NN
import TensorCore

/// LAPGAN (Denton, Chintala, Szlam and Fergus, 2015): a Laplacian pyramid of GANs that builds
/// an image coarse to fine.
///
/// Level k works at side s_k (s_0 the image's, s_{k+1} = ceil(s_k / 2)); the coarsest level
/// K = levels - 1 is a plain GAN on the low-resolution image I_K, and every finer level a
/// conditional GAN whose G_k(z_k, l_k) makes the band-pass residual h_k given the upsampled
/// coarser image l_k = upsample(I_{k+1}), judged by D_k(h_k, l_k). Each level is an
/// `AdversarialGAN` (with its networks, optimizers, loss and moving average); all of them train
/// independently in the same step on the Laplacian pyramid of the same real batch, as in the
/// paper. Sampling chains them: I_K = G_K(z_K), then I_k = l_k + G_k(z_k, l_k) with
/// l_k = upsample(I_{k+1}), each I_k clamped to [-1, 1] (where every real pyramid image lies).
///
/// Noise layout: one sample's latent vector is the concatenation of every level's noise in
/// level order, finest first: z_0 (s_0·s_0 values, read as an s_0 x s_0 plane), z_1 (s_1·s_1), ...,
/// z_K (`--latent-size`, default 100). Fashion-MNIST with 3 levels: 784 + 196 + 100 = 1080.
public final class LaplacianGAN: NoiseSampling {
    /// The levels, finest (level 0) first; the last is the coarsest, unconditioned on images.
    public let levels: [AdversarialGAN]
    /// The side of each level's images, finest first.
    public let sizes: [Int]
    /// The image channels.
    public let channels: Int
    public let classCount: Int?
    /// The noise size of each level, in the latent layout's order (finest first).
    public let latentSizes: [Int]
    /// The noise (and labels) of the preview picture, the same for every epoch.
    public let previewNoise: Tensor
    public let previewLabels: [Int]?

    public init(levels: [AdversarialGAN], sizes: [Int], channels: Int, classCount: Int?, latentSizes: [Int],
                previewNoise: Tensor, previewLabels: [Int]?) {
        require(levels.count == sizes.count && levels.count == latentSizes.count && !levels.isEmpty,
                "LaplacianGAN: \(levels.count) levels, \(sizes.count) sizes and \(latentSizes.count) noise sizes")
        self.levels = levels
        self.sizes = sizes
        self.channels = channels
        self.classCount = classCount
        self.latentSizes = latentSizes
        self.previewNoise = previewNoise
        self.previewLabels = previewLabels
    }

    /// The level sides for images of side `size`: size, ceil(size / 2), ... (`count` of them).
    public static func levelSizes(imageSize size: Int, count: Int) -> [Int] {
        var sizes = [size]
        while sizes.count < count { sizes.append(Tensor.downsampledSize(sizes[sizes.count - 1])) }
        return sizes
    }

    // MARK: GANFamily

    /// `level0_generator`, `level0_discriminator` (`level0_generator_ema` with `--ema`), `level1_...`.
    public var networks: [(name: String, module: Module)] {
        levels.enumerated().flatMap { k, level in level.networks.map { ("level\(k)_\($0.name)", $0.module) } }
    }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        levels.enumerated().flatMap { k, level in level.optimizers.map { ("level\(k)_\($0.name)", $0.optimizer, $0.module) } }
    }

    public func restoreAuxiliaryState(_ state: [String: Tensor], source: String) throws {
        guard state.isEmpty else { throw CheckpointError.invalid("\(source): unexpected auxiliary state \(state.keys.sorted())") }
        for level in levels { try level.restoreAuxiliaryState([:], source: source) }
    }

    /// The real batch's pyramid: for each finer level its residual h_k and low-pass image l_k,
    /// and the coarsest image I_K as the coarsest level's sample (with no condition).
    public func pyramid(of images: Tensor) -> [(sample: Tensor, condition: Tensor?)] {
        let gaussian = images.gaussianPyramid(levels: levels.count)
        return gaussian.indices.map { k in
            guard k < gaussian.count - 1 else { return (gaussian[k], nil) }
            let lowPass = gaussian[k + 1].gaussianUpsample(height: sizes[k], width: sizes[k])
            return (gaussian[k] - lowPass, lowPass)
        }
    }

    /// Every level takes one step of its own game on its part of the batch's pyramid, coarsest
    /// first. Scalars: `lossD` and `lossG` summed over the levels, then each level's
    /// (`level0.lossD`, `level0.lossG`, `level0.realScore`, `level0.fakeScore`, ...).
    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        let labels = classCount == nil ? nil : batch.labels
        let parts = pyramid(of: batch.samples)
        var perLevel: [(name: String, value: Float)] = []
        var totalD: Float = 0, totalG: Float = 0
        for k in levels.indices.reversed() {
            let result = levels[k].step(real: parts[k].sample, labels: labels, condition: parts[k].condition, generator: &randomness)
            totalD += result.lossD
            totalG += result.lossG
            perLevel += [("level\(k).lossD", result.lossD), ("level\(k).lossG", result.lossG),
                         ("level\(k).realScore", result.realScore), ("level\(k).fakeScore", result.fakeScore)]
            if !(result.lossD.isFinite && result.lossG.isFinite) { break }
        }
        return [("lossD", totalD), ("lossG", totalG)] + perLevel
    }

    // MARK: Sampling

    public var latentSize: Int { latentSizes.reduce(0, +) }
    public var hasAverageGenerator: Bool { levels[0].hasAverageGenerator }

    /// One level of a sampled chain: the level's image and, below the coarsest, the residual
    /// its generator added to the upsampled coarser image.
    public struct ChainLevel {
        public var image: Tensor
        public var residual: Tensor?
    }

    /// The sampling chain for `latent` ([N, latentSize], the documented layout): every level's
    /// image (and residual), finest first.
    public func chain(latent: Tensor, labels: [Int]?, useAverage: Bool) -> [ChainLevel] {
        require(latent.rank == 2 && latent.shape[1] == latentSize, "LaplacianGAN: latent \(latent.shape) is not [N, \(latentSize)]")
        var offsets = [0]
        for size in latentSizes { offsets.append(offsets[offsets.count - 1] + size) }
        func noise(_ k: Int) -> Tensor { latent.slice(axis: 1, offsets[k]..<offsets[k + 1]) }
        let labels = classCount == nil ? nil : labels
        let coarsest = levels.count - 1
        var image = levels[coarsest].samples(latent: noise(coarsest), labels: labels, useAverage: useAverage).clamped(min: -1, max: 1)
        var result = [ChainLevel(image: image, residual: nil)]
        for k in stride(from: coarsest - 1, through: 0, by: -1) {
            let lowPass = image.gaussianUpsample(height: sizes[k], width: sizes[k])
            let residual = levels[k].samples(latent: noise(k), labels: labels, condition: lowPass, useAverage: useAverage)
            image = (lowPass + residual).clamped(min: -1, max: 1)
            result.insert(ChainLevel(image: image, residual: residual), at: 0)
        }
        return result
    }

    public func samples(latent: Tensor, labels: [Int]?, useAverage: Bool) -> Tensor {
        chain(latent: latent, labels: labels, useAverage: useAverage)[0].image
    }

    /// One row per preview sample, coarse to fine: the coarsest image, then for each finer
    /// level the residual its generator added (shown 2x stronger, mid-gray is zero) and the
    /// image it made. Every tile is enlarged (nearest neighbour) to the full size.
    public func previewPicture() -> PNGImage {
        let chain = self.chain(latent: previewNoise, labels: previewLabels, useAverage: true)
        var columns: [Tensor] = [Self.enlarged(chain[chain.count - 1].image, to: sizes[0])]
        for level in chain.dropLast().reversed() {
            columns.append(Self.enlarged((level.residual! * 2).clamped(min: -1, max: 1), to: sizes[0]))
            columns.append(Self.enlarged(level.image, to: sizes[0]))
        }
        let rows = previewNoise.shape[0]
        // [columns, rows, C, S, S] -> [rows, columns, C, S, S], row-major tiles.
        let tiles = Tensor.stack(columns, axis: 1).reshape([rows * columns.count, channels, sizes[0], sizes[0]])
        return PNGImage(ImageGrid.make(tiles, rows: rows, padding: 2), range: 0...1)
    }

    /// `images` enlarged by the largest whole factor that fits `size`, then centered on a
    /// `size` x `size` canvas of -1.
    static func enlarged(_ images: Tensor, to size: Int) -> Tensor {
        let side = images.shape[2], scale = size / side
        let grown = scale > 1 ? images.upsample(scale: scale) : images
        let margin = size - side * scale
        guard margin > 0 else { return grown }
        let before = margin / 2, after = margin - margin / 2
        return grown.padded([(0, 0), (0, 0), (before, after), (before, after)], value: -1)
    }
}

extension LaplacianGAN {
    /// `gankit train lapgan`.
    public static let descriptor = FamilyDescriptor(
        name: "lapgan", summary: "Laplacian pyramid of conditional GANs (coarse to fine; --levels, --class-conditional)",
        make: { try make($0) })

    /// Builds the levels for the recorded sample shape: `--levels` (default 3: 28 -> 14 -> 7,
    /// or 32 -> 16 -> 8), `--class-conditional` (CC-LAPGAN, on labelled data). Weights N(0, 0.02)
    /// from the seed, level by level; every level uses the shared adversarial settings.
    public static func make(_ configuration: TrainingConfiguration) throws -> LaplacianGAN {
        let sampleShape = try configuration.recordedSampleShape()
        guard sampleShape.count == 3, sampleShape[1] == sampleShape[2], (1...4).contains(sampleShape[0]) else {
            throw TrainingError.invalidConfiguration(
                "lapgan trains on square images of 1 to 4 channels; \(configuration.dataset) holds samples of shape \(sampleShape)")
        }
        if let raw = configuration.options["levels"], Int(raw) == nil {
            throw TrainingError.invalidConfiguration("--levels must be a whole number, not \(raw)")
        }
        let levelCount = configuration.option("levels", default: 3)
        let (channels, size) = (sampleShape[0], sampleShape[1])
        let sizes = levelSizes(imageSize: size, count: max(levelCount, 1))
        guard levelCount >= 2, sizes.last! >= 4 else {
            throw TrainingError.invalidConfiguration(
                "--levels must be at least 2 and leave the coarsest level at least 4x4; \(size)x\(size) images take 2 to \(maximumLevels(imageSize: size)), not \(levelCount)")
        }
        let conditionalOption = configuration.options["class-conditional"] ?? "false"
        guard let classConditional = Bool(conditionalOption) else {
            throw TrainingError.invalidConfiguration("--class-conditional is a flag (true or false), not \(conditionalOption)")
        }
        var classCount: Int?
        if classConditional {
            guard let classes = configuration.classCount, classes >= 2 else {
                throw TrainingError.invalidConfiguration("--class-conditional needs labelled data; \(configuration.dataset) has no class labels")
            }
            classCount = classes
        }
        var weights = RandomGenerator(seed: configuration.seed)
        let coarsest = levelCount - 1
        var levels: [AdversarialGAN] = []
        var latentSizes: [Int] = []
        for k in 0..<levelCount {
            let s = sizes[k]
            let dropoutSeed = configuration.seed &+ UInt64(10 * k + 1)
            func makeGenerator(_ rng: inout RandomGenerator) -> any GeneratorNetwork {
                k == coarsest
                    ? LaplacianCoarseGenerator(latentSize: configuration.latentSize, channels: channels, size: s, classCount: classCount, generator: &rng)
                    : LaplacianLevelGenerator(channels: channels, size: s, width: LaplacianNetworks.generatorWidth(size: s),
                                              classCount: classCount, generator: &rng)
            }
            let G = makeGenerator(&weights)
            let D: any DiscriminatorNetwork = k == coarsest
                ? LaplacianCoarseDiscriminator(channels: channels, size: s, classCount: classCount, seed: dropoutSeed, generator: &weights)
                : LaplacianLevelDiscriminator(channels: channels, size: s, classCount: classCount, seed: dropoutSeed, generator: &weights)
            G.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
            D.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
            let average: (any GeneratorNetwork)? = configuration.emaDecay.map { _ in
                var unused = RandomGenerator(seed: 0)
                return makeGenerator(&unused)
            }
            var levelConfiguration = configuration
            levelConfiguration.gridSize = 1  // the level's own preview noise is unused
            levelConfiguration.latentSize = k == coarsest ? configuration.latentSize : s * s
            levels.append(AdversarialGAN(configuration: levelConfiguration, generator: G, discriminator: D,
                                         averageNetwork: average, classCount: classCount))
            latentSizes.append(levelConfiguration.latentSize)
        }
        let rows = classCount.map { min($0, 10) } ?? 8
        var previewGenerator = RandomGenerator(seed: configuration.seed &+ 2)
        let previewNoise = Tensor.randn([rows, latentSizes.reduce(0, +)], generator: &previewGenerator)
        return LaplacianGAN(levels: levels, sizes: sizes, channels: channels, classCount: classCount, latentSizes: latentSizes,
                            previewNoise: previewNoise, previewLabels: classCount.map { _ in Array(0..<rows) })
    }

    /// The most levels `size` x `size` images allow with the coarsest at least 4x4.
    public static func maximumLevels(imageSize size: Int) -> Int {
        var count = 1, side = size
        while Tensor.downsampledSize(side) >= 4 { side = Tensor.downsampledSize(side); count += 1 }
        return count
    }
}
