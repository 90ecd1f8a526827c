import XCTest
import NN
import TensorCore

/// Modules and layers: naming, modes, freezing, gradients through models, normalization,
/// dropout, spectral norm and losses.
final class LayerTests: XCTestCase {
    func testSequentialNamesMatchPyTorch() {
        var rng = RandomGenerator(seed: 1)
        let G = ReferenceNetworks.generator(generator: &rng)
        let keys = G.state().map(\.name)
        XCTAssertEqual(Array(keys.prefix(6)), ["0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked"])
        XCTAssertTrue(keys.contains("4.weight") && keys.contains("10.weight") && !keys.contains("10.bias"))
        XCTAssertEqual(G.parameterCount, 1_254_400 + 2 * 12544 + 819_200 + 256 + 204_800 + 128 + 1600)
        XCTAssertEqual(G.integerStateNames, ["1.num_batches_tracked", "5.num_batches_tracked", "8.num_batches_tracked"])
    }

    func testModesFreezingAndModelGradients() {
        var rng = RandomGenerator(seed: 2)
        let model = Sequential {
            Linear(3, 4, generator: &rng)
            BatchNorm1d(4)
            ReLU()
            Linear(4, 1, generator: &rng)
        }
        let x = Tensor.randn([5, 3], generator: &rng)
        let (loss, gradients) = valueAndGrad(model: model) { m in m(x).square().mean() }
        XCTAssertEqual(Set(gradients.keys), ["0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias"])
        XCTAssertGreaterThan(loss.scalar, 0)
        // Gradient of a weight against finite differences through the whole model.
        let w = model.parameter(named: "3.weight")
        var values = w.scalars
        values[2] += 1e-2
        model.update(["3.weight": Tensor(values, shape: w.shape)])
        let up = model(x).square().mean().scalar
        values[2] -= 2e-2
        model.update(["3.weight": Tensor(values, shape: w.shape)])
        let down = model(x).square().mean().scalar
        XCTAssertEqual(gradients["3.weight"]!.scalars[2], (up - down) / 2e-2, accuracy: 2e-3)

        model.children[0].module.freeze()
        XCTAssertEqual(Set(valueAndGrad(model: model) { m in m(x).sum() }.gradients.keys), ["1.weight", "1.bias", "3.weight", "3.bias"])
        model.eval()
        XCTAssertFalse(model.children[1].module.isTraining)
        let a = model(x).scalars, b = model(x).scalars
        XCTAssertEqual(a, b, "eval mode is deterministic and uses running statistics")
    }

    func testBatchNormStatistics() {
        let norm = BatchNorm2d(2)
        let x = Tensor((0..<16).map(Float.init), shape: [2, 2, 2, 2])
        let y = norm(x)
        XCTAssertEqual(y.mean(axes: [0, 2, 3]).scalars[0], 0, accuracy: 1e-5)
        XCTAssertEqual(y.variance(axes: [0, 2, 3]).scalars[1], 1, accuracy: 1e-3)
        // Channel 0 holds 0,1,2,3,8,9,10,11: mean 5.5, unbiased variance 96/7... times momentum 0.1.
        XCTAssertEqual(norm.buffer("running_mean").scalars[0], 0.55, accuracy: 1e-5)
        let values: [Float] = [0, 1, 2, 3, 8, 9, 10, 11]
        let unbiased = values.map { ($0 - 5.5) * ($0 - 5.5) }.reduce(0, +) / 7
        XCTAssertEqual(norm.buffer("running_var").scalars[0], 0.9 + 0.1 * unbiased, accuracy: 1e-4)
        XCTAssertEqual(norm.buffer("num_batches_tracked").scalars, [1])
        norm.eval()
        let evaluated = norm(x)
        XCTAssertEqual(evaluated.scalars[0], (0 - 0.55) / (0.9 + 0.1 * unbiased + 1e-5).squareRoot(), accuracy: 1e-4)
    }

    func testOtherNormalizationsAndShapes() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.randn([2, 3, 4, 4], generator: &rng)
        let instance = InstanceNorm2d(3)(x)
        XCTAssertEqual(instance.mean(axes: [2, 3]).abs().max().scalar, 0, accuracy: 1e-5)
        let layer = LayerNorm([4, 4])(x)
        XCTAssertEqual(layer.variance(axes: [2, 3]).scalars[0], 1, accuracy: 1e-3)
        XCTAssertEqual(Upsample(scale: 2)(x).shape, [2, 3, 8, 8])
        XCTAssertEqual(PixelShuffle(2)(Tensor.zeros([1, 8, 3, 3])).shape, [1, 2, 6, 6])
        let embedding = Embedding(10, 4, generator: &rng)
        XCTAssertEqual(embedding([3, 3, 1]).shape, [3, 4])
        XCTAssertEqual(embedding([3]).scalars, embedding.parameter("weight").slice(axis: 0, 3..<4).scalars)
        let block = ResidualBlock(channels: 3, generator: &rng)
        XCTAssertEqual(block(x).shape, x.shape)
        XCTAssertTrue(block.state().map(\.name).contains("conv1.weight"))
    }

    func testDropoutIsSeededAndScaled() {
        let x = Tensor.ones([1000])
        let a = Dropout(0.3, seed: 4)(x), b = Dropout(0.3, seed: 4)(x)
        XCTAssertEqual(a.scalars, b.scalars)
        let kept = a.scalars.filter { $0 > 0 }
        XCTAssertEqual(Float(kept.count) / 1000, 0.7, accuracy: 0.05)
        XCTAssertEqual(kept[0], 1 / 0.7, accuracy: 1e-6)
        let dropout = Dropout(0.3)
        dropout.eval()
        XCTAssertEqual(dropout(x).scalars, x.scalars)
    }

    func testSpectralNormFindsTheLargestSingularValue() {
        var rng = RandomGenerator(seed: 5)
        let layer = spectralNorm(Linear(3, 2, bias: false, generator: &rng), generator: &rng)
        // weight = diag-like matrix with singular values 3 and 1.
        layer.update(["weight_orig": Tensor([3, 0, 0, 0, 1, 0], shape: [2, 3])])
        for _ in 0..<30 { _ = layer(Tensor.ones([1, 3])) }
        GradientCheck.assertClose(layer.effectiveWeight().scalars, [1, 0, 0, 0, 1.0 / 3, 0], tolerance: 1e-4, "normalized weight")
        XCTAssertEqual(Set(layer.state().map(\.name)), ["weight_orig", "weight_u", "weight_v"])
        let transposed = spectralNorm(ConvTranspose2d(4, 2, kernelSize: 3, generator: &rng), generator: &rng)
        XCTAssertEqual(transposed.buffer("weight_u").shape, [2], "ConvTranspose2d normalizes along its output axis, as PyTorch")
        XCTAssertEqual(Set(valueAndGrad(model: transposed) { $0(Tensor.ones([1, 4, 3, 3])).sum() }.gradients.keys), ["weight_orig", "bias"])
    }

    func testLosses() {
        let logits = Tensor([2, -1, 0.5])
        let expected = zip([2, -1, 0.5] as [Float], [1, 1, 1] as [Float]).map { x, t in log(1 + exp(x)) - x * t }.reduce(0, +) / 3
        XCTAssertEqual(bceWithLogits(logits, target: 1).scalar, expected, accuracy: 1e-6)
        XCTAssertEqual(bceWithLogits(Tensor([0]), target: 1, smoothing: 0.2).scalar, log(2), accuracy: 1e-6)
        XCTAssertEqual(bceWithLogits(Tensor([100, -100]), targets: Tensor([1, 0])).scalar, 0, accuracy: 1e-6)
        XCTAssertEqual(mse(Tensor([1, 2]), Tensor([0, 0])).scalar, 2.5)
        XCTAssertEqual(l1(Tensor([1, -2]), Tensor([0, 0])).scalar, 1.5)
        let ce = crossEntropy(Tensor([0, 0, 0, 10, 0, 0], shape: [2, 3]), labels: [1, 0])
        XCTAssertEqual(ce.scalar, (log(3) + (log(exp(10) + 2) - 10)) / 2, accuracy: 1e-4)
        // PyTorch: F.cross_entropy(tensor([[1., 2., 3.]]), tensor([0]), label_smoothing=0.1) = 2.3076060
        XCTAssertEqual(crossEntropy(Tensor([1, 2, 3], shape: [1, 3]), labels: [0], labelSmoothing: 0.1).scalar, 2.3076060, accuracy: 1e-5)
    }
}
