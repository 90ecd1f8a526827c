import XCTest
import TensorCore

/// Matrix products, convolutions, pooling and resampling: values and derivatives.
final class LinearAlgebraGradientTests: XCTestCase {
    typealias Check = GradientChecking

    func testMatmulValuesAndGradients() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3]), b = Tensor([1, 0, 0, 1, 1, 1], shape: [3, 2])
        XCTAssertEqual(a.matmul(b).scalars, [4, 5, 10, 11])
        XCTAssertEqual(Tensor.matrixProduct(a, a, transposeA: false, transposeB: true).scalars, [14, 32, 32, 77])
        XCTAssertEqual(Tensor.matrixProduct(a, a, transposeA: true, transposeB: false).shape, [3, 3])
        let shapes: [([Int], [Int])] = [([3, 4], [4, 2]), ([2, 3, 4], [4, 5]), ([2, 3, 4], [2, 4, 2]), ([1, 3, 4], [2, 4, 2]),
                                        ([4], [4, 3]), ([3, 4], [4]), ([2, 1, 2, 3], [3, 3, 2])]
        for (i, (sa, sb)) in shapes.enumerated() {
            let x = Check.random(sa, seed: UInt64(30 + i)), y = Check.random(sb, seed: UInt64(40 + i))
            Check.assertFirstAndSecond({ $0[0].matmul($0[1]) }, at: [x, y], "matmul \(sa) \(sb)")
        }
        for (ta, tb) in [(false, true), (true, false), (true, true)] {
            let x = Check.random(ta ? [4, 3] : [3, 4], seed: 50), y = Check.random(tb ? [2, 4] : [4, 2], seed: 51)
            Check.assertFirstAndSecond({ Tensor.matrixProduct($0[0], $0[1], transposeA: ta, transposeB: tb) }, at: [x, y], "matrixProduct \(ta) \(tb)")
        }
    }

    func testConvolutionGradients() {
        // (input shape, weight shape, stride, padding, dilation, groups)
        let cases: [([Int], [Int], Int, Int, Int, Int)] = [
            ([2, 2, 5, 5], [3, 2, 3, 3], 1, 0, 1, 1), ([1, 2, 6, 5], [2, 2, 3, 3], 2, 1, 1, 1),
            ([1, 2, 7, 7], [2, 2, 3, 3], 1, 2, 2, 1), ([2, 4, 5, 5], [4, 2, 3, 3], 2, 1, 1, 2),
            ([1, 1, 6, 6], [2, 1, 5, 5], 2, 2, 1, 1),
        ]
        for (i, (xs, ws, s, p, d, g)) in cases.enumerated() {
            let x = Check.random(xs, seed: UInt64(60 + i)), w = Check.random(ws, seed: UInt64(70 + i)), b = Check.random([ws[0]], seed: 80)
            Check.assertFirstAndSecond({ $0[0].conv2d(weight: $0[1], bias: $0[2], stride: s, padding: p, dilation: d, groups: g) },
                                       at: [x, w, b], "conv2d \(xs) \(ws) s\(s) p\(p) d\(d) g\(g)")
        }
    }

    func testConvTransposeGradients() {
        // (input shape, weight shape [in, out/groups, kh, kw], stride, padding, outputPadding, dilation, groups)
        let cases: [([Int], [Int], Int, Int, Int, Int, Int)] = [
            ([2, 3, 3, 3], [3, 2, 3, 3], 1, 0, 0, 1, 1), ([1, 2, 3, 4], [2, 2, 5, 5], 2, 2, 1, 1, 1),
            ([1, 4, 3, 3], [4, 1, 3, 3], 2, 1, 1, 1, 2), ([1, 2, 3, 3], [2, 1, 3, 3], 1, 1, 0, 2, 1),
        ]
        for (i, (xs, ws, s, p, op, d, g)) in cases.enumerated() {
            let x = Check.random(xs, seed: UInt64(90 + i)), w = Check.random(ws, seed: UInt64(100 + i))
            Check.assertFirstAndSecond({ $0[0].convTranspose2d(weight: $0[1], stride: s, padding: p, outputPadding: op, dilation: d, groups: g) },
                                       at: [x, w], "convTranspose2d \(xs) \(ws) s\(s) p\(p) op\(op) d\(d) g\(g)")
        }
        XCTAssertEqual(Tensor.zeros([1, 256, 7, 7]).convTranspose2d(weight: .zeros([256, 128, 5, 5]), stride: 2, padding: 2, outputPadding: 1).shape,
                       [1, 128, 14, 14])
    }

    func testPoolingAndResampling() {
        // Distinct values 0.05 apart, so finite differences never change a window's maximum.
        var generator = RandomGenerator(seed: 110)
        let x = Tensor(generator.permutation(96).map { Float($0) * 0.05 - 2.4 }, shape: [2, 2, 4, 6])
        let cases: [(String, (Tensor) -> Tensor)] = [
            ("avgPool2d", { $0.avgPool2d(kernelSize: 2) }), ("avgPool2d padded", { $0.avgPool2d(kernelSize: 3, stride: 2, padding: 1) }),
            ("maxPool2d", { $0.maxPool2d(kernelSize: 2).square() }), ("maxPool2d overlapping", { $0.maxPool2d(kernelSize: 3, stride: 1, padding: 1) }),
            ("upsample nearest", { $0.upsample(scale: 2).square() }), ("upsample bilinear", { $0.upsample(scale: 2, mode: .bilinear).square() }),
            ("pixelShuffle", { $0.reshape([2, 8, 2, 3]).pixelShuffle(2).square() }), ("pixelUnshuffle", { $0.pixelUnshuffle(2).square() }),
        ]
        for (name, op) in cases { Check.assertFirstAndSecond({ op($0[0]) }, at: [x], name) }
    }

    func testPoolingAndResamplingValues() {
        let x = Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], shape: [1, 1, 4, 4])
        XCTAssertEqual(x.maxPool2d(kernelSize: 2).scalars, [6, 8, 14, 16])
        XCTAssertEqual(x.maxPool2d(kernelSize: 3, stride: 2, padding: 1).scalars, [6, 8, 14, 16])
        XCTAssertEqual(x.maxPool2d(kernelSize: 3, stride: 1).scalars, [11, 12, 15, 16])
        // Traced or not, the values are the same; traced, the gradient goes to each winner.
        XCTAssertEqual(grad { (x: Tensor) in x.maxPool2d(kernelSize: 2).sum() }(x).scalars,
                       [0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1])
        XCTAssertEqual(x.avgPool2d(kernelSize: 2).scalars, [3.5, 5.5, 11.5, 13.5])
        XCTAssertEqual(Tensor([1, 2], shape: [1, 1, 1, 2]).upsample(scale: 2).scalars, [1, 1, 2, 2, 1, 1, 2, 2])
        // PyTorch: F.interpolate(torch.tensor([[[[1., 3.]]]]), scale_factor=2, mode="bilinear") -> 1, 1.5, 2.5, 3 on each row.
        XCTAssertEqual(Tensor([1, 3], shape: [1, 1, 1, 2]).upsample(scale: 2, mode: .bilinear).scalars, [1, 1.5, 2.5, 3, 1, 1.5, 2.5, 3])
        let shuffled = Tensor((0..<8).map(Float.init), shape: [1, 4, 1, 2]).pixelShuffle(2)
        XCTAssertEqual(shuffled.shape, [1, 1, 2, 4])
        XCTAssertEqual(shuffled.scalars, [0, 2, 1, 3, 4, 6, 5, 7])
        XCTAssertEqual(shuffled.pixelUnshuffle(2).scalars, (0..<8).map(Float.init))
    }
}
