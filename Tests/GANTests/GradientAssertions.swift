import TensorCore
import XCTest

extension XCTestCase {
    /// Asserts that the gradient of `f` at `x` matches central differences (in Double).
    func assertGradient(_ f: @escaping (Tensor) -> Tensor, at x: Tensor, step: Float = 1e-2, tolerance: Float = 2e-2,
                        _ label: String, line: UInt = #line) {
        var weights = RandomGenerator(seed: 99)
        let projection = Tensor.uniform(f(x).shape, low: -1, high: 1, generator: &weights)
        let scalar = { (x: Tensor) in (f(x) * projection).sum() }
        let analytic = grad(scalar)(x).scalars
        var values = x.scalars
        for index in values.indices {
            let original = values[index]
            values[index] = original + step
            let up = Double(scalar(Tensor(values, shape: x.shape)).scalar)
            values[index] = original - step
            let down = Double(scalar(Tensor(values, shape: x.shape)).scalar)
            values[index] = original
            let numeric = Float((up - down) / Double(2 * step))
            XCTAssertEqual(analytic[index], numeric, accuracy: tolerance * max(1, abs(numeric)), "\(label): element \(index)", line: line)
        }
    }
}
