import NN
import TensorCore

/// SRResNet, the generator of Ledig et al. (2017): a 9x9 convolution and PReLU, `blocks`
/// residual blocks (conv 3x3, BatchNorm, PReLU, conv 3x3, BatchNorm), a conv 3x3 and BatchNorm
/// closed by a long skip from the first layer, sub-pixel upsampling (conv 3x3 to 4 C channels,
/// PixelShuffle(2), PReLU; once per factor 2, or one factor 3 step for scale 3), and a 9x9
/// convolution to RGB. Input: LR images `[N, 3, h, w]` in [-1, 1]; output `[N, 3, h s, w s]`,
/// unbounded (clamp to [-1, 1] to show it). Works on any input size.
///
/// PyTorch names: `head` = Sequential(Conv2d(3, C, 9, padding=4), PReLU()), `blocks` =
/// Sequential of blocks with `conv1`, `norm1`, `activation` (PReLU), `conv2`, `norm2`,
/// `trunk` = Sequential(Conv2d(C, C, 3, padding=1), BatchNorm2d(C)), `upsample` =
/// Sequential(Conv2d(C, C r², 3, padding=1), PixelShuffle(r), PReLU(), ...), `tail` =
/// Conv2d(C, 3, 9, padding=4) (see bench/srresnet_peer.py).
public final class SRResNetGenerator: Module {
    public let scale: Int
    public let blockCount: Int
    public let channels: Int
    let head: Sequential, blocks: Sequential, trunk: Sequential, upsample: Sequential, tail: Conv2d

    /// The upsampling factors of each sub-pixel step for `scale` (2, 3 or 4).
    public static func upsamplingFactors(_ scale: Int) -> [Int] {
        switch scale {
        case 2: return [2]
        case 3: return [3]
        case 4: return [2, 2]
        default: preconditionFailure("SRResNetGenerator: scale must be 2, 3 or 4, not \(scale)")
        }
    }

    public init(scale: Int = 4, blocks blockCount: Int = 8, channels: Int = 32, generator: inout RandomGenerator) {
        self.scale = scale
        self.blockCount = blockCount
        self.channels = channels
        head = Sequential([Conv2d(3, channels, kernelSize: 9, padding: 4, generator: &generator), PReLU()])
        blocks = Sequential((0..<blockCount).map { _ in ResidualBlock(channels: channels, activation: PReLU(), generator: &generator) })
        trunk = Sequential([Conv2d(channels, channels, kernelSize: 3, padding: 1, generator: &generator), BatchNorm2d(channels)])
        var steps: [Module] = []
        for factor in Self.upsamplingFactors(scale) {
            steps += [Conv2d(channels, channels * factor * factor, kernelSize: 3, padding: 1, generator: &generator),
                      PixelShuffle(factor), PReLU()]
        }
        upsample = Sequential(steps)
        tail = Conv2d(channels, 3, kernelSize: 9, padding: 4, generator: &generator)
        super.init()
        registerChild("head", head)
        registerChild("blocks", blocks)
        registerChild("trunk", trunk)
        registerChild("upsample", upsample)
        registerChild("tail", tail)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.rank == 4 && input.shape[1] == 3, "SRResNetGenerator: expects [N, 3, H, W] LR images, got \(input.shape)")
        let features = head(input)
        let upsampled = upsample(trunk(blocks(features)) + features)
        let height = upsampled.shape[2]
        guard !isTraining, height > 2 * Self.tailStripRows else { return tail(upsampled) }
        // Inference: the 9x9 tail convolution in strips of rows, each with the 4 rows around
        // it that the kernel reaches (the same values; a fraction of the unfolding memory).
        var strips: [Tensor] = []
        for start in stride(from: 0, to: height, by: Self.tailStripRows) {
            let end = min(height, start + Self.tailStripRows)
            let low = max(0, start - 4), high = min(height, end + 4)
            strips.append(tail(upsampled.slice(axis: 2, low..<high)).slice(axis: 2, (start - low)..<(end - low)))
        }
        return Tensor.concat(strips, axis: 2)
    }

    /// Output rows per strip of the tail convolution at inference.
    static let tailStripRows = 32

    /// LR pixels on each side of an output pixel's LR position that can change it (its
    /// receptive field's radius in LR pixels): what a tile needs as margin so that tiled
    /// upscaling equals upscaling the whole image.
    public var receptiveRadius: Int {
        // head 9x9 (4), two 3x3 per block, the trunk 3x3, the upsampling 3x3s (the second one
        // runs at twice the LR resolution: half an LR pixel, rounded up), the tail 9x9 at
        // `scale` times the LR resolution.
        let upsampling = Self.upsamplingFactors(scale).count
        return 4 + 2 * blockCount + 1 + upsampling + (4 + scale - 1) / scale
    }
}

/// The discriminator of Ledig et al. (2017) on `patchSize` x `patchSize` HR patches: conv 3x3
/// and LeakyReLU(0.2), then seven conv 3x3 + BatchNorm + LeakyReLU blocks with channels
/// C, 2C, 2C, 4C, 4C, 8C, 8C and strides 2, 1, 2, 1, 2, 1, 2, then Linear(8C (P/16)², 1024),
/// LeakyReLU(0.2), Linear(1024, 1): one logit per patch (C = 64 in the paper).
///
/// PyTorch names: `features` = Sequential(Conv2d, LeakyReLU, [Conv2d, BatchNorm2d, LeakyReLU] x 7),
/// `classifier` = Sequential(Flatten(), Linear, LeakyReLU, Linear).
public final class SRGANDiscriminator: Module {
    public let patchSize: Int
    public let channels: Int
    let features: Sequential, classifier: Sequential
    /// How many layers of `features` make the feature map of the feature loss.
    public let featureDepth: Int

    public init(patchSize: Int = 96, channels: Int = 64, generator: inout RandomGenerator) {
        precondition(patchSize % 16 == 0, "SRGANDiscriminator: the patch size \(patchSize) must be a multiple of 16")
        self.patchSize = patchSize
        self.channels = channels
        var layers: [Module] = [Conv2d(3, channels, kernelSize: 3, padding: 1, generator: &generator), LeakyReLU(0.2)]
        let plan: [(Int, Int, Int)] = [(1, 1, 2), (1, 2, 1), (2, 2, 2), (2, 4, 1), (4, 4, 2), (4, 8, 1), (8, 8, 2)]
        for (input, output, stride) in plan {
            layers += [Conv2d(channels * input, channels * output, kernelSize: 3, stride: stride, padding: 1, generator: &generator),
                       BatchNorm2d(channels * output), LeakyReLU(0.2)]
        }
        features = Sequential(layers)
        // The activations after the fifth convolution block (4C channels at a quarter of the
        // patch): fine enough to keep texture, deep enough to be more than pixels.
        featureDepth = 2 + 3 * 4
        let side = patchSize / 16
        classifier = Sequential([Flatten(), Linear(channels * 8 * side * side, 1024, generator: &generator), LeakyReLU(0.2),
                                 Linear(1024, 1, generator: &generator)])
        super.init()
        registerChild("features", features)
        registerChild("classifier", classifier)
    }

    /// The logits `[N, 1]` and the feature map of the feature loss, in one pass.
    public func discriminate(_ input: Tensor) -> (logits: Tensor, features: Tensor) {
        require(input.rank == 4 && input.shape[1] == 3 && input.shape[2] == patchSize && input.shape[3] == patchSize,
                "SRGANDiscriminator: expects [N, 3, \(patchSize), \(patchSize)] HR patches, got \(input.shape)")
        let early = features.layers[..<featureDepth].reduce(input) { $1($0) }
        let late = features.layers[featureDepth...].reduce(early) { $1($0) }
        return (classifier(late), early)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor { discriminate(input).logits }
}
