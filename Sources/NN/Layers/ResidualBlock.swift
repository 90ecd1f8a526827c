import TensorCore

/// x + F(x) with F = conv3x3 · BatchNorm · activation · conv3x3 · BatchNorm, the block of
/// SRGAN's generator (children `conv1`, `norm1`, `activation`, `conv2`, `norm2`).
public final class ResidualBlock: Module {
    public init(channels: Int, activation: Module = LeakyReLU(0.2), generator: inout RandomGenerator) {
        super.init()
        registerChild("conv1", Conv2d(channels, channels, kernelSize: 3, padding: 1, generator: &generator))
        registerChild("norm1", BatchNorm2d(channels))
        registerChild("activation", activation)
        registerChild("conv2", Conv2d(channels, channels, kernelSize: 3, padding: 1, generator: &generator))
        registerChild("norm2", BatchNorm2d(channels))
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        input + children.reduce(input) { $1.module($0) }
    }
}
