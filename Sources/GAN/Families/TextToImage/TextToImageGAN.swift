import Datasets
import Foundation
import NN
import TensorCore

/// Text-to-image synthesis (`text2image`): GAN-CLS with GAN-INT (Reed et al. 2016) on a
/// caption encoder pretrained contrastively.
///
/// One run has two phases. Steps 1...`pretrain-steps`: the caption encoder φ (`TextEncoder`,
/// a GRU over word embeddings) and a small image encoder learn a joint embedding with the
/// symmetric contrastive loss (matching image-caption pairs of the batch against the
/// others). Then φ is frozen and GAN-CLS trains: G(z, φ(t)) and a matching-aware D(x, φ(t))
/// that calls (real, right caption) real and both (real, wrong caption) and (fake, right
/// caption) fake; G also learns from captions interpolated halfway between two of the batch
/// (GAN-INT), which D never saw. Networks `text_encoder`, `image_encoder`, `generator`,
/// `discriminator`, each a PyTorch `state_dict`; `vocabulary.json` beside them.
///
/// Options (the defaults below are those of a run that does not record the option; new runs of
/// `gankit train text2image` record 1500 pretraining steps, the projection term and matching
/// weight 1): `pretrain-steps` (default 1000), `generator-width` (channels of G's first convolution, default 128; 256 is `dcgan`'s), `encoder-lr` (default 1e-3), `temperature` of the
/// contrastive loss (default 0.1), `projection-term` (D's logit plus the inner product of the
/// embedded caption and D's features, Miyato & Koyama 2018; default false), `matching-weight`
/// (default 0: off; above 0, G's loss adds this weight times the contrastive loss of the
/// frozen image encoder's embeddings of its right-caption fakes against their captions, as
/// AttnGAN's DAMSM loss, Xu et al. 2018). The batch labels are image indices (see `CaptionedImages`).
public final class TextToImageGAN: GANFamily {
    public static let descriptor = FamilyDescriptor(
        name: "text2image",
        summary: "text-to-image GAN-CLS + GAN-INT: a contrastively pretrained GRU caption encoder, G(z, phi(t)), matching-aware D(x, phi(t)); --dataset fashion-captions or a folder of NAME.png + NAME.txt",
        openData: TextToImageData.open, make: make)

    public let configuration: TrainingConfiguration
    public let vocabulary: Vocabulary
    public let textEncoder: TextEncoder
    public let imageEncoder: ImageEncoder
    public let generator: TextConditionedGenerator
    public let discriminator: MatchingDiscriminator
    let encoders: Module
    let optimizerEncoders: Adam, optimizerG: Adam, optimizerD: Adam
    public let pretrainSteps: Int
    public let temperature: Float
    /// Whether D adds the projection term (option `projection-term`, default false).
    public let projectionTerm: Bool
    /// Weight of G's image-text matching loss (option `matching-weight`, default 0: off).
    public let matchingWeight: Float
    public let latentSize: Int
    /// Captions and noise of the preview grid (one row per caption).
    public let previewCaptions: [String]
    let previewNoise: Tensor
    /// The training captions as token ids, per image; loaded at the first training step.
    private var trainingCaptions: [[[Int]]]?

    @Sendable
    static func make(_ configuration: TrainingConfiguration) throws -> any GANFamily { try TextToImageGAN(configuration: configuration) }

    public init(configuration: TrainingConfiguration) throws {
        let sampleShape = try configuration.recordedSampleShape()
        guard sampleShape.count == 3, [1, 3].contains(sampleShape[0]), sampleShape[1] == 28, sampleShape[2] == 28 else {
            throw TrainingError.invalidConfiguration("text2image trains on 28x28 images of 1 or 3 channels, not samples of shape \(sampleShape)")
        }
        func option(_ name: String, _ defaultValue: Float, valid: (Float) -> Bool) throws -> Float {
            let value = configuration.option(name, default: defaultValue)
            guard valid(value), configuration.options[name].map({ Float($0) != nil }) ?? true else {
                throw TrainingError.invalidConfiguration("--\(name) has an invalid value \(configuration.options[name] ?? "")")
            }
            return value
        }
        pretrainSteps = try configuration.option("pretrain-steps", default: 1000, valid: { $0 >= 0 }, requirement: "a whole number >= 0")
        let width = try configuration.option("generator-width", default: 128, valid: { $0 >= 4 && $0 % 4 == 0 },
                                             requirement: "a multiple of 4, such as 128 or 256 (dcgan's)")
        projectionTerm = try configuration.option("projection-term", default: false, requirement: "true or false")
        matchingWeight = try option("matching-weight", 0) { $0 >= 0 && $0.isFinite }
        let encoderRate = try option("encoder-lr", 1e-3) { $0 > 0 && $0.isFinite }
        temperature = try option("temperature", 0.1) { $0 > 0 && $0.isFinite }
        self.configuration = configuration
        latentSize = configuration.latentSize
        vocabulary = try TextToImageData.vocabulary(configuration)
        var rng = RandomGenerator(seed: configuration.seed)
        textEncoder = TextEncoder(vocabularySize: vocabulary.count, generator: &rng)
        imageEncoder = ImageEncoder(channels: sampleShape[0], outputSize: textEncoder.outputSize, generator: &rng)
        generator = TextConditionedGenerator(latentSize: latentSize, textSize: textEncoder.outputSize, width: width,
                                             sampleShape: sampleShape, generator: &rng)
        discriminator = MatchingDiscriminator(channels: sampleShape[0], textSize: textEncoder.outputSize, projectionTerm: projectionTerm,
                                              seed: configuration.seed, generator: &rng)
        generator.initializeWeights(.normal(standardDeviation: 0.02), generator: &rng)
        discriminator.initializeWeights(.normal(standardDeviation: 0.02), generator: &rng)
        let pair = Module()
        pair.registerChild("text", textEncoder)
        pair.registerChild("image", imageEncoder)
        encoders = pair
        optimizerEncoders = Adam(learningRate: encoderRate)
        optimizerG = Adam(learningRate: configuration.learningRateG, beta1: configuration.beta1, beta2: configuration.beta2)
        optimizerD = Adam(learningRate: configuration.learningRateD, beta1: configuration.beta1, beta2: configuration.beta2)
        previewCaptions = try TextToImageData.previewCaptions(configuration)
        var gridGenerator = RandomGenerator(seed: configuration.seed &+ 2)
        previewNoise = Tensor.randn([Self.previewColumns, latentSize], generator: &gridGenerator)
    }

    static let previewColumns = 8

    // MARK: GANFamily

    public var networks: [(name: String, module: Module)] {
        [("text_encoder", textEncoder), ("image_encoder", imageEncoder), ("generator", generator), ("discriminator", discriminator)]
    }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        [("encoders", optimizerEncoders, encoders), ("generator", optimizerG, generator), ("discriminator", optimizerD, discriminator)]
    }

    public var companionFiles: [(name: String, contents: Data)] { [("vocabulary.json", vocabulary.jsonData())] }

    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        if trainingCaptions == nil {
            do {
                let corpus = try TextToImageData.captionedImages(configuration)
                trainingCaptions = corpus.captions.map { $0.map { vocabulary.encode($0).indices.filter { $0 != Vocabulary.unknownIndex } } }
            } catch {
                preconditionFailure("text2image: the training captions could not be read again: \(error)")
            }
        }
        let captions = batch.labels.map { index -> [Int] in
            let choices = trainingCaptions![index]
            let chosen = choices[Int(randomness.next() % UInt64(choices.count))]
            return chosen.isEmpty ? [Vocabulary.unknownIndex] : chosen
        }
        if context.step <= pretrainSteps {
            return contrastiveStep(images: batch.samples, captions: captions)
        }
        return adversarialStep(real: batch.samples, captions: captions, generator: &randomness)
    }

    /// One step of the symmetric contrastive loss on both encoders; reports the loss and the
    /// share of images whose own caption is the closest of the batch.
    func contrastiveStep(images: Tensor, captions: [[Int]]) -> [(name: String, value: Float)] {
        var imageEmbeddings = Tensor(0), textEmbeddings = Tensor(0)
        let (loss, gradients) = valueAndGrad(model: encoders) { _ in
            imageEmbeddings = self.imageEncoder.encode(images)
            textEmbeddings = self.textEncoder.encode(captions)
            return MatchingAwareLoss.contrastive(images: imageEmbeddings, texts: textEmbeddings, temperature: self.temperature)
        }
        let norm = globalNorm(gradients)
        if loss.scalar.isFinite && norm.isFinite { optimizerEncoders.update(encoders, gradients: gradients) }
        let nearest = imageEmbeddings.detached().matmul(textEmbeddings.detached().transposed()).argmax(axis: 1)
        let accuracy = Float(nearest.enumerated().filter { $0.offset == $0.element }.count) / Float(captions.count)
        return [("contrastiveLoss", loss.scalar), ("retrievalAccuracy", accuracy), ("gradientNormEncoders", norm)]
    }

    /// One GAN-CLS + GAN-INT step with the frozen caption encoder.
    func adversarialStep(real: Tensor, captions: [[Int]], generator rng: inout RandomGenerator) -> [(name: String, value: Float)] {
        let G = generator, D = discriminator
        let count = real.shape[0]
        let text = stopGradient(textEncoder.encode(captions))
        // Wrong captions: another image's; interpolated: halfway between two images' captions.
        let wrong = text.gather(indices: (0..<count).map { ($0 + 1) % count }, axis: 0)
        let interpolated = (text + text.gather(indices: (0..<count).map { ($0 + 2) % count }, axis: 0)) * 0.5
        let conditions = Tensor.concat([text, interpolated], axis: 0)
        let z = Tensor.randn([2 * count, latentSize], generator: &rng)
        let (fakes, pullbackG) = valueAndPullback(model: G) { G in G.generate(z, text: conditions) }
        let fake = stopGradient(fakes.slice(axis: 0, 0..<count))
        // (1) D: real+right is real; real+wrong and fake+right are fake.
        var scores = Tensor(0)
        let (lossD, gradientsD) = valueAndGrad(model: D) { D in
            // Real images go through the convolutions once and are judged with both captions.
            let maps = D.features(Tensor.concat([real, fake], axis: 0))
            let realMaps = maps.slice(axis: 0, 0..<count)
            scores = D.judge(Tensor.concat([realMaps, realMaps, maps.slice(axis: 0, count..<(2 * count))], axis: 0),
                             text: Tensor.concat([text, wrong, text], axis: 0))
            return MatchingAwareLoss.discriminator(self.configuration.loss, realRight: scores.slice(axis: 0, 0..<count),
                                                   realWrong: scores.slice(axis: 0, count..<(2 * count)),
                                                   fakeRight: scores.slice(axis: 0, (2 * count)..<(3 * count)),
                                                   smoothing: self.configuration.labelSmoothing)
        }
        let normD = globalNorm(gradientsD)
        let probabilities = configuration.loss.outputsAreLogits ? scores.detached().sigmoid() : scores.detached()
        func meanScore(_ part: Int) -> Float { probabilities.slice(axis: 0, (part * count)..<((part + 1) * count)).mean().scalar }
        guard lossD.scalar.isFinite, normD.isFinite else {
            return [("lossD", lossD.scalar), ("lossG", .nan), ("realScore", meanScore(0)), ("wrongScore", meanScore(1)), ("fakeScore", meanScore(2))]
        }
        optimizerD.update(D, gradients: gradientsD)
        // (2) G: fool the updated D with right and interpolated captions.
        var matching: Float?
        let (lossG, fakeGradient) = valueAndGrad { (x: Tensor) in
            let adversarial = MatchingAwareLoss.generator(self.configuration.loss, fake: D.score(x, text: conditions))
            guard self.matchingWeight > 0 else { return adversarial }
            let match = MatchingAwareLoss.contrastive(images: self.imageEncoder.encode(x.slice(axis: 0, 0..<count)), texts: text,
                                                      temperature: self.temperature)
            matching = match.detached().scalar
            return adversarial + match * self.matchingWeight
        }(fakes)
        let gradientsG = pullbackG(fakeGradient)
        let normG = globalNorm(gradientsG)
        if lossG.scalar.isFinite && normG.isFinite { optimizerG.update(G, gradients: gradientsG) }
        return [("lossD", lossD.scalar), ("lossG", lossG.scalar), ("realScore", meanScore(0)), ("wrongScore", meanScore(1)),
                ("fakeScore", meanScore(2)), ("gradientNormD", normD), ("gradientNormG", normG)] + (matching.map { [("matchingLoss", $0)] } ?? [])
    }

    public func previewPicture() -> PNGImage {
        let ids = previewCaptions.map { vocabulary.encode($0).indices }
        let rows = ids.count
        let latent = Tensor.concat(Array(repeating: previewNoise, count: rows), axis: 0)
        let repeated = ids.flatMap { Array(repeating: $0, count: Self.previewColumns) }
        return SamplePictures.png(samples(captions: repeated, latent: latent), rows: rows)
    }

    // MARK: Inference

    /// Caption embeddings `[N, 128]` (evaluation mode).
    public func textEmbeddings(_ captions: [[Int]]) -> Tensor {
        chunked(captions.count) { range in textEncoder.encode(Array(captions[range])) }
    }

    /// Image embeddings `[N, 128]` from the contrastive image encoder.
    public func imageEmbeddings(_ images: Tensor) -> Tensor {
        chunked(images.shape[0]) { range in imageEncoder.encode(images.slice(axis: 0, range)) }
    }

    /// Samples for caption embeddings `[N, 128]` and noise `[N, latentSize]`, in evaluation mode.
    public func samples(embeddings: Tensor, latent: Tensor) -> Tensor {
        require(embeddings.shape[0] == latent.shape[0], "TextToImageGAN.samples: \(embeddings.shape[0]) captions for \(latent.shape[0]) noise vectors")
        let wasTraining = generator.isTraining
        generator.eval()
        defer { generator.train(wasTraining) }
        return chunked(latent.shape[0]) { range in generator.generate(latent.slice(axis: 0, range), text: embeddings.slice(axis: 0, range)) }
    }

    /// Samples for captions given as token ids (each non-empty) and noise, one per row.
    public func samples(captions: [[Int]], latent: Tensor) -> Tensor {
        samples(embeddings: textEmbeddings(captions), latent: latent)
    }

    func chunked(_ count: Int, size: Int = 500, _ body: (Range<Int>) -> Tensor) -> Tensor {
        let pieces = stride(from: 0, to: count, by: size).map { body($0..<min(count, $0 + size)) }
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
    }
}
