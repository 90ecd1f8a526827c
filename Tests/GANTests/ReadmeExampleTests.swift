import Foundation
import XCTest
import GAN
import NN
import TensorCore

/// The README's library examples, as written there, compile and do what the README says.
final class ReadmeExampleTests: XCTestCase {
    func testTensorCoreExample() {
        var rng = RandomGenerator(seed: 0)
        let x = Tensor.randn([64, 1, 28, 28], generator: &rng)
        let w = Tensor.randn([32, 1, 5, 5], standardDeviation: 0.02, generator: &rng)
        let critic = { (x: Tensor) in x.conv2d(weight: w, stride: 2, padding: 2).softplus().mean() }
        let g = grad(critic)(x)
        let penalty = grad { (x: Tensor) in (grad(critic)(x).square().sum() - 1).square() }(x)
        XCTAssertEqual(g.shape, [64, 1, 28, 28])
        XCTAssertEqual(penalty.shape, [64, 1, 28, 28])
        XCTAssertTrue(penalty.isFinite && penalty.abs().max().scalar > 0)
    }

    func testNNExample() throws {
        var rng = RandomGenerator(seed: 0)
        let D = Sequential {
            Flatten()
            Linear(784, 256, generator: &rng)
            LeakyReLU(0.2)
            Linear(256, 1, generator: &rng)
        }
        let optimizer = Adam(learningRate: 2e-4, beta1: 0.5)
        let real = Tensor.uniform([64, 1, 28, 28], low: -1, high: 1, generator: &rng)
        let (loss, gradients) = valueAndGrad(model: D) { D in bceWithLogits(D(real), target: 1) }
        optimizer.update(D, gradients: gradients)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try D.saveCheckpoint(to: path)
        XCTAssertEqual(Set(gradients.keys), ["1.weight", "1.bias", "3.weight", "3.bias"])
        XCTAssertLessThan(bceWithLogits(D(real), target: 1).scalar, loss.scalar, "one step lowers the loss")
    }
}
