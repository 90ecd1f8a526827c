import XCTest
import TensorCore

/// First and second derivatives of the elementwise ops against finite differences.
final class ElementwiseGradientTests: XCTestCase {
    typealias Check = GradientChecking

    func testUnaryOps() {
        let x = Check.random([2, 3], seed: 1)
        let positive = Check.random([2, 3], seed: 2, low: 0.5, high: 2)
        // Away from 0, where abs, relu and leakyRelu have kinks.
        let offZero = Tensor([-0.9, -0.4, 0.3, 0.7, -0.2, 0.55], shape: [2, 3])
        let cases: [(String, Tensor, (Tensor) -> Tensor)] = [
            ("exp", x, { $0.exp() }), ("log", positive, { $0.log() }), ("sqrt", positive, { $0.sqrt() }),
            ("pow 3", x, { $0.pow(3) }), ("pow -1.5", positive, { $0.pow(-1.5) }), ("square", x, { $0.square() }),
            ("abs", offZero, { $0.abs() }), ("tanh", x, { $0.tanh() }), ("sigmoid", x, { $0.sigmoid() }),
            ("relu", offZero, { $0.relu() }), ("leakyRelu", offZero, { $0.leakyRelu(0.2) }),
            ("softplus", x, { $0.softplus() }), ("logSigmoid", x, { $0.logSigmoid() }),
            ("negate", x, { -$0 }), ("clamped", offZero, { $0.clamped(min: -0.5, max: 0.5) }),
            ("scalar arithmetic", x, { (3 - $0 * 2 + 1) / 4 }), ("reciprocal", positive, { 2 / $0 }),
        ]
        for (name, point, op) in cases {
            Check.assertFirstAndSecond({ op($0[0]) }, at: [point], name)
        }
    }

    func testBinaryOpsWithBroadcasting() {
        let pairs: [([Int], [Int])] = [([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1, 3], [4, 1]), ([2, 3], []), ([1], [3, 2])]
        for (i, (sa, sb)) in pairs.enumerated() {
            let a = Check.random(sa, seed: UInt64(10 + i))
            let b = Check.random(sb, seed: UInt64(20 + i), low: 0.5, high: 1.5)
            Check.assertFirstAndSecond({ $0[0] + $0[1] }, at: [a, b], "add \(sa) \(sb)")
            Check.assertFirstAndSecond({ $0[0] - $0[1] }, at: [a, b], "subtract \(sa) \(sb)")
            Check.assertFirstAndSecond({ $0[0] * $0[1] }, at: [a, b], "multiply \(sa) \(sb)")
            Check.assertFirstAndSecond({ $0[0] / $0[1] }, at: [a, b], "divide \(sa) \(sb)")
        }
        let base = Check.random([3, 2], seed: 5, low: 0.5, high: 2), exponent = Check.random([2], seed: 6)
        Check.assertFirstAndSecond({ $0[0].pow($0[1]) }, at: [base, exponent], "pow tensor")
    }

    func testMaximumAndMinimum() {
        // Values at least 0.1 apart, so finite differences never cross a tie.
        let a = Tensor([-0.9, 0.45, 0.3, 1.2, -0.2, 0.75], shape: [2, 3]), b = Tensor([0.1, 0.6, -0.5], shape: [3])
        Check.assertFirstAndSecond({ $0[0].maximum($0[1]) * $0[0] }, at: [a, b], "maximum")
        Check.assertFirstAndSecond({ $0[0].minimum($0[1]) * $0[1] }, at: [a, b], "minimum")
        Check.assertFirstAndSecond({ $0[0].maximum(0.5).square() + $0[0].minimum(-0.1) }, at: [a], "scalar bounds")
        XCTAssertEqual(a.maximum(b).scalars, [0.1, 0.6, 0.3, 1.2, 0.6, 0.75])
        XCTAssertEqual(grad { (x: Tensor) in x.maximum(Tensor([1, 1])).sum() }(Tensor([1, 2])).scalars, [0.5, 1], "ties share")
    }

    func testWhereRoutesGradientsByMask() {
        let mask = Tensor([1, 0, 0, 1, 1, 0], shape: [2, 3])
        let a = Check.random([2, 3], seed: 3), b = Check.random([3], seed: 4)
        Check.assertFirstAndSecond({ Tensor.where(mask, $0[0] * $0[0], $0[1].exp()) }, at: [a, b], "where")
        XCTAssertEqual(Tensor.where(mask, Tensor.ones([2, 3]), Tensor.zeros([])).scalars, mask.scalars)
    }

    func testForwardValues() {
        let x = Tensor([-2, -0.5, 0, 0.5, 2], shape: [5])
        Check.assertClose(x.sigmoid().scalars, x.scalars.map { 1 / (1 + exp(-$0)) }, "sigmoid")
        Check.assertClose(x.softplus().scalars, x.scalars.map { log(1 + exp($0)) }, "softplus")
        Check.assertClose(x.leakyRelu(0.2).scalars, [-0.4, -0.1, 0, 0.5, 2], "leakyRelu")
        Check.assertClose((Tensor([1, 2, 3]) .> 1.5).scalars, [0, 1, 1], "greater")
        XCTAssertEqual(Tensor([1000, -1000]).softplus().scalars, [1000, 0])
        XCTAssertEqual(Tensor([1000, -1000]).sigmoid().scalars, [1, 0])
        XCTAssertEqual(Tensor([-.infinity, 2]).relu().scalars, [0, 2], "relu(-inf) is 0, as PyTorch")
        XCTAssertEqual((Tensor.zeros([0, 3]) + Tensor.zeros([1, 3])).shape, [0, 3], "empty broadcasts compute nothing")
        XCTAssertEqual(Tensor.where(Tensor.zeros([0, 1]), Tensor.zeros([1, 3]), Tensor.zeros([3])).shape, [0, 3])
    }
}
