import XCTest
import NN
import TensorCore

/// The public API contract of DESIGN.md, line by line: tests outside the repository rely on
/// these names and signatures.
final class DesignContractTests: XCTestCase {
    func testContractCompilesAndComputes() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(a.scalars, [1, 2, 3, 4, 5, 6])
        var rng = RandomGenerator(seed: 0)
        let x = Tensor.randn([64, 100], generator: &rng)
        let w = Tensor.randn([100, 8], generator: &rng), b = Tensor.zeros([8])
        let y = (x.matmul(w) + b).leakyRelu(0.2)
        let s = y.reshape([64, -1]).sum(axes: [1]); let m = s.mean(); let r = (s * s + 1e-12).sqrt()
        XCTAssertEqual(m.shape, [])
        XCTAssertEqual(r.shape, [64])
        let images = Tensor.randn([2, 1, 28, 28], generator: &rng), k = Tensor.randn([4, 1, 5, 5], generator: &rng)
        let c = images.conv2d(weight: k, bias: nil, stride: 2, padding: 2)
        XCTAssertEqual(c.shape, [2, 4, 14, 14])
        let z = Tensor.randn([2, 4, 7, 7], generator: &rng), k2 = Tensor.randn([4, 3, 5, 5], generator: &rng)
        let t = z.convTranspose2d(weight: k2, bias: nil, stride: 2, padding: 2, outputPadding: 1)
        XCTAssertEqual(t.shape, [2, 3, 14, 14])
        let g = grad { (x: Tensor) in (x * x).sum() }(x)
        XCTAssertEqual(g.scalars, x.scalars.map { 2 * $0 })
        let gg = grad { (x: Tensor) in grad { (y: Tensor) in (y * y * y).sum() }(x).sum() }(x)
        GradientAssertions.assertClose(gg.scalars, x.scalars.map { 6 * $0 })

        let D = Sequential {
            Flatten()
            Linear(784, 1, generator: &rng)
        }
        let real = Tensor.uniform([8, 1, 28, 28], low: -1, high: 1, generator: &rng)
        let optimizer = Adam(learningRate: 2e-4, beta1: 0.5)
        let (loss, grads) = valueAndGrad(model: D) { D in bceWithLogits(D(real), target: 1) }
        optimizer.update(D, gradients: grads)
        XCTAssertTrue(loss.scalar.isFinite)
        XCTAssertEqual(grads["1.weight"]?.shape, [1, 784])
    }
}

enum GradientAssertions {
    static func assertClose(_ a: [Float], _ b: [Float], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: 1e-4 * max(1, abs(y)), file: file, line: line) }
    }
}
