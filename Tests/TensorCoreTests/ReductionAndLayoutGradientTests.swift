import XCTest
import TensorCore

/// Derivatives of reductions and of the ops that move elements around.
final class ReductionAndLayoutGradientTests: XCTestCase {
    typealias Check = GradientChecking

    func testReductions() {
        // Distinct values 0.05 apart, so finite differences never change which element is largest.
        var generator = RandomGenerator(seed: 11)
        let x = Tensor(generator.permutation(24).map { Float($0) * 0.05 - 0.6 }, shape: [2, 3, 4])
        for axes in [nil, [0], [1], [2], [0, 2], [-1]] as [[Int]?] {
            for keep in [false, true] {
                Check.assertFirstAndSecond({ $0[0].sum(axes: axes, keepDims: keep).square() }, at: [x], "sum \(String(describing: axes)) \(keep)")
                Check.assertFirstAndSecond({ $0[0].mean(axes: axes, keepDims: keep).exp() }, at: [x], "mean \(String(describing: axes))")
                Check.assertFirstAndSecond({ $0[0].max(axes: axes, keepDims: keep) * 3 }, at: [x], "max \(String(describing: axes))")
            }
            Check.assertFirstAndSecond({ $0[0].variance(axes: axes) }, at: [x], "variance \(String(describing: axes))")
            Check.assertFirstAndSecond({ $0[0].logSumExp(axes: axes) }, at: [x], "logSumExp \(String(describing: axes))")
        }
        Check.assertFirstAndSecond({ $0[0].min(axes: [1]) }, at: [x], "min")
        Check.assertFirstAndSecond({ $0[0].softmax(axis: 1) }, at: [x], "softmax")
        Check.assertFirstAndSecond({ $0[0].logSoftmax(axis: -1) }, at: [x], "logSoftmax")
    }

    func testReductionValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(x.sum(axes: [0]).scalars, [5, 7, 9])
        XCTAssertEqual(x.sum(axes: [1], keepDims: true).shape, [2, 1])
        XCTAssertEqual(x.sum().scalar, 21)
        XCTAssertEqual(x.max(axes: [1]).scalars, [3, 6])
        XCTAssertEqual(x.mean().scalar, 3.5)
        XCTAssertEqual(x.variance(axes: [1], unbiased: true).scalars, [1, 1])
        XCTAssertEqual(x.argmax(axis: 1), [2, 2])
        GradientChecking.assertClose(Tensor([1000, 1000]).logSumExp().scalars, [1000 + log(2)], "stable logSumExp")
        GradientChecking.assertClose(x.softmax(axis: 1).sum(axes: [1]).scalars, [1, 1], "softmax rows")
    }

    func testLayoutOps() {
        let x = Check.random([2, 3, 4], seed: 12)
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("reshape", { $0.reshape([4, -1]).square() }), ("permute", { $0.permute([2, 0, 1]).square() }),
            ("transposed", { $0.transposed() * $0.transposed() }), ("broadcast", { $0.reshape([2, 1, 3, 4]).broadcast(to: [2, 5, 3, 4]).square() }),
            ("expand", { $0.unsqueeze(0).expand([3, -1, -1, -1]).square() }),
            ("slice", { $0.slice(lowerBounds: [1, 0, 1], upperBounds: [2, 2, 4]).square() }),
            ("padded", { $0.padded([(1, 0), (0, 2), (1, 1)], value: 0.5).square() }),
            ("flipped", { $0.flipped(axes: [0, 2]) * $0 }),
            ("split", { $0.split(sizes: [1, 3], axis: 2)[1].square() }),
            ("gather", { $0.gather(indices: [2, 0, 2], axis: 1).square() }),
            ("flatten", { $0.flatten().square() }), ("squeeze", { $0.unsqueeze(1).squeeze().square() }),
        ]
        for (name, op) in cases { Check.assertFirstAndSecond({ op($0[0]) }, at: [x], name) }
        let y = Check.random([2, 2, 4], seed: 13)
        Check.assertFirstAndSecond({ Tensor.concat([$0[0], $0[1] * $0[1]], axis: 1) }, at: [x, y], "concat")
        Check.assertFirstAndSecond({ Tensor.stack([$0[0], $0[1].square()], axis: 1) }, at: [y, y * 2], "stack")
    }

    func testLayoutValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        XCTAssertEqual(x.transposed().scalars, [1, 4, 2, 5, 3, 6])
        XCTAssertEqual(x.flipped(axes: [1]).scalars, [3, 2, 1, 6, 5, 4])
        XCTAssertEqual(x.slice(axis: 1, 1..<3).scalars, [2, 3, 5, 6])
        XCTAssertEqual(x.padded([(0, 0), (1, 0)]).scalars, [0, 1, 2, 3, 0, 4, 5, 6])
        XCTAssertEqual(Tensor.concat([x, x], axis: 1).shape, [2, 6])
        XCTAssertEqual(Tensor.stack([x, x]).shape, [2, 2, 3])
        XCTAssertEqual(x.gather(indices: [1, 1], axis: 0).scalars, [4, 5, 6, 4, 5, 6])
        XCTAssertEqual(Tensor([1, 2, 3]).reshape([3, 1]).broadcast(to: [3, 2]).scalars, [1, 1, 2, 2, 3, 3])
        XCTAssertEqual(x.split(count: 3, axis: 1).map(\.scalars), [[1, 4], [2, 5], [3, 6]])
    }
}
