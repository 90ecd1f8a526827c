import NN
import TensorCore
import XCTest

/// ReflectionPad2d: torch's reflect mode on a known row, and its gradient against finite differences.
final class ReflectionPadTests: XCTestCase {
    func testReflectionMatchesTorchsDefinition() {
        // A 1x1x2x4 image: rows a b c d / e f g h, padded by 2 on the sides (and 1 in height).
        let x = Tensor((0..<8).map(Float.init), shape: [1, 1, 2, 4])
        let y = ReflectionPad2d(1)(x)
        XCTAssertEqual(y.shape, [1, 1, 4, 6])
        // Row 0 is the reflection of row 1 (e f g h): f e f g h g.
        XCTAssertEqual(Array(y.scalars[0..<6]), [5, 4, 5, 6, 7, 6])
        XCTAssertEqual(Array(y.scalars[6..<12]), [1, 0, 1, 2, 3, 2])
        let wide = Tensor((0..<4).map(Float.init), shape: [1, 1, 1, 4]).reshape([1, 1, 1, 4])
        let three = Tensor.concat([wide, wide, wide, wide], axis: 2).reflectionPadded(3)
        XCTAssertEqual(Array(three.scalars[(3 * 10)..<(4 * 10)]), [3, 2, 1, 0, 1, 2, 3, 2, 1, 0])
        XCTAssertTrue(ReflectionPad2d(1).state().isEmpty, "no parameters, as torch")
    }

    func testGradientMatchesFiniteDifferences() {
        var rng = RandomGenerator(seed: 4)
        let x = Tensor.randn([2, 2, 4, 5], generator: &rng)
        let weights = Tensor.randn([2, 2, 8, 9], generator: &rng)
        func loss(_ input: Tensor) -> Tensor { (input.reflectionPadded(2).square() * weights).sum() }
        let analytic = grad(loss)(x).scalars
        var numeric: [Float] = []
        let step: Float = 1e-2
        for index in 0..<x.count {
            var plus = x.scalars, minus = x.scalars
            plus[index] += step
            minus[index] -= step
            let difference = loss(Tensor(plus, shape: x.shape)).scalar - loss(Tensor(minus, shape: x.shape)).scalar
            numeric.append(difference / (2 * step))
        }
        for (a, n) in zip(analytic, numeric) { XCTAssertEqual(a, n, accuracy: 2e-2 * max(1, abs(n))) }
        // The gradient is differentiable again (the autodiff rule): d/dx of sum(grad) is 2 * sum of the weights reaching x.
        let second = grad { (input: Tensor) in grad(loss)(input).sum() }(x)
        XCTAssertEqual(second.shape, x.shape)
        XCTAssertTrue(second.scalars.allSatisfy(\.isFinite))
    }
}
