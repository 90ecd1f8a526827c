import NN
import TensorCore

/// The caption encoder φ(t): word embeddings, a GRU, and a linear projection of its last
/// state, normalized to unit length. Children `embedding` (nn.Embedding), `gru` (nn.GRU,
/// batch_first) and `projection` (nn.Linear), so its `state_dict` loads in PyTorch.
public final class TextEncoder: Module {
    public let embedding: Embedding
    public let gru: GRU
    public let projection: Linear

    public init(vocabularySize: Int, wordSize: Int = 64, hiddenSize: Int = 128, outputSize: Int = 128,
                generator rng: inout RandomGenerator) {
        embedding = Embedding(vocabularySize, wordSize, generator: &rng)
        gru = GRU(wordSize, hiddenSize, generator: &rng)
        projection = Linear(hiddenSize, outputSize, generator: &rng)
        super.init()
        registerChild("embedding", embedding)
        registerChild("gru", gru)
        registerChild("projection", projection)
    }

    public var outputSize: Int { projection.outputFeatures }

    /// Unit-length embeddings `[N, outputSize]` of captions given as token ids (each non-empty).
    public func encode(_ captions: [[Int]]) -> Tensor {
        require(!captions.isEmpty && captions.allSatisfy { !$0.isEmpty }, "TextEncoder.encode: every caption needs at least one token")
        let (ids, length, lengths) = Vocabulary.pad(captions)
        let words = embedding(ids).reshape([captions.count, length, embedding.dimension])
        return unitLength(projection(gru.run(words, lengths: lengths).last))
    }
}

/// Rows scaled to unit Euclidean length.
func unitLength(_ x: Tensor) -> Tensor { x / (x.square().sum(axes: [1], keepDims: true) + 1e-8).sqrt() }

import Datasets

/// The image side of the contrastive pretraining: a small CNN from 28x28 images to unit
/// vectors in the caption embedding space (an `nn.Sequential`: conv 4x4/2 32, LeakyReLU,
/// conv 4x4/2 64, LeakyReLU, Flatten, Linear to `outputSize`). Also what R-precision
/// retrieves captions with.
public final class ImageEncoder: Module {
    public let main: Sequential

    public init(channels: Int, outputSize: Int = 128, generator rng: inout RandomGenerator) {
        main = Sequential {
            Conv2d(channels, 32, kernelSize: 4, stride: 2, padding: 1, generator: &rng)
            LeakyReLU(0.2)
            Conv2d(32, 64, kernelSize: 4, stride: 2, padding: 1, generator: &rng)
            LeakyReLU(0.2)
            Flatten()
            Linear(64 * 7 * 7, outputSize, generator: &rng)
        }
        super.init()
        registerChild("main", main)
    }

    /// Unit-length embeddings `[N, outputSize]` of images `[N, C, 28, 28]`.
    public func encode(_ images: Tensor) -> Tensor { unitLength(main(images)) }
}

/// G(z, φ(t)) of GAN-CLS: the caption embedding through `projection` (Linear, LeakyReLU 0.2)
/// concatenated to the noise, then `main`, the `dcgan` generator at `width` channels
/// (Linear to width x 7 x 7, BatchNorm1d, LeakyReLU, Unflatten, then 5x5 transposed
/// convolutions to width/2 at 7x7, width/4 at 14x14 and the image at 28x28, with BatchNorm and
/// LeakyReLU between, Tanh last; `width` 256 is DESIGN.md's `dcgan` G exactly).
public final class TextConditionedGenerator: Module {
    public let projection: Linear
    public let main: Sequential

    public init(latentSize: Int, textSize: Int, projectedSize: Int = 128, width: Int = 128, sampleShape: [Int],
                generator rng: inout RandomGenerator) {
        projection = Linear(textSize, projectedSize, generator: &rng)
        main = Sequential {
            Linear(latentSize + projectedSize, 7 * 7 * width, bias: false, generator: &rng)
            BatchNorm1d(7 * 7 * width)
            LeakyReLU(0.2)
            Unflatten(1, [width, 7, 7])
            ConvTranspose2d(width, width / 2, kernelSize: 5, stride: 1, padding: 2, bias: false, generator: &rng)
            BatchNorm2d(width / 2)
            LeakyReLU(0.2)
            ConvTranspose2d(width / 2, width / 4, kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng)
            BatchNorm2d(width / 4)
            LeakyReLU(0.2)
            ConvTranspose2d(width / 4, sampleShape[0], kernelSize: 5, stride: 2, padding: 2, outputPadding: 1, bias: false, generator: &rng)
            Tanh()
        }
        super.init()
        registerChild("projection", projection)
        registerChild("main", main)
    }

    public func generate(_ noise: Tensor, text: Tensor) -> Tensor {
        main(Tensor.concat([noise, projection(text).leakyRelu(0.2)], axis: 1))
    }
}

/// The matching-aware D(x, φ(t)) of GAN-CLS (Reed et al. 2016): the `dcgan` discriminator's
/// convolutions (`features`: conv 5x5/2 64, LeakyReLU, Dropout, conv 5x5/2 128, LeakyReLU,
/// Dropout) to a 128x7x7 map; the caption embedding through `projection` (Linear, LeakyReLU)
/// replicated over the 7x7 positions and concatenated as 128 more channels; then `joint`
/// (1x1 conv to 128, LeakyReLU, Flatten, Linear to one logit) judges image and text together.
/// With `projectionTerm` (Miyato & Koyama 2018, projection discriminator) the logit also gets
/// the inner product of `embed(φ(t))` (Linear without bias to 128·7·7) and the flattened map.
public final class MatchingDiscriminator: Module {
    public let features: Sequential
    public let projection: Linear
    public let joint: Sequential
    /// The projection term's caption embedding, when on.
    public let embed: Linear?

    public init(channels: Int, textSize: Int, projectedSize: Int = 128, projectionTerm: Bool = false, seed: UInt64,
                generator rng: inout RandomGenerator) {
        features = Sequential {
            Conv2d(channels, 64, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed &+ 11)
            Conv2d(64, 128, kernelSize: 5, stride: 2, padding: 2, generator: &rng)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed &+ 12)
        }
        projection = Linear(textSize, projectedSize, generator: &rng)
        joint = Sequential {
            Conv2d(128 + projectedSize, 128, kernelSize: 1, generator: &rng)
            LeakyReLU(0.2)
            Flatten()
            Linear(128 * 7 * 7, 1, generator: &rng)
        }
        embed = projectionTerm ? Linear(textSize, 128 * 7 * 7, bias: false, generator: &rng) : nil
        super.init()
        registerChild("features", features)
        registerChild("projection", projection)
        registerChild("joint", joint)
        if let embed { registerChild("embed", embed) }
    }

    /// One logit per (image, caption embedding) pair: high when the image is real and matches.
    public func score(_ images: Tensor, text: Tensor) -> Tensor { judge(features(images), text: text) }

    /// The logits of feature maps (`features` of images) paired with caption embeddings.
    public func judge(_ map: Tensor, text: Tensor) -> Tensor {
        let (count, size) = (text.shape[0], projection.outputFeatures)
        let replicated = projection(text).leakyRelu(0.2).reshape([count, size, 1, 1]).broadcast(to: [count, size, map.shape[2], map.shape[3]])
        let logit = joint(Tensor.concat([map, replicated], axis: 1))
        guard let embed else { return logit }
        return logit + (embed(text) * map.reshape([count, map.shape[1] * map.shape[2] * map.shape[3]])).sum(axes: [1], keepDims: true)
    }
}
