import Foundation
import XCTest
@testable import TensorCore

/// The fused and vectorized kernels against the composed ops or scalar loops they replace, on
/// odd shapes (partial vectors, channels not a multiple of 16), gradients included.
final class FusedKernelTests: XCTestCase {
    func testVectorTanhMatchesTheScalarFunctionToAnUlp() {
        let count = 20_001  // not a multiple of 4: the last group is partial
        let x = Tensor((0..<count).map { Float($0 - count / 2) / Float(count / 2) * 12 }, shape: [count])
        let y = x.tanh().scalars
        var worstUlps: Float = 0
        for (input, value) in zip(x.scalars, y) {
            let exact = Float(Foundation.tanh(Double(input)))
            worstUlps = max(worstUlps, abs(value - exact) / max(exact.magnitude.ulp, Float.leastNormalMagnitude))
        }
        XCTAssertLessThanOrEqual(worstUlps, 2, "vector tanh differs from the correctly rounded value by \(worstUlps) ulps")
        let special: [Float] = [0, -0.0, 1e-30, -1e-30, 0.625, -0.625, 9, 20, -20, .infinity, -.infinity, .nan, 3]
        let values = Tensor(special).tanh().scalars
        for (input, value) in zip(special, values) {
            if input.isNaN { XCTAssertTrue(value.isNaN); continue }
            XCTAssertEqual(value, Foundation.tanh(input), accuracy: 1.5e-7, "tanh(\(input))")
            XCTAssertEqual(value.sign, input.sign, "tanh(\(input)) keeps the sign")
        }
        GradientChecking.assertFirstAndSecond({ $0[0].tanh() }, at: [GradientChecking.random([3, 5], seed: 1, low: -2, high: 2)], "tanh")
    }

    func testBernoulliDrawsMatchTheUniformComparisonLoop() {
        for probability: Float in [0, 0.3, 0.7, 0.123_456_7, 1 - 0x1p-24, 1] {
            for value: Float in [1, 1 / (1 - 0.3)] {
                var fast = RandomGenerator(seed: 42), reference = RandomGenerator(seed: 42)
                let drawn = Tensor.bernoulli([7, 143], probability: probability, value: value, generator: &fast)
                let expected = (0..<(7 * 143)).map { _ in reference.nextUniform() < probability ? value : 0 }
                XCTAssertEqual(drawn.scalars, expected, "bernoulli p = \(probability)")
                XCTAssertEqual(fast, reference, "generator state after bernoulli p = \(probability)")
            }
        }
    }

    /// (a - center) · sa + b · sb + shift with broadcast ops.
    func composedCombination(_ a: Tensor, center: Tensor?, _ sa: Tensor, _ b: Tensor?, _ sb: Tensor?, _ shift: Tensor) -> Tensor {
        var result = (center.map { a - $0 } ?? a) * sa + shift
        if let b, let sb { result = result + b * sb }
        return result
    }

    func testChannelCombinationMatchesBroadcastOpsWithGradients() {
        for shape in [[3, 5], [2, 3, 4, 5], [4, 19], [2, 2, 17]] {
            let coefficientShape = [1, shape[1]] + Array(repeating: 1, count: shape.count - 2)
            let a = GradientChecking.random(shape, seed: 1), b = GradientChecking.random(shape, seed: 2)
            let sa = GradientChecking.random(coefficientShape, seed: 3), sb = GradientChecking.random(coefficientShape, seed: 4)
            let center = GradientChecking.random(coefficientShape, seed: 5), shift = GradientChecking.random(coefficientShape, seed: 6)
            GradientChecking.assertClose(Tensor.channelCombination(a, center: center, scaleA: sa, b, scaleB: sb, shift: shift).scalars,
                                         composedCombination(a, center: center, sa, b, sb, shift).scalars, "combination \(shape)")
            GradientChecking.assertClose(Tensor.channelCombination(a, scaleA: sa, shift: shift).scalars,
                                         composedCombination(a, center: nil, sa, nil, nil, shift).scalars, "combination without b \(shape)")
            let fused = GradientChecking.projected { p in Tensor.channelCombination(p[0], center: p[1], scaleA: p[2], p[3], scaleB: p[4], shift: p[5]) }
            let composed = GradientChecking.projected { p in self.composedCombination(p[0], center: p[1], p[2], p[3], p[4], p[5]) }
            let points = [a, center, sa, b, sb, shift]
            for (f, c) in zip(grad(fused)(points), grad(composed)(points)) {
                GradientChecking.assertClose(f.scalars, c.scalars, "combination gradient \(shape)")
            }
        }
        GradientChecking.assertFirstAndSecond({ p in Tensor.channelCombination(p[0], center: p[1], scaleA: p[2], p[3], scaleB: p[4], shift: p[5]) },
                                              at: [[2, 3, 2], [1, 3, 1], [1, 3, 1], [2, 3, 2], [1, 3, 1], [1, 3, 1]].enumerated().map {
                                                  GradientChecking.random($0.element, seed: 20 + UInt64($0.offset))
                                              }, "combination")
    }

    /// Training-mode batch normalization composed from broadcast ops (the previous formula).
    func composedBatchNorm(_ x: Tensor, _ weight: Tensor?, _ bias: Tensor?, epsilon: Float = 1e-5) -> Tensor {
        let axes = [0] + Array(2..<x.rank)
        let shape = [1, x.shape[1]] + Array(repeating: 1, count: x.rank - 2)
        let centered = x - x.mean(axes: axes, keepDims: true)
        let normalized = centered / (centered.square().mean(axes: axes, keepDims: true) + epsilon).sqrt()
        guard let weight, let bias else { return normalized }
        return normalized * weight.reshape(shape) + bias.reshape(shape)
    }

    func testBatchNormalizedMatchesTheComposedFormulaWithGradients() {
        for shape in [[5, 7], [6, 33], [3, 4, 5], [4, 3, 5, 7], [2, 17, 3, 3]] {
            let channels = shape[1]
            let x = GradientChecking.random(shape, seed: 11, low: -2, high: 3)
            let weight = GradientChecking.random([channels], seed: 12, low: 0.5, high: 1.5), bias = GradientChecking.random([channels], seed: 13)
            let (output, mean, variance) = x.batchNormalized(weight: weight, bias: bias, epsilon: 1e-5)
            GradientChecking.assertClose(output.scalars, composedBatchNorm(x, weight, bias).scalars, "batch norm \(shape)")
            let axes = [0] + Array(2..<x.rank)
            GradientChecking.assertClose(mean.scalars, x.mean(axes: axes).scalars, "mean \(shape)")
            GradientChecking.assertClose(variance.scalars, x.variance(axes: axes).scalars, "variance \(shape)")
            let fused = GradientChecking.projected { p in p[0].batchNormalized(weight: p[1], bias: p[2], epsilon: 1e-5).output }
            let composed = GradientChecking.projected { p in self.composedBatchNorm(p[0], p[1], p[2]) }
            for (which, (f, c)) in zip(grad(fused)([x, weight, bias]), grad(composed)([x, weight, bias])).enumerated() {
                GradientChecking.assertClose(f.scalars, c.scalars, tolerance: 1e-4, "batch norm gradient \(which) \(shape)")
            }
            let plain = GradientChecking.projected { p in p[0].batchNormalized(weight: nil, bias: nil, epsilon: 1e-5).output }
            let plainComposed = GradientChecking.projected { p in self.composedBatchNorm(p[0], nil, nil) }
            GradientChecking.assertClose(grad(plain)([x])[0].scalars, grad(plainComposed)([x])[0].scalars, tolerance: 1e-4,
                                         "batch norm without affine, gradient \(shape)")
        }
    }

    func testBatchNormalizedSecondDerivatives() {
        let points = [GradientChecking.random([4, 2, 3], seed: 31, low: -2, high: 2),
                      GradientChecking.random([2], seed: 32, low: 0.5, high: 1.5), GradientChecking.random([2], seed: 33)]
        GradientChecking.assertFirstAndSecond({ p in p[0].batchNormalized(weight: p[1], bias: p[2], epsilon: 1e-3).output },
                                              at: points, step: 1e-2, tolerance: 3e-2, "batch norm")
    }
}
