import Datasets
import Foundation
import NN
import TensorCore

/// How a translation model is applied (`gankit translate --direction`).
public enum TranslationDirection: String, Sendable, CaseIterable {
    case aToB = "a-to-b"
    case bToA = "b-to-a"
}

/// A family that maps images of one domain to another: what `gankit translate` and the
/// translation branch of `gankit eval` use.
public protocol ImageTranslating: GANFamily {
    /// The shape `[C, H, W]` of one input image in `direction` (the run's training size).
    func inputShape(_ direction: TranslationDirection) throws -> [Int]
    /// The translations of `images` (`[N] + inputShape(direction)` in [-1, 1]); test-time noise
    /// (dropout) is drawn from `seed`.
    func translate(_ images: Tensor, direction: TranslationDirection, seed: UInt64) throws -> Tensor
}

extension ImageTranslating {
    /// Checks `images` against the run's input shape, with a message naming `source`.
    public func validateInput(_ images: Tensor, direction: TranslationDirection, source: String) throws {
        let shape = try inputShape(direction)
        guard images.rank == 4, Array(images.shape.dropFirst()) == shape else {
            let given = images.rank == 4 ? "\(images.shape[1]) channels of \(images.shape[3])x\(images.shape[2])" : "shape \(images.shape)"
            throw TrainingError.invalidConfiguration(
                "\(source): \(given); this run translates \(shape[0])-channel \(shape[2])x\(shape[1]) images (its training size; resize the input first)")
        }
    }
}

/// pix2pix (Isola et al. 2017): a U-Net G(A) and a PatchGAN D(A, B) on paired data, G trained on
/// the conditional GAN loss plus `l1Weight` (100) times the L1 distance to the target, D on real
/// pairs against generated ones with its loss halved, Adam 2e-4 / 0.5. With `ganWeight` 0 it is
/// the paper's "L1 alone" baseline (D is not trained). Options: `load-size`, `crop-size`,
/// `norm` (batch|instance, default batch), `ngf`, `ndf` (first-layer widths, 64), `d-layers`
/// (PatchGAN depth, default scaled to the image size), `l1-weight` (100), `gan-weight` (1),
/// `direction` (a-to-b, or b-to-a to learn B -> A).
public final class Pix2Pix: ImageTranslating {
    public let generator: UNetGenerator
    public let discriminator: Sequential
    public let optimizerG: Adam
    public let optimizerD: Adam
    public let loss: AdversarialLoss
    public let l1Weight: Float
    public let ganWeight: Float
    /// Whether the model maps the pairs' B to A (trained with `--direction b-to-a`).
    public let reversed: Bool
    /// Channels of A and of B, and the image side.
    public let channels: Int, size: Int
    let discriminatorHasBatchNorm: Bool
    /// Pairs drawn in the preview (read lazily from the data on first use).
    let previewSource: @Sendable () throws -> Tensor
    var previewPairs: Tensor?

    /// Preview rows.
    static let previewCount = 8

    public static let descriptor = FamilyDescriptor(
        name: "pix2pix", summary: "image-to-image translation on paired A|B data: U-Net G, PatchGAN D, cGAN + 100 L1 (--dataset edges2fashion or --data DIR)",
        openData: Pix2PixData.openTraining, make: make)

    @Sendable
    static func make(_ configuration: TrainingConfiguration) throws -> any GANFamily { try Pix2Pix(configuration: configuration) }

    /// A model with fresh weights from the configuration's seed (N(0, 0.02) convolutions).
    public init(configuration: TrainingConfiguration) throws {
        let recorded = try configuration.recordedSampleShape()
        guard recorded.count == 3, recorded[0] % 2 == 0 else {
            throw TrainingError.invalidConfiguration("pix2pix needs paired images (A and B stacked), not samples of shape \(recorded)")
        }
        let normName = try configuration.option("norm", default: TranslationNorm.batch.rawValue, valid: { TranslationNorm(rawValue: $0) != nil }, requirement: "batch or instance")
        let norm = TranslationNorm(rawValue: normName)!
        let widthG = try configuration.option("ngf", default: 64, valid: { (1...512).contains($0) }, requirement: "a width from 1 to 512")
        let widthD = try configuration.option("ndf", default: 64, valid: { (1...512).contains($0) }, requirement: "a width from 1 to 512")
        l1Weight = try configuration.option("l1-weight", default: Float(100), valid: { $0 >= 0 && $0.isFinite }, requirement: "a number >= 0")
        ganWeight = try configuration.option("gan-weight", default: Float(1), valid: { $0 >= 0 && $0.isFinite }, requirement: "a number >= 0")
        let direction = try configuration.option("direction", default: TranslationDirection.aToB.rawValue, valid: { TranslationDirection(rawValue: $0) != nil }, requirement: "a-to-b or b-to-a")
        reversed = direction == TranslationDirection.bToA.rawValue
        guard UNetGenerator.supportedSizes.contains(recorded[1]), recorded[1] == recorded[2] else {
            throw TrainingError.invalidConfiguration("pix2pix trains on square images of 32, 64, 128 or 256 pixels, not \(recorded[2])x\(recorded[1]); set --crop-size")
        }
        size = recorded[1]
        channels = recorded[0] / 2
        let side = recorded[1]
        let layers = try configuration.option("d-layers", default: PatchDiscriminator.layers(forSize: side), valid: { (1...5).contains($0) && (1 << $0) <= side / 4 }, requirement: "a PatchGAN depth from 1 to 5 that fits the image")
        var weights = RandomGenerator(seed: configuration.seed)
        generator = UNetGenerator(inputChannels: channels, outputChannels: channels, size: size, width: widthG, norm: norm,
                                  seed: configuration.seed &+ 3, generator: &weights)
        discriminator = PatchDiscriminator.make(inputChannels: 2 * channels, layers: layers, width: widthD, norm: norm, generator: &weights)
        generator.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        discriminator.initializeWeights(.normal(standardDeviation: 0.02), generator: &weights)
        optimizerG = Adam(learningRate: configuration.learningRateG, beta1: configuration.beta1, beta2: configuration.beta2)
        optimizerD = Adam(learningRate: configuration.learningRateD, beta1: configuration.beta1, beta2: configuration.beta2)
        loss = configuration.loss
        discriminatorHasBatchNorm = norm == .batch
        previewSource = { try Pix2PixData.testPairs(configuration, limit: Pix2Pix.previewCount).pairs }
    }

    // MARK: GANFamily

    public var networks: [(name: String, module: Module)] { [("generator", generator), ("discriminator", discriminator)] }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        [("generator", optimizerG, generator), ("discriminator", optimizerD, discriminator)]
    }

    /// The input and the target of a batch of pairs, in the trained direction.
    public func split(_ pairs: Tensor) -> (input: Tensor, target: Tensor) {
        let a = pairs.slice(axis: 1, 0..<channels), b = pairs.slice(axis: 1, channels..<(2 * channels))
        return reversed ? (b, a) : (a, b)
    }

    /// D's logits on (input, image) pairs.
    func discriminate(_ input: Tensor, _ image: Tensor) -> Tensor { discriminator(Tensor.concat([input, image], axis: 1)) }

    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        let (input, target) = split(batch.samples)
        let G = generator
        let (fake, pullbackG) = valueAndPullback(model: G) { G in G(input) }
        var lossD: Float = 0, realScore: Float = 0, fakeScore: Float = 0, normD: Float = 0
        // (1) D: real pairs against generated ones (G's output as a constant), loss halved.
        if ganWeight > 0 {
            let generated = fake.detached()
            var realOutput = Tensor(0), fakeOutput = Tensor(0)
            let (value, gradients) = valueAndGrad(model: discriminator) { D in
                if self.discriminatorHasBatchNorm {
                    realOutput = self.discriminate(input, target)
                    fakeOutput = self.discriminate(input, generated)
                } else {
                    let joint = D(Tensor.concat([Tensor.concat([input, target], axis: 1), Tensor.concat([input, generated], axis: 1)], axis: 0))
                    let n = input.shape[0]
                    realOutput = joint.slice(axis: 0, 0..<n)
                    fakeOutput = joint.slice(axis: 0, n..<(2 * n))
                }
                return self.loss.discriminatorLoss(real: realOutput, fake: fakeOutput) * 0.5
            }
            lossD = value.scalar
            normD = globalNorm(gradients)
            realScore = score(realOutput)
            fakeScore = score(fakeOutput)
            guard lossD.isFinite, normD.isFinite else { return [("lossD", lossD), ("lossGAN", .nan), ("lossL1", .nan)] }
            optimizerD.update(discriminator, gradients: gradients)
        }
        // (2) G: the cGAN loss through the updated D plus the weighted L1 distance to the target.
        var lossGAN: Float = 0, lossL1: Float = 0
        let (_, fakeGradient) = valueAndGrad { (x: Tensor) in
            let distance = l1(x, target)
            lossL1 = distance.detached().scalar
            guard self.ganWeight > 0 else { return distance * self.l1Weight }
            let adversarial = self.loss.generatorLoss(fake: self.discriminate(input, x))
            lossGAN = adversarial.detached().scalar
            return adversarial * self.ganWeight + distance * self.l1Weight
        }(fake)
        let gradientsG = pullbackG(fakeGradient)
        let normG = globalNorm(gradientsG)
        if normG.isFinite { optimizerG.update(generator, gradients: gradientsG) }
        var scalars: [(name: String, value: Float)] = [("lossD", lossD), ("lossGAN", lossGAN), ("lossL1", lossL1)]
        if ganWeight > 0 { scalars += [("realScore", realScore), ("fakeScore", fakeScore), ("gradientNormD", normD)] }
        scalars.append(("gradientNormG", normG))
        return scalars
    }

    /// Mean D output as a probability (logit losses) or a raw score.
    func score(_ output: Tensor) -> Float {
        (loss.outputsAreLogits ? output.detached().sigmoid() : output.detached()).mean().scalar
    }

    /// Rows of input | output | target for the first test pairs (dropout drawn from seed 0).
    public func previewPicture() -> PNGImage {
        if previewPairs == nil { previewPairs = try? previewSource() }
        guard let pairs = previewPairs, pairs.shape[0] > 0 else {
            return SamplePictures.png(Tensor.zeros([1, channels, size, size]))
        }
        let (input, target) = split(pairs)
        let output = (try? translate(input, direction: .aToB, seed: 0)) ?? Tensor.zeros(input.shape)
        return SamplePictures.png(TranslationPictures.triplets(input: input, output: output, target: target), rows: pairs.shape[0])
    }

    // MARK: ImageTranslating

    public func inputShape(_ direction: TranslationDirection) throws -> [Int] {
        guard direction == .aToB else {
            throw TrainingError.invalidConfiguration("a pix2pix run translates one way, the way it was trained (\(reversed ? "B to A" : "A to B")); --direction b-to-a needs a cyclegan run")
        }
        return [channels, size, size]
    }

    /// G in evaluation mode (running BatchNorm statistics) with its Dropout layers active, the
    /// paper's test-time noise, their masks drawn from `seed`; in chunks of 64.
    public func translate(_ images: Tensor, direction: TranslationDirection, seed: UInt64) throws -> Tensor {
        try validateInput(images, direction: direction, source: "the input")
        return TranslationPictures.withTestDropout(generator, dropout: generator.dropoutLayers, seed: seed) {
            TranslationPictures.chunked(images) { self.generator($0) }
        }
    }
}

/// Helpers shared by the translation families.
public enum TranslationPictures {
    /// `[3N, C, H, W]`: input, output and target of each sample in turn (one row each in a
    /// grid of N rows). One-channel images beside three-channel ones are repeated to RGB.
    public static func triplets(input: Tensor, output: Tensor, target: Tensor) -> Tensor {
        let channels = max(input.shape[1], output.shape[1], target.shape[1])
        func rgb(_ t: Tensor) -> Tensor { t.shape[1] == channels ? t : Tensor.concat(Array(repeating: t, count: channels), axis: 1) }
        let pieces = [rgb(input), rgb(output), rgb(target)]
        var rows: [Tensor] = []
        for index in 0..<input.shape[0] {
            for piece in pieces { rows.append(piece.slice(axis: 0, index..<(index + 1))) }
        }
        return Tensor.concat(rows, axis: 0)
    }

    /// `body` with `network` in evaluation mode but its `dropout` layers in training mode, their
    /// generators seeded from `seed`; modes and generators are restored afterwards.
    static func withTestDropout<T>(_ network: Module, dropout: [Dropout], seed: UInt64, _ body: () -> T) -> T {
        let wasTraining = network.isTraining
        let saved = dropout.map(\.generator)
        network.eval()
        for (index, layer) in dropout.enumerated() {
            layer.train(true)
            layer.generator = RandomGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
        }
        defer {
            network.train(wasTraining)
            for (layer, generator) in zip(dropout, saved) { layer.generator = generator }
        }
        return body()
    }

    /// `transform` applied to `images` in chunks of `chunk` rows, joined.
    static func chunked(_ images: Tensor, chunk: Int = 64, _ transform: (Tensor) -> Tensor) -> Tensor {
        var pieces: [Tensor] = []
        var start = 0
        while start < images.shape[0] {
            let end = min(images.shape[0], start + chunk)
            pieces.append(transform(images.slice(axis: 0, start..<end)).detached())
            start = end
        }
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
    }
}
