import XCTest
import TensorCore

/// The gradient transforms themselves: composition, constants, pullbacks and the gradient
/// penalty that needs gradients of gradients.
final class AutodiffTests: XCTestCase {
    typealias Check = GradientChecking

    func testContractExamples() {
        let x = Tensor([1, -2, 3], shape: [3])
        XCTAssertEqual(grad { (x: Tensor) in (x * x).sum() }(x).scalars, [2, -4, 6])
        let gg = grad { (x: Tensor) in grad { (y: Tensor) in (y * y * y).sum() }(x).sum() }(x)
        XCTAssertEqual(gg.scalars, [6, -12, 18])
        let third = grad { (x: Tensor) in grad { (y: Tensor) in grad { (z: Tensor) in z.pow(4).sum() }(y).sum() }(x).sum() }(x)
        GradientChecking.assertClose(third.scalars, x.scalars.map { 24 * $0 }, "third derivative of x^4")
    }

    func testStopGradientAndUnusedInputs() {
        let x = Tensor([1, 2], shape: [2])
        XCTAssertEqual(grad { (x: Tensor) in (x * stopGradient(x)).sum() }(x).scalars, [1, 2])
        let (a, b) = grad { (a: Tensor, b: Tensor) in a.sum() * 2 }(x, x)
        XCTAssertEqual(a.scalars, [2, 2])
        XCTAssertEqual(b.scalars, [0, 0])
        XCTAssertFalse(grad { (x: Tensor) in x.exp().sum() }(x).isTraced, "gradients outside any transform carry no graph")
    }

    func testVjpAndValueAndGrad() {
        let x = Tensor([0.5, -1], shape: [2])
        let (value, pullback) = vjp({ $0.exp() * 2 }, at: x)
        Check.assertClose(value.scalars, x.scalars.map { 2 * exp($0) }, "vjp value")
        Check.assertClose(pullback(Tensor([1, 3])).scalars, [2 * exp(0.5), 6 * exp(-1)], "vjp pullback")
        let (loss, gradient) = valueAndGrad { (x: Tensor) in x.square().mean() }(x)
        XCTAssertEqual(loss.scalar, 0.625)
        XCTAssertEqual(gradient.scalars, [0.5, -1])
    }

    func testSharedSubexpressionsAccumulate() {
        let x = Tensor([2], shape: [1])
        // y = x^2 used three times: d/dx (y + y*y + exp(y)) = 2x (1 + 2y + exp(y)).
        let g = grad { (x: Tensor) in let y = x * x; return (y + y * y + y.exp()).sum() }(x)
        Check.assertClose(g.scalars, [4 * (1 + 8 + exp(4))], tolerance: 1e-5, "accumulated")
    }

    /// WGAN-GP: penalty(θ) = mean over samples of (‖∇ₓ D(x; θ)‖ - 1)² for a two-layer conv critic.
    /// Its gradient with respect to every weight must match finite differences. The critic is
    /// smooth (tanh), since with a kinked activation the penalty itself jumps where a unit
    /// changes side and finite differences across the jump mean nothing.
    func testGradientPenaltyOnConvCritic() {
        let points = Check.random([3, 1, 6, 6], seed: 200)
        let w1 = Check.random([4, 1, 3, 3], seed: 201, low: -0.5, high: 0.5), b1 = Check.random([4], seed: 202, low: -0.1, high: 0.1)
        let w2 = Check.random([1, 4 * 3 * 3], seed: 203, low: -0.5, high: 0.5)
        func critic(_ x: Tensor, _ p: [Tensor]) -> Tensor {
            let h = x.conv2d(weight: p[0], bias: p[1], stride: 2, padding: 1).tanh()  // [3, 4, 3, 3]
            return h.flatten().matmul(p[2].transposed()).softplus()                            // [3, 1]
        }
        let penalty: ([Tensor]) -> Tensor = { parameters in
            let inputGradient = grad { (x: Tensor) in critic(x, parameters).sum() }(points)
            let norms = (inputGradient.square().sum(axes: [1, 2, 3]) + 1e-12).sqrt()
            return (norms - 1).square().mean()
        }
        XCTAssertGreaterThan(penalty([w1, b1, w2]).scalar, 0.01, "a penalty that is not trivially zero")
        Check.assertGradient(penalty, at: [w1, b1, w2], step: 1e-2, tolerance: 1e-2, "gradient penalty")
    }
}
