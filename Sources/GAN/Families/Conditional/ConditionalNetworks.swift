import NN
import TensorCore

/// G(z, y) for `concat` and `acgan`: a label embedding of `embeddingSize` concatenated to the
/// noise, then the `dcgan` generator (its Linear widened to take both). Keys `embedding.weight`,
/// `main.0.weight`, ... as a PyTorch module with children `embedding` and `main`.
public final class EmbeddingConcatGenerator: Module, GeneratorNetwork {
    let embedding: Embedding
    let main: Sequential

    public init(latentSize: Int, classCount: Int, embeddingSize: Int = 50, sampleShape: [Int], generator rng: inout RandomGenerator) {
        embedding = Embedding(classCount, embeddingSize, generator: &rng)
        main = Architecture.dcgan.makeGenerator(latentSize: latentSize + embeddingSize, sampleShape: sampleShape, generator: &rng)
        super.init()
        registerChild("embedding", embedding)
        registerChild("main", main)
    }

    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor {
        guard let labels else { fatalError("EmbeddingConcatGenerator needs class labels") }
        return main(Tensor.concat([noise, embedding(labels)], axis: 1))
    }
}

/// G(z, y) for `projection`: the `dcgan` generator whose BatchNorms are class-conditional
/// (`ConditionalBatchNorm`). Children `linear`, `bn0`, `deconv1`, `bn1`, `deconv2`, `bn2`, `deconv3`.
public final class ConditionalBatchNormGenerator: Module, GeneratorNetwork {
    let linear: Linear
    let deconvolutions: [ConvTranspose2d]
    let normalizations: [ConditionalBatchNorm]

    public init(latentSize: Int, classCount: Int, sampleShape: [Int], generator rng: inout RandomGenerator) {
        linear = Linear(latentSize, 7 * 7 * 256, bias: false, generator: &rng)
        deconvolutions = [
            ConvTranspose2d(256, 128, kernelSize: 5, stride: 1, padding: 2, bias: false, generator: &rng),
            ConvTranspose2d(128, 64, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng),
            ConvTranspose2d(64, sampleShape[0], kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng),
        ]
        normalizations = [
            ConditionalBatchNorm(7 * 7 * 256, classCount: classCount, spatial: false, generator: &rng),
            ConditionalBatchNorm(128, classCount: classCount, spatial: true, generator: &rng),
            ConditionalBatchNorm(64, classCount: classCount, spatial: true, generator: &rng),
        ]
        super.init()
        registerChild("linear", linear)
        for index in 0..<3 {
            registerChild("bn\(index)", normalizations[index])
            registerChild("deconv\(index + 1)", deconvolutions[index])
        }
    }

    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor {
        guard let labels else { fatalError("ConditionalBatchNormGenerator needs class labels") }
        var x = normalizations[0](linear(noise), labels: labels).leakyRelu(0.2).reshape([noise.shape[0], 256, 7, 7])
        for index in 0..<2 {
            x = normalizations[index + 1](deconvolutions[index](x), labels: labels).leakyRelu(0.2)
        }
        return deconvolutions[2](x).tanh()
    }
}

/// D(x, y) for every `Conditioning`: the `dcgan` discriminator's convolutional `features`
/// (Conv, LeakyReLU, Dropout twice, Flatten) and a linear `head` to one score, with
/// - `concat`: `embedding` of each label to an H x W map, an extra input channel;
/// - `projection`: `embedding` of each label to a feature-sized vector whose inner product
///   with the features is added to the score;
/// - `acgan`: a linear `classifier` of the features to class logits.
public final class ConditionalDiscriminator: Module, DiscriminatorNetwork {
    public let conditioning: Conditioning
    let features: Sequential
    let head: Linear
    let embedding: Embedding?
    let classifier: Linear?
    let sampleShape: [Int]

    /// With `minibatchStandardDeviation`, the features end with a `MinibatchStandardDeviation`
    /// channel (ProGAN) before Flatten.
    public init(conditioning: Conditioning, classCount: Int, sampleShape: [Int], seed: UInt64, minibatchStandardDeviation: Bool = false,
                generator rng: inout RandomGenerator) {
        self.conditioning = conditioning
        self.sampleShape = sampleShape
        let (height, width) = (sampleShape[1], sampleShape[2])
        let inputChannels = sampleShape[0] + (conditioning == .concat ? 1 : 0)
        features = Sequential(Architecture.dcganDiscriminatorFeatures(inputChannels: inputChannels, seed: seed,
                                                                      minibatchStandardDeviation: minibatchStandardDeviation, generator: &rng))
        let featureCount = (128 + (minibatchStandardDeviation ? 1 : 0)) * ((height + 3) / 4) * ((width + 3) / 4)
        head = Linear(featureCount, 1, generator: &rng)
        switch conditioning {
        case .concat:
            embedding = Embedding(classCount, height * width, generator: &rng)
            classifier = nil
        case .projection:
            embedding = Embedding(classCount, featureCount, generator: &rng)
            classifier = nil
        case .acgan:
            embedding = nil
            classifier = Linear(featureCount, classCount, generator: &rng)
        }
        super.init()
        registerChild("features", features)
        registerChild("head", head)
        if let embedding { registerChild("embedding", embedding) }
        if let classifier { registerChild("classifier", classifier) }
    }

    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) {
        switch conditioning {
        case .concat:
            guard let labels, let embedding else { fatalError("ConditionalDiscriminator(concat) needs class labels") }
            let map = embedding(labels).reshape([samples.shape[0], 1, sampleShape[1], sampleShape[2]])
            return (head(features(Tensor.concat([samples, map], axis: 1))), nil)
        case .projection:
            guard let labels, let embedding else { fatalError("ConditionalDiscriminator(projection) needs class labels") }
            let phi = features(samples)
            return (head(phi) + (embedding(labels) * phi).sum(axes: [1], keepDims: true), nil)
        case .acgan:
            let phi = features(samples)
            return (head(phi), classifier.map { $0(phi) })
        }
    }
}
