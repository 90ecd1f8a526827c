import Foundation
import XCTest
@testable import NN
import TensorCore

/// The in-place Adam update, the one-pass dropout mask, the parallel global norm and the fused
/// batch normalization layer against the computations they replace.
final class FusedUpdateTests: XCTestCase {
    func model(seed: UInt64) -> Sequential {
        var generator = RandomGenerator(seed: seed)
        return Sequential { Linear(5, 37, generator: &generator); LeakyReLU(0.2); Linear(37, 3, generator: &generator) }
    }

    func gradients(of network: Sequential, step: Int) -> [String: Tensor] {
        var generator = RandomGenerator(seed: 100 + UInt64(step))
        let x = Tensor.randn([8, 5], generator: &generator)
        return valueAndGrad(model: network) { network in network(x).square().mean() }.1
    }

    func testAdamInPlaceUpdateEqualsTheCopyingUpdateAndLeavesSnapshotsAlone() {
        let inPlace = model(seed: 1), copying = model(seed: 1)
        let adamInPlace = Adam(learningRate: 1e-2, beta1: 0.5), adamCopying = Adam(learningRate: 1e-2, beta1: 0.5)
        var snapshots: [[String: Tensor]] = []
        for step in 0..<4 {
            adamInPlace.update(inPlace, gradients: gradients(of: inPlace, step: step))
            // A saved copy of the state keeps this optimizer's moments shared: it must update out of place.
            let snapshot = adamCopying.stateTensors()
            let frozen = snapshot.mapValues(\.scalars)
            snapshots.append(snapshot)
            adamCopying.update(copying, gradients: gradients(of: copying, step: step))
            for (name, value) in snapshot { XCTAssertEqual(value.scalars, frozen[name], "snapshot \(name) changed by the next update") }
        }
        for ((name, a), (_, b)) in zip(inPlace.namedParameters(), copying.namedParameters()) {
            XCTAssertEqual(a.scalars, b.scalars, "parameter \(name) after four steps")
        }
        XCTAssertEqual(adamInPlace.stateTensors().mapValues(\.scalars), adamCopying.stateTensors().mapValues(\.scalars))
        XCTAssertEqual(snapshots.count, 4)
    }

    func testAdamUpdateMatchesTheScalarFormula() {
        let network = model(seed: 2), adam = Adam(learningRate: 3e-3, beta1: 0.5, beta2: 0.9, epsilon: 1e-6, weightDecay: 0.1)
        let before = Dictionary(uniqueKeysWithValues: network.namedParameters().map { ($0.name, $0.value.scalars) })
        let g = gradients(of: network, step: 0)
        adam.update(network, gradients: g)
        for (name, value) in network.namedParameters() {
            let expected = zip(before[name]!, g[name]!.scalars).map { p, grad -> Float in
                let gradient = grad + 0.1 * p
                let m = 0.5 * 0 + (1 - 0.5) * gradient, v = 0.9 * 0 + (1 - 0.9) * gradient * gradient
                let stepSize: Float = 3e-3 / (1 - 0.5)
                return p - stepSize * m / (v.squareRoot() / (1 - Float(0.9)).squareRoot() + 1e-6)
            }
            XCTAssertEqual(value.scalars, expected, "Adam step of \(name)")
        }
    }

    /// Adam's AVX-512 kernel against the portable loop it replaces, bit for bit (weight decay
    /// on, 37-wide rows so a partial vector is updated too).
    func testAdamKernelEqualsThePortableLoop() throws {
        guard VectorKernels.isEnabled else { throw XCTSkip("the AVX-512 kernels do not run on this CPU: only the portable loops do") }
        let withKernel = model(seed: 3), withLoop = model(seed: 3)
        let adamKernel = Adam(learningRate: 2e-3, beta1: 0.5, weightDecay: 0.01)
        let adamLoop = Adam(learningRate: 2e-3, beta1: 0.5, weightDecay: 0.01)
        for step in 0..<3 {
            adamKernel.update(withKernel, gradients: gradients(of: withKernel, step: step))
            let g = gradients(of: withLoop, step: step)
            VectorKernels.withPortableLoops { adamLoop.update(withLoop, gradients: g) }
        }
        let loopState = adamLoop.stateTensors()
        let pairs = zip(withKernel.namedParameters(), withLoop.namedParameters()).map { ($0.0.name, $0.0.value, $0.1.value) }
            + adamKernel.stateTensors().map { ($0.key, $0.value, loopState[$0.key] ?? Tensor.zeros([0])) }
        XCTAssertEqual(pairs.count, 3 * withKernel.namedParameters().count + 1, "every parameter and moment (and the step) compared")
        for (name, a, b) in pairs {
            let largest = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertTrue(a.scalars == b.scalars, "\(name) after three steps: kernel and loop differ by up to \(largest)")
        }
    }

    func testDropoutEqualsInputTimesScaledKeepMask() {
        let dropout = Dropout(0.3, seed: 9)
        var generator = RandomGenerator(seed: 3)
        let x = Tensor.randn([5, 3, 7, 7], generator: &generator)
        var masks = RandomGenerator(seed: 9)
        let keep = Tensor.bernoulli(x.shape, probability: 1 - 0.3, generator: &masks)
        XCTAssertEqual(dropout(x).scalars, (x * (keep / (1 - 0.3))).scalars)
        XCTAssertEqual(dropout.generator, masks, "mask generator advanced by one draw per element")
    }

    func testGlobalNormMatchesADoubleSum() {
        var generator = RandomGenerator(seed: 4)
        let gradients = ["a": Tensor.randn([5_000], generator: &generator), "b": Tensor.randn([91, 113], generator: &generator),
                         "c": Tensor.randn([3], generator: &generator)]
        let exact = gradients.values.flatMap(\.scalars).reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        XCTAssertEqual(Double(globalNorm(gradients)), exact, accuracy: exact * 1e-6)
    }

    func testTrainingBatchNormMatchesTheComposedLayerAndItsRunningStatistics() {
        for shape in [[6, 20], [4, 3, 5, 5]] {
            let features = shape[1]
            let fused = shape.count == 2 ? BatchNorm1d(features) as BatchNorm : BatchNorm2d(features)
            var generator = RandomGenerator(seed: 5)
            let x = Tensor.randn(shape, mean: 1, standardDeviation: 2, generator: &generator)
            fused.update(["weight": Tensor.uniform([features], low: 0.5, high: 1.5, generator: &generator),
                          "bias": Tensor.uniform([features], generator: &generator)])
            let (y, grads) = (fused(x), valueAndGrad(model: fused) { $0(x).square().sum() }.1)
            let axes = [0] + Array(2..<x.rank), keep = [1, features] + Array(repeating: 1, count: x.rank - 2)
            let weight = fused.parameter("weight"), bias = fused.parameter("bias")
            func composed(_ x: Tensor, _ w: Tensor, _ b: Tensor) -> Tensor {
                let centered = x - x.mean(axes: axes, keepDims: true)
                return centered / (centered.square().mean(axes: axes, keepDims: true) + 1e-5).sqrt() * w.reshape(keep) + b.reshape(keep)
            }
            var worst: Float = 0
            for (a, b) in zip(y.scalars, composed(x, weight, bias).scalars) { worst = max(worst, abs(a - b)) }
            XCTAssertLessThan(worst, 1e-5, "BatchNorm output \(shape)")
            let expected = grad { (p: [Tensor]) in composed(p[0], p[1], p[2]).square().sum() }([x, weight, bias])
            for (name, reference) in [("weight", expected[1]), ("bias", expected[2])] {
                for (a, b) in zip(grads[name]!.scalars, reference.scalars) { XCTAssertEqual(a, b, accuracy: 1e-3 * max(1, abs(b)), "\(name) gradient") }
            }
            // Two forward passes (the plain call and the traced one) moved the running statistics twice.
            let count = Float(x.count / features), mean = x.mean(axes: axes), variance = x.variance(axes: axes) * (count / (count - 1))
            let runningMean = mean * 0.1 * 0.9 + mean * 0.1, runningVariance = (Tensor.ones([features]) * 0.9 + variance * 0.1) * 0.9 + variance * 0.1
            for (a, b) in zip(fused.buffer("running_mean").scalars, runningMean.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
            for (a, b) in zip(fused.buffer("running_var").scalars, runningVariance.scalars) { XCTAssertEqual(a, b, accuracy: 1e-4) }
            XCTAssertEqual(fused.buffer("num_batches_tracked").scalar, 2)
        }
    }
}
