import NN
import TensorCore

/// CycleGAN's ResNet generator (Johnson et al. 2016, as the reference implementation's
/// `ResnetGenerator`): a 7x7 stride-1 convolution on the reflection-padded input, two stride-2
/// 3x3 convolutions down (width x2, x4), `blocks` residual blocks at a quarter of the image
/// size, two stride-2 transposed convolutions back up and a 7x7 convolution to `outputChannels`
/// with tanh. Instance norm without affine parameters after every inner convolution (the
/// convolutions keep their bias). In PyTorch one `nn.Sequential` called `model`; the blocks'
/// layers are `model.I.conv_block.K`, so a checkpoint loads into the reference module with
/// `strict=True` (see bench/cyclegan_peer.py). Takes images whose sides are multiples of 4.
public final class ResNetGenerator: Module {
    public let model: Sequential
    public let blocks: Int

    /// A generator from `inputChannels` to `outputChannels` with `width` filters in the first
    /// layer (the paper's 64) and `blocks` residual blocks (6 at 128 pixels, 9 at 256).
    public init(inputChannels: Int, outputChannels: Int, width: Int = 64, blocks: Int = 6, generator rng: inout RandomGenerator) {
        require(blocks >= 0, "ResNetGenerator: blocks must be >= 0, not \(blocks)")
        self.blocks = blocks
        var layers: [Module] = [ReflectionPad2d(3), Conv2d(inputChannels, width, kernelSize: 7, generator: &rng),
                                InstanceNorm2d(width), ReLU()]
        for level in 0..<2 {
            let channels = width << level
            layers += [Conv2d(channels, 2 * channels, kernelSize: 3, stride: 2, padding: 1, generator: &rng),
                       InstanceNorm2d(2 * channels), ReLU()]
        }
        for _ in 0..<blocks { layers.append(ResNetBlock(channels: 4 * width, generator: &rng)) }
        for level in 0..<2 {
            let channels = width << (2 - level)
            layers += [ConvTranspose2d(channels, channels / 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, generator: &rng),
                       InstanceNorm2d(channels / 2), ReLU()]
        }
        layers += [ReflectionPad2d(3), Conv2d(width, outputChannels, kernelSize: 7, generator: &rng), Tanh()]
        model = Sequential(layers)
        super.init()
        registerChild("model", model)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.rank == 4 && input.shape[2] % 4 == 0 && input.shape[3] % 4 == 0,
                "ResNetGenerator: input shape \(input.shape) is not NCHW with sides that are multiples of 4")
        return model(input)
    }
}

/// x + F(x), F = reflection pad 1 · conv3x3 · instance norm · ReLU · reflection pad 1 · conv3x3
/// · instance norm: the reference's `ResnetBlock` (child `conv_block`, an `nn.Sequential`).
public final class ResNetBlock: Module {
    public let convolutions: Sequential

    public init(channels: Int, generator rng: inout RandomGenerator) {
        convolutions = Sequential([
            ReflectionPad2d(1), Conv2d(channels, channels, kernelSize: 3, generator: &rng), InstanceNorm2d(channels), ReLU(),
            ReflectionPad2d(1), Conv2d(channels, channels, kernelSize: 3, generator: &rng), InstanceNorm2d(channels),
        ])
        super.init()
        registerChild("conv_block", convolutions)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor { input + convolutions(input) }
}
