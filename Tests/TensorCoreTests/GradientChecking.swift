import XCTest
import TensorCore

/// Helpers that compare automatic derivatives with central finite differences.
enum GradientChecking {
    /// A fixed random tensor (uniform in [low, high)).
    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.uniform(shape, low: low, high: high, generator: &generator)
    }

    /// A scalar projection of `f`: the sum of its output times fixed random weights, so the
    /// check sees every entry of the Jacobian.
    static func projected(_ f: @escaping ([Tensor]) -> Tensor, seed: UInt64 = 99) -> ([Tensor]) -> Tensor {
        { points in
            let y = f(points)
            return (y * random(y.shape, seed: seed)).sum()
        }
    }

    /// Central differences of the scalar `f` with respect to every element of every point,
    /// computed in Double from Float evaluations.
    static func numericGradient(_ f: ([Tensor]) -> Tensor, at points: [Tensor], step: Float) -> [[Float]] {
        points.indices.map { which in
            var values = points[which].scalars
            return values.indices.map { i in
                let original = values[i]
                func evaluate(_ v: Float) -> Double {
                    values[i] = v
                    var moved = points
                    moved[which] = Tensor(values, shape: points[which].shape)
                    return Double(f(moved).scalar)
                }
                let up = evaluate(original + step), down = evaluate(original - step)
                values[i] = original
                return Float((up - down) / Double(2 * step))
            }
        }
    }

    /// Asserts that `grad(f)` matches central differences at `points` within
    /// `tolerance * max(1, |numeric|)` per element.
    static func assertGradient(_ f: @escaping ([Tensor]) -> Tensor, at points: [Tensor], step: Float = 1e-2,
                               tolerance: Float = 1e-2, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let analytic = grad(f)(points)
        let numeric = numericGradient(f, at: points, step: step)
        for (which, (a, n)) in zip(analytic, numeric).enumerated() {
            XCTAssertEqual(a.shape, points[which].shape, "\(label): gradient shape", file: file, line: line)
            var worst: Float = 0
            for (x, y) in zip(a.scalars, n) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
            XCTAssertLessThanOrEqual(worst, tolerance, "\(label): input \(which): analytic \(a.scalars.prefix(6)) vs numeric \(n.prefix(6))",
                                     file: file, line: line)
        }
    }

    /// Checks the first derivative of `f` (projected), then its second derivative: the
    /// gradient of a projection of the first derivative against its finite differences.
    static func assertFirstAndSecond(_ f: @escaping ([Tensor]) -> Tensor, at points: [Tensor], step: Float = 1e-2,
                                     tolerance: Float = 1e-2, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let first = projected(f)
        assertGradient(first, at: points, step: step, tolerance: tolerance, label, file: file, line: line)
        let second: ([Tensor]) -> Tensor = { points in
            let gradients = grad(first)(points)
            return gradients.enumerated().map { (i, g) in (g * random(g.shape, seed: 7 + UInt64(i))).sum() }
                .reduce(Tensor(0), +)
        }
        assertGradient(second, at: points, step: step, tolerance: tolerance, "\(label) (second derivative)", file: file, line: line)
    }

    /// Asserts two float arrays agree elementwise within `tolerance * max(1, |expected|)`.
    static func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, "\(label): count", file: file, line: line)
        var worst: Float = 0
        for (x, y) in zip(actual, expected) { worst = max(worst, abs(x - y) / max(1, abs(y))) }
        XCTAssertLessThanOrEqual(worst, tolerance, "\(label): \(actual.prefix(8)) vs \(expected.prefix(8))", file: file, line: line)
    }
}
