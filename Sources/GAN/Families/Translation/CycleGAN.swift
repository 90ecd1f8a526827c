import Datasets
import Foundation
import NN
import TensorCore

/// CycleGAN (Zhu et al. 2017): unpaired translation between domains A and B with two ResNet
/// generators, G_A: A -> B and G_B: B -> A, and two PatchGAN discriminators, D_A judging B
/// images (real against G_A's) and D_B judging A images (the reference implementation's
/// names). G is trained on the least-squares GAN loss of both directions, plus `lambdaCycle`
/// (10) times the L1 cycle losses |G_B(G_A(a)) - a| and |G_A(G_B(b)) - b|, plus
/// `lambdaIdentity` (0.5) x `lambdaCycle` times the identity losses |G_A(b) - b| and
/// |G_B(a) - a|; then each D on real images against a pool of 50 past fakes, its loss halved.
/// Adam 2e-4 / 0.5, the rate constant until the trainer's `--decay-from` (by default half the
/// run: `decaysLearningRateByDefault`) and then linearly to zero. Options: `ngf`, `ndf` (64),
/// `blocks` (residual blocks, 6), `d-layers` (PatchGAN depth, scaled to the image size),
/// `lambda-cycle`, `lambda-identity`, `pool-size`, `domains`, `flip` (see `CycleGANData`).
public final class CycleGAN: ImageTranslating {
    /// G_A: A -> B.
    public let generatorA: ResNetGenerator
    /// G_B: B -> A.
    public let generatorB: ResNetGenerator
    /// D_A: real B against G_A(a).
    public let discriminatorA: Sequential
    /// D_B: real A against G_B(b).
    public let discriminatorB: Sequential
    /// Both generators under one module (`G_A.*`, `G_B.*`), updated by one Adam as the reference.
    let generators = Module()
    /// Both discriminators under one module (`D_A.*`, `D_B.*`).
    let discriminators = Module()
    public let optimizerG: Adam
    public let optimizerD: Adam
    /// Past fakes of B (for D_A) and of A (for D_B).
    public let poolB: ImagePool
    public let poolA: ImagePool
    public let lambdaCycle: Float
    public let lambdaIdentity: Float
    /// Channels, height and width of one image of either domain.
    public let channels: Int, height: Int, width: Int
    /// Test images of A and B drawn in the preview (read lazily from the data on first use).
    let previewSource: @Sendable () throws -> (a: Tensor, b: Tensor)
    var previewImages: (a: Tensor, b: Tensor)?

    /// Preview rows per direction.
    static let previewCount = 4

    public static let descriptor = FamilyDescriptor(
        name: "cyclegan", summary: "unpaired image-to-image translation: two ResNet G, two PatchGAN D, least squares + 10 cycle + 5 identity, pool of 50 fakes (--dataset fashion-mnist --domains 7,9 or --data DIR with trainA/trainB)",
        openData: CycleGANData.openTraining, minimumBatchSize: 1, decaysLearningRateByDefault: true, make: make)

    @Sendable
    static func make(_ configuration: TrainingConfiguration) throws -> any GANFamily { try CycleGAN(configuration: configuration) }

    /// A model with fresh weights from the configuration's seed (N(0, 0.02) convolutions, zero biases).
    public init(configuration: TrainingConfiguration) throws {
        let recorded = try configuration.recordedSampleShape()
        guard recorded.count == 3, recorded[0] % 2 == 0 else {
            throw TrainingError.invalidConfiguration("cyclegan needs two image domains stacked as [A; B], not samples of shape \(recorded)")
        }
        channels = recorded[0] / 2
        height = recorded[1]
        width = recorded[2]
        guard height % 4 == 0, width % 4 == 0, height >= 8, width >= 8 else {
            throw TrainingError.invalidConfiguration("cyclegan's ResNet generator needs image sides that are multiples of 4 (at least 8), not \(width)x\(height)")
        }
        let widthG = try configuration.option("ngf", default: 64, valid: { (1...512).contains($0) }, requirement: "a width from 1 to 512")
        let widthD = try configuration.option("ndf", default: 64, valid: { (1...512).contains($0) }, requirement: "a width from 1 to 512")
        let blocks = try configuration.option("blocks", default: 6, valid: { (0...32).contains($0) }, requirement: "a number of residual blocks from 0 to 32")
        let side = min(height, width)
        let layers = try configuration.option("d-layers", default: PatchDiscriminator.layers(forSize: side), valid: { (1...5).contains($0) && (1 << $0) <= side / 4 },
                                              requirement: "a PatchGAN depth from 1 to 5 that fits the image")
        lambdaCycle = try configuration.option("lambda-cycle", default: Float(10), valid: { $0 >= 0 && $0.isFinite }, requirement: "a number >= 0")
        lambdaIdentity = try configuration.option("lambda-identity", default: Float(0.5), valid: { $0 >= 0 && $0.isFinite }, requirement: "a number >= 0")
        let poolSize = try configuration.option("pool-size", default: 50, valid: { (0...10_000).contains($0) }, requirement: "a number of images from 0 to 10000")
        _ = try CycleGANData.classDomains(configuration)  // --domains is checked even when the data is not opened
        _ = try CycleGANData.flips(configuration)
        var weights = RandomGenerator(seed: configuration.seed)
        generatorA = ResNetGenerator(inputChannels: channels, outputChannels: channels, width: widthG, blocks: blocks, generator: &weights)
        generatorB = ResNetGenerator(inputChannels: channels, outputChannels: channels, width: widthG, blocks: blocks, generator: &weights)
        discriminatorA = PatchDiscriminator.make(inputChannels: channels, layers: layers, width: widthD, norm: .instance, generator: &weights)
        discriminatorB = PatchDiscriminator.make(inputChannels: channels, layers: layers, width: widthD, norm: .instance, generator: &weights)
        for network in [generatorA, generatorB, discriminatorA, discriminatorB] as [Module] {
            network.initializeWeights(.normal(standardDeviation: 0.02), zeroBiases: true, generator: &weights)
        }
        generators.registerChild("G_A", generatorA)
        generators.registerChild("G_B", generatorB)
        discriminators.registerChild("D_A", discriminatorA)
        discriminators.registerChild("D_B", discriminatorB)
        optimizerG = Adam(learningRate: configuration.learningRateG, beta1: configuration.beta1, beta2: configuration.beta2)
        optimizerD = Adam(learningRate: configuration.learningRateD, beta1: configuration.beta1, beta2: configuration.beta2)
        poolB = ImagePool(capacity: poolSize, imageShape: [channels, height, width])
        poolA = ImagePool(capacity: poolSize, imageShape: [channels, height, width])
        let channels = channels
        previewSource = {
            let test = try CycleGANData.testImages(configuration, channels: channels, limit: CycleGAN.previewCount)
            return (test.a, test.b)
        }
    }

    // MARK: GANFamily

    public var networks: [(name: String, module: Module)] {
        [("G_A", generatorA), ("G_B", generatorB), ("D_A", discriminatorA), ("D_B", discriminatorB)]
    }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        [("generators", optimizerG, generators), ("discriminators", optimizerD, discriminators)]
    }

    public var auxiliaryState: [(name: String, value: Tensor)] {
        guard poolA.capacity > 0 else { return [] }
        let a = poolA.state, b = poolB.state
        return [("pool_A.images", a.images), ("pool_A.count", a.count), ("pool_B.images", b.images), ("pool_B.count", b.count)]
    }

    public func restoreAuxiliaryState(_ state: [String: Tensor], source: String) throws {
        guard poolA.capacity > 0 else {
            guard state.isEmpty else { throw CheckpointError.invalid("\(source): unexpected auxiliary state \(state.keys.sorted().joined(separator: ", "))") }
            return
        }
        try poolA.restore(images: state["pool_A.images"], count: state["pool_A.count"], source: source, name: "pool_A")
        try poolB.restore(images: state["pool_B.images"], count: state["pool_B.count"], source: source, name: "pool_B")
    }

    /// The A and B images of a batch of `[A; B]` samples.
    public func split(_ samples: Tensor) -> (a: Tensor, b: Tensor) {
        (samples.slice(axis: 1, 0..<channels), samples.slice(axis: 1, channels..<(2 * channels)))
    }

    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        let (a, b) = split(batch.samples)
        let n = a.shape[0]
        // (1) Both generators at once; D_A and D_B pass gradients through without their own.
        let useIdentity = lambdaIdentity > 0 && lambdaCycle > 0
        var fakeA = Tensor(0), fakeB = Tensor(0)
        var lossGAN: Float = 0, lossCycle: Float = 0, lossIdentity: Float = 0
        let (valueG, gradientsG) = valueAndGrad(model: generators) { _ in
            // G_A on [a; b] gives G_A(a) and the identity G_A(b) in one pass (instance norm is per image).
            let outputA = self.generatorA(useIdentity ? Tensor.concat([a, b], axis: 0) : a)
            let outputB = self.generatorB(useIdentity ? Tensor.concat([b, a], axis: 0) : b)
            let generatedB = useIdentity ? outputA.slice(axis: 0, 0..<n) : outputA
            let generatedA = useIdentity ? outputB.slice(axis: 0, 0..<n) : outputB
            fakeB = generatedB.detached()
            fakeA = generatedA.detached()
            // Least squares against the "real" target 1: the reference's MSELoss (no halving).
            let adversarial = (self.discriminatorA(generatedB) - 1).square().mean() + (self.discriminatorB(generatedA) - 1).square().mean()
            let cycle = l1(self.generatorB(generatedB), a) + l1(self.generatorA(generatedA), b)
            lossGAN = adversarial.detached().scalar
            lossCycle = cycle.detached().scalar
            var total = adversarial + cycle * self.lambdaCycle
            if useIdentity {
                let identity = l1(outputA.slice(axis: 0, n..<(2 * n)), b) + l1(outputB.slice(axis: 0, n..<(2 * n)), a)
                lossIdentity = identity.detached().scalar
                total = total + identity * (self.lambdaCycle * self.lambdaIdentity)
            }
            return total
        }
        let lossG = valueG.scalar
        let normG = globalNorm(gradientsG)
        guard lossG.isFinite, normG.isFinite else { return [("lossG", .nan), ("lossD", .nan)] }
        optimizerG.update(generators, gradients: gradientsG)
        // (2) Both discriminators: real images against fakes from the pools, loss halved.
        let pastB = poolB.query(fakeB, generator: &randomness)
        let pastA = poolA.query(fakeA, generator: &randomness)
        var lossDA: Float = 0, lossDB: Float = 0
        let (valueD, gradientsD) = valueAndGrad(model: discriminators) { _ in
            let outputA = self.discriminatorA(Tensor.concat([b, pastB], axis: 0))
            let outputB = self.discriminatorB(Tensor.concat([a, pastA], axis: 0))
            let losses = [outputA, outputB].map { output in
                AdversarialLoss.leastSquares.discriminatorLoss(real: output.slice(axis: 0, 0..<n), fake: output.slice(axis: 0, n..<(2 * n)))
            }
            lossDA = losses[0].detached().scalar
            lossDB = losses[1].detached().scalar
            return losses[0] + losses[1]
        }
        let lossD = valueD.scalar
        let normD = globalNorm(gradientsD)
        guard lossD.isFinite, normD.isFinite else { return [("lossG", lossG), ("lossD", .nan)] }
        optimizerD.update(discriminators, gradients: gradientsD)
        return [("lossG", lossG), ("lossD", lossD), ("lossGAN", lossGAN), ("lossCycle", lossCycle), ("lossIdentity", lossIdentity),
                ("lossD_A", lossDA), ("lossD_B", lossDB), ("gradientNormG", normG), ("gradientNormD", normD),
                ("learningRate", optimizerG.learningRate)]
    }

    /// Rows of input | translation | reconstruction: `a` through G_A then G_B, then `b`
    /// through G_B then G_A.
    public func picture(a: Tensor, b: Tensor) -> PNGImage {
        var rows: [Tensor] = []
        for (images, direction) in [(a, TranslationDirection.aToB), (b, .bToA)] where images.shape[0] > 0 {
            let translated = (try? translate(images, direction: direction, seed: 0)) ?? Tensor.zeros(images.shape)
            let back = (try? translate(translated, direction: direction == .aToB ? .bToA : .aToB, seed: 0)) ?? Tensor.zeros(images.shape)
            rows.append(TranslationPictures.triplets(input: images, output: translated, target: back))
        }
        guard !rows.isEmpty else { return SamplePictures.png(Tensor.zeros([1, channels, height, width])) }
        return SamplePictures.png(Tensor.concat(rows, axis: 0), rows: a.shape[0] + b.shape[0])
    }

    public func previewPicture() -> PNGImage {
        if previewImages == nil { previewImages = try? previewSource() }
        guard let images = previewImages else { return SamplePictures.png(Tensor.zeros([1, channels, height, width])) }
        return picture(a: images.a, b: images.b)
    }

    // MARK: ImageTranslating

    public func inputShape(_ direction: TranslationDirection) throws -> [Int] { [channels, height, width] }

    /// G_A (a-to-b) or G_B (b-to-a) on `images`, in chunks of 64 (no noise: `seed` is unused).
    public func translate(_ images: Tensor, direction: TranslationDirection, seed: UInt64) throws -> Tensor {
        try validateInput(images, direction: direction, source: "the input")
        let generator = direction == .aToB ? generatorA : generatorB
        return TranslationPictures.chunked(images) { generator($0) }
    }
}
