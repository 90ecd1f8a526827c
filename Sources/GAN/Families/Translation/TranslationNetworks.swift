import NN
import TensorCore

/// The normalization layer of the translation networks (`--norm`).
public enum TranslationNorm: String, Sendable, CaseIterable {
    /// BatchNorm2d, as the pix2pix paper (convolutions before it have no bias).
    case batch
    /// InstanceNorm2d without affine parameters, as CycleGAN (convolutions keep their bias).
    case instance

    /// A normalization layer over `features` channels.
    func layer(_ features: Int) -> Module {
        self == .batch ? BatchNorm2d(features) : InstanceNorm2d(features)
    }

    /// Whether the convolution before the layer has a bias.
    var convolutionBias: Bool { self == .instance }
}

/// pix2pix's U-Net generator: an encoder of `depth` stride-2 4x4 convolutions halving the image
/// down to 1x1 (C64-C128-C256-C512-C512-...), a decoder of stride-2 transposed convolutions back
/// to full size, each decoder output concatenated with the encoder output of the same size
/// (`[skip, upsampled]` on the channel axis). Dropout 0.5 in the first three decoder blocks is
/// the generator's noise. PyTorch layout: `encoder.I.K`, `decoder.J.K`, as
/// `nn.ModuleList([nn.Sequential(...)])` (see bench/translation_peer.py).
public final class UNetGenerator: Module {
    public let encoder: Sequential
    public let decoder: Sequential
    public let depth: Int

    /// The image sides the U-Net takes: powers of two from 32 to 256.
    public static let supportedSizes = [32, 64, 128, 256]

    /// A U-Net for `size` x `size` images (a power of two, at least 8) from `inputChannels` to
    /// `outputChannels`, `width` filters in the first layer; dropout masks seeded with `seed`.
    public init(inputChannels: Int, outputChannels: Int, size: Int, width: Int = 64, norm: TranslationNorm = .batch,
                seed: UInt64 = 0, generator rng: inout RandomGenerator) {
        require(size >= 8 && size & (size - 1) == 0, "UNetGenerator: size \(size) is not a power of two >= 8")
        depth = size.trailingZeroBitCount
        func channels(_ level: Int) -> Int { width * min(1 << level, 8) }
        let bias = norm.convolutionBias
        var down: [Module] = []
        for level in 0..<depth {
            let input = level == 0 ? inputChannels : channels(level - 1)
            if level == 0 {
                down.append(Sequential([Conv2d(input, channels(0), kernelSize: 4, stride: 2, padding: 1, generator: &rng)]))
            } else if level == depth - 1 {
                down.append(Sequential([LeakyReLU(0.2), Conv2d(input, channels(level), kernelSize: 4, stride: 2, padding: 1, generator: &rng)]))
            } else {
                down.append(Sequential([LeakyReLU(0.2), Conv2d(input, channels(level), kernelSize: 4, stride: 2, padding: 1, bias: bias, generator: &rng),
                                        norm.layer(channels(level))]))
            }
        }
        var up: [Module] = []
        for block in 0..<depth {
            let level = depth - 1 - block  // the encoder level this block undoes
            let input = block == 0 ? channels(level) : 2 * channels(level)
            if block == depth - 1 {
                up.append(Sequential([ReLU(), ConvTranspose2d(input, outputChannels, kernelSize: 4, stride: 2, padding: 1, generator: &rng), Tanh()]))
            } else {
                var layers: [Module] = [ReLU(), ConvTranspose2d(input, channels(level - 1), kernelSize: 4, stride: 2, padding: 1, bias: bias, generator: &rng),
                                        norm.layer(channels(level - 1))]
                if block < 3 { layers.append(Dropout(0.5, seed: seed &+ UInt64(block))) }
                up.append(Sequential(layers))
            }
        }
        encoder = Sequential(down)
        decoder = Sequential(up)
        super.init()
        registerChild("encoder", encoder)
        registerChild("decoder", decoder)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        var skips: [Tensor] = []
        var x = input
        for block in encoder.layers {
            x = block(x)
            skips.append(x)
        }
        for (index, block) in decoder.layers.enumerated() {
            x = block(x)
            if index < depth - 1 { x = Tensor.concat([skips[depth - 2 - index], x], axis: 1) }
        }
        return x
    }

    /// The Dropout layers (kept active at test time, the paper's noise).
    public var dropoutLayers: [Dropout] { namedModules().compactMap { $0.module as? Dropout } }
}

/// The PatchGAN discriminator: 4x4 convolutions C64-C128-...(stride 2, `layers` of them) then
/// a stride-1 C(64·2^layers) and a 1-channel stride-1 convolution, one logit per patch. With 3
/// layers the receptive field is 70x70 (pix2pix at 256); `layers(forSize:)` scales it. A plain
/// `nn.Sequential` in PyTorch.
public enum PatchDiscriminator {
    /// Receptive field of a PatchGAN with `layers` stride-2 layers.
    public static func receptiveField(layers: Int) -> Int {
        var field = 1
        // Backwards from the output: two stride-1 k4 convolutions, then `layers` stride-2 ones.
        field += 3
        field += 3
        for _ in 0..<layers { field = (field - 1) * 2 + 4 }
        return field
    }

    /// The layer count whose receptive field is closest to 70/256 of `size` (at least 1):
    /// 3 at 256 (70x70), 2 at 128 (34x34), 1 at 64 and 32 (16x16).
    public static func layers(forSize size: Int) -> Int {
        let goal = 70.0 * Double(size) / 256
        return (1...5).min { abs(Double(receptiveField(layers: $0)) - goal) < abs(Double(receptiveField(layers: $1)) - goal) }!
    }

    /// The network on `inputChannels` (A and B stacked), `width` filters in the first layer.
    public static func make(inputChannels: Int, layers: Int, width: Int = 64, norm: TranslationNorm = .batch,
                            generator rng: inout RandomGenerator) -> Sequential {
        var modules: [Module] = [Conv2d(inputChannels, width, kernelSize: 4, stride: 2, padding: 1, generator: &rng), LeakyReLU(0.2)]
        var channels = width
        for layer in 1...max(layers, 1) {
            let next = width * min(1 << layer, 8)
            let stride = layer < layers ? 2 : 1
            modules += [Conv2d(channels, next, kernelSize: 4, stride: stride, padding: 1, bias: norm.convolutionBias, generator: &rng),
                        norm.layer(next), LeakyReLU(0.2)]
            channels = next
        }
        modules.append(Conv2d(channels, 1, kernelSize: 4, stride: 1, padding: 1, generator: &rng))
        return Sequential(modules)
    }
}
