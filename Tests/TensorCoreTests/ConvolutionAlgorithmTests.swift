import XCTest
@testable import TensorCore

/// Every convolution algorithm against the im2col reference, on odd shapes: all three maps
/// (forward, transposed, weight gradient) for each geometry.
final class ConvolutionAlgorithmTests: XCTestCase {
    struct Case {
        let batch: Int, channels: Int, outputChannels: Int, height: Int, width: Int
        let kernel: (Int, Int), geometry: ConvolutionGeometry
    }

    static let stride1Cases: [Case] = [
        Case(batch: 3, channels: 5, outputChannels: 7, height: 7, width: 7, kernel: (5, 5),
             geometry: ConvolutionGeometry(padding: (2, 2))),
        Case(batch: 1, channels: 3, outputChannels: 4, height: 9, width: 6, kernel: (3, 5),
             geometry: ConvolutionGeometry(padding: (1, 3))),
        Case(batch: 5, channels: 2, outputChannels: 3, height: 8, width: 11, kernel: (3, 3),
             geometry: ConvolutionGeometry(padding: (0, 0), dilation: (2, 3))),
        Case(batch: 2, channels: 6, outputChannels: 5, height: 5, width: 5, kernel: (5, 4),
             geometry: ConvolutionGeometry(padding: (4, 1), dilation: (1, 2))),
        Case(batch: 4, channels: 3, outputChannels: 2, height: 3, width: 13, kernel: (1, 1),
             geometry: ConvolutionGeometry()),
        Case(batch: 3, channels: 33, outputChannels: 35, height: 7, width: 7, kernel: (5, 5),
             geometry: ConvolutionGeometry(padding: (2, 2))),
    ]

    static let stridedCases: [Case] = [
        Case(batch: 3, channels: 4, outputChannels: 6, height: 14, width: 14, kernel: (5, 5),
             geometry: ConvolutionGeometry(stride: (2, 2), padding: (2, 2))),
        Case(batch: 1, channels: 3, outputChannels: 5, height: 13, width: 11, kernel: (5, 5),
             geometry: ConvolutionGeometry(stride: (2, 2), padding: (2, 2))),
        Case(batch: 2, channels: 5, outputChannels: 3, height: 11, width: 9, kernel: (3, 4),
             geometry: ConvolutionGeometry(stride: (2, 3), padding: (1, 2))),
        Case(batch: 3, channels: 2, outputChannels: 4, height: 12, width: 7, kernel: (3, 3),
             geometry: ConvolutionGeometry(stride: (3, 1), padding: (2, 0), dilation: (2, 1))),
        Case(batch: 2, channels: 3, outputChannels: 3, height: 5, width: 8, kernel: (2, 2),
             geometry: ConvolutionGeometry(stride: (4, 3), padding: (0, 1), dilation: (1, 3))),
        Case(batch: 5, channels: 33, outputChannels: 34, height: 15, width: 14, kernel: (5, 5),
             geometry: ConvolutionGeometry(stride: (2, 2), padding: (2, 2))),
        // A U-Net's innermost maps: most kernel offsets see only padding.
        Case(batch: 2, channels: 34, outputChannels: 33, height: 2, width: 2, kernel: (4, 4),
             geometry: ConvolutionGeometry(stride: (2, 2), padding: (1, 1))),
        Case(batch: 3, channels: 33, outputChannels: 35, height: 1, width: 1, kernel: (4, 4),
             geometry: ConvolutionGeometry(stride: (2, 2), padding: (1, 1))),
    ]

    /// Rows longer than one 16-float vector, with a partial last one.
    static let longRowCases: [Case] = [
        Case(batch: 2, channels: 3, outputChannels: 4, height: 5, width: 37, kernel: (3, 5),
             geometry: ConvolutionGeometry(padding: (1, 2))),
        Case(batch: 2, channels: 2, outputChannels: 3, height: 4, width: 40, kernel: (2, 3),
             geometry: ConvolutionGeometry(stride: (1, 2), padding: (0, 1))),
    ]

    func outputSize(_ c: Case) -> (Int, Int) {
        (c.geometry.outputSize(input: c.height, kernel: c.kernel.0, axis: 0),
         c.geometry.outputSize(input: c.width, kernel: c.kernel.1, axis: 1))
    }

    func assertAlgorithmMatchesColumns(_ algorithm: ConvolutionKernels.Algorithm, _ cases: [Case],
                                       file: StaticString = #filePath, line: UInt = #line) {
        for (index, c) in cases.enumerated() {
            let seed = UInt64(index * 3)
            let g = c.geometry, size = outputSize(c)
            let x = GradientChecking.random([c.batch, c.channels, c.height, c.width], seed: seed)
            let w = GradientChecking.random([c.outputChannels, c.channels / g.groups, c.kernel.0, c.kernel.1], seed: seed + 1)
            let y = GradientChecking.random([c.batch, c.outputChannels, size.0, size.1], seed: seed + 2)
            let label = "\(algorithm) case \(index)"
            let forward = ConvolutionKernels.forward(x, w, geometry: g, outputSize: size, algorithm: algorithm)
            let forwardReference = ConvolutionKernels.forward(x, w, geometry: g, outputSize: size, algorithm: .columns)
            XCTAssertEqual(forward.shape, forwardReference.shape, label, file: file, line: line)
            GradientChecking.assertClose(forward.scalars, forwardReference.scalars, tolerance: 1e-4, "\(label) forward")
            let transposed = ConvolutionKernels.transposed(y, w, geometry: g, inputSize: (c.height, c.width), algorithm: algorithm)
            let transposedReference = ConvolutionKernels.transposed(y, w, geometry: g, inputSize: (c.height, c.width),
                                                                    algorithm: .columns)
            XCTAssertEqual(transposed.shape, x.shape, label, file: file, line: line)
            GradientChecking.assertClose(transposed.scalars, transposedReference.scalars, tolerance: 1e-4, "\(label) transposed")
            let dw = ConvolutionKernels.weightGradient(x, y, geometry: g, weightShape: w.shape, algorithm: algorithm)
            let dwReference = ConvolutionKernels.weightGradient(x, y, geometry: g, weightShape: w.shape, algorithm: .columns)
            XCTAssertEqual(dw.shape, w.shape, label, file: file, line: line)
            GradientChecking.assertClose(dw.scalars, dwReference.scalars, tolerance: 1e-3, "\(label) weight gradient")
        }
    }

    /// Calls `body(xIndex, wIndex, yIndex)` for every multiply of a direct-loop convolution.
    func forEachProduct(_ c: Case, _ body: (Int, Int, Int) -> Void) {
        let g = c.geometry, size = outputSize(c)
        let groupIn = c.channels / g.groups, groupOut = c.outputChannels / g.groups
        for n in 0..<c.batch {
            for o in 0..<c.outputChannels {
                let group = o / groupOut
                for oh in 0..<size.0 {
                    for ow in 0..<size.1 {
                        let yIndex = ((n * c.outputChannels + o) * size.0 + oh) * size.1 + ow
                        for ci in 0..<groupIn {
                            for ki in 0..<c.kernel.0 {
                                let ih = oh * g.stride.0 - g.padding.0 + ki * g.dilation.0
                                guard ih >= 0 && ih < c.height else { continue }
                                for kj in 0..<c.kernel.1 {
                                    let iw = ow * g.stride.1 - g.padding.1 + kj * g.dilation.1
                                    guard iw >= 0 && iw < c.width else { continue }
                                    let xIndex = ((n * c.channels + group * groupIn + ci) * c.height + ih) * c.width + iw
                                    let wIndex = ((o * groupIn + ci) * c.kernel.0 + ki) * c.kernel.1 + kj
                                    body(xIndex, wIndex, yIndex)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The im2col maps (one GEMM written straight into y, or read straight from it, for a
    /// single sample; a block copy for several) against direct loops.
    func testColumnsMatchDirectLoops() {
        let cases = Self.stride1Cases + Self.stridedCases + [
            Case(batch: 1, channels: 6, outputChannels: 4, height: 7, width: 5, kernel: (3, 3),
                 geometry: ConvolutionGeometry(stride: (2, 1), padding: (1, 1), groups: 2)),
            Case(batch: 3, channels: 6, outputChannels: 9, height: 6, width: 7, kernel: (2, 3),
                 geometry: ConvolutionGeometry(padding: (1, 0), dilation: (2, 1), groups: 3)),
            Case(batch: 1, channels: 40, outputChannels: 37, height: 9, width: 9, kernel: (3, 3),
                 geometry: ConvolutionGeometry()),
        ] + Self.longRowCases
        for (index, c) in cases.enumerated() {
            let g = c.geometry, size = outputSize(c), seed = UInt64(100 + index * 3)
            let x = GradientChecking.random([c.batch, c.channels, c.height, c.width], seed: seed)
            let w = GradientChecking.random([c.outputChannels, c.channels / g.groups, c.kernel.0, c.kernel.1], seed: seed + 1)
            let y = GradientChecking.random([c.batch, c.outputChannels, size.0, size.1], seed: seed + 2)
            let (xs, ws, ys) = (x.scalars, w.scalars, y.scalars)
            var forward = [Float](repeating: 0, count: ys.count), transposed = [Float](repeating: 0, count: xs.count)
            var dw = [Float](repeating: 0, count: ws.count)
            forEachProduct(c) { xi, wi, yi in
                forward[yi] += xs[xi] * ws[wi]
                transposed[xi] += ys[yi] * ws[wi]
                dw[wi] += xs[xi] * ys[yi]
            }
            let label = "columns case \(index)"
            GradientChecking.assertClose(ConvolutionKernels.forward(x, w, geometry: g, outputSize: size, algorithm: .columns).scalars,
                                         forward, tolerance: 1e-4, "\(label) forward")
            GradientChecking.assertClose(ConvolutionKernels.transposed(y, w, geometry: g, inputSize: (c.height, c.width),
                                                                       algorithm: .columns).scalars,
                                         transposed, tolerance: 1e-4, "\(label) transposed")
            GradientChecking.assertClose(ConvolutionKernels.weightGradient(x, y, geometry: g, weightShape: w.shape,
                                                                           algorithm: .columns).scalars,
                                         dw, tolerance: 1e-3, "\(label) weight gradient")
        }
    }

    /// The AVX-512 kernels (im2col and col2im rows, the shifted GEMM's relayouts) against the
    /// portable loops they replace, bit for bit: on this CPU the loops run only when switched off.
    func testPortableLoopsMatchTheVectorKernelsBitForBit() throws {
        guard VectorKernels.isEnabled else { throw XCTSkip("the AVX-512 kernels do not run on this CPU: only the portable loops do") }
        for algorithm in [ConvolutionKernels.Algorithm.columns, .shiftedGemm] {
            for (index, c) in (Self.stride1Cases + Self.stridedCases + Self.longRowCases).enumerated() {
                let g = c.geometry, size = outputSize(c), seed = UInt64(200 + index * 3)
                let x = GradientChecking.random([c.batch, c.channels, c.height, c.width], seed: seed)
                let w = GradientChecking.random([c.outputChannels, c.channels, c.kernel.0, c.kernel.1], seed: seed + 1)
                let y = GradientChecking.random([c.batch, c.outputChannels, size.0, size.1], seed: seed + 2)
                func maps() -> [[Float]] {
                    [ConvolutionKernels.forward(x, w, geometry: g, outputSize: size, algorithm: algorithm).scalars,
                     ConvolutionKernels.transposed(y, w, geometry: g, inputSize: (c.height, c.width), algorithm: algorithm).scalars,
                     ConvolutionKernels.weightGradient(x, y, geometry: g, weightShape: w.shape, algorithm: algorithm).scalars]
                }
                let kernels = maps()
                let loops = VectorKernels.withPortableLoops { () -> [[Float]] in
                    XCTAssertFalse(VectorKernels.isEnabled, "the switch turns the kernels off")
                    return maps()
                }
                XCTAssertTrue(VectorKernels.isEnabled, "the switch is restored")
                for (name, (a, b)) in zip(["forward", "transposed", "weight gradient"], zip(kernels, loops)) {
                    let largest = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
                    XCTAssertTrue(a == b, "\(algorithm) case \(index) \(name): kernels and loops differ by up to \(largest)")
                }
            }
        }
    }

    func testShiftedGemmMatchesColumns() {
        assertAlgorithmMatchesColumns(.shiftedGemm, Self.stride1Cases)
    }

    func testStridedShiftedGemmMatchesColumns() {
        assertAlgorithmMatchesColumns(.shiftedGemm, Self.stridedCases)
    }

    func testFlippedMatchesColumns() {
        let mirrorable = Self.stride1Cases.filter { c in
            ConvolutionKernels.flippedGeometry(c.geometry, kernel: c.kernel) != nil
        }
        XCTAssertEqual(mirrorable.count, Self.stride1Cases.count)
        assertAlgorithmMatchesColumns(.flipped, mirrorable + [
            Case(batch: 2, channels: 9, outputChannels: 3, height: 10, width: 7, kernel: (9, 9),
                 geometry: ConvolutionGeometry(padding: (4, 4))),
            Case(batch: 1, channels: 2, outputChannels: 6, height: 6, width: 5, kernel: (3, 2),
                 geometry: ConvolutionGeometry(padding: (0, 1))),
        ])
    }

    func testChoiceMirrorsStride1ConvolutionsToTheirSmallerSide() {
        let same = ConvolutionGeometry(padding: (4, 4))
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [16, 32, 48, 48], weight: [3, 32, 9, 9], geometry: same), .flipped,
                       "SRResNet's tail: unfold the 3-channel side")
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [16, 3, 12, 12], weight: [32, 3, 9, 9], geometry: same), .columns,
                       "SRResNet's head: the input side is already the smaller")
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [16, 32, 48, 48], weight: [3, 32, 9, 9],
                                                    geometry: ConvolutionGeometry(stride: (2, 2), padding: (4, 4))), .columns)
    }

    func testChoiceFallsBackToColumnsForGroupsAndFewChannels() {
        let strided = ConvolutionGeometry(stride: (2, 1), padding: (1, 1))
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [64, 64, 9, 9], weight: [64, 64, 3, 3], geometry: strided), .shiftedGemm)
        let grouped = ConvolutionGeometry(padding: (1, 1), groups: 2)
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [64, 64, 9, 9], weight: [64, 32, 3, 3], geometry: grouped), .columns)
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [64, 1, 9, 9], weight: [64, 1, 3, 3], geometry: ConvolutionGeometry()), .columns)
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [64, 64, 7, 7], weight: [128, 64, 5, 5],
                                                    geometry: ConvolutionGeometry(padding: (2, 2))), .shiftedGemm)
    }

    func testChoiceFallsBackToColumnsForFewPositions() {
        // A ResNet generator's blocks at batch 1 (7x7 from a reflection-padded 9x9), a U-Net's
        // inner maps at batch 2: few positions, large weights.
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [1, 256, 9, 9], weight: [256, 256, 3, 3],
                                                    geometry: ConvolutionGeometry()), .columns)
        let down = ConvolutionGeometry(stride: (2, 2), padding: (1, 1))
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [2, 512, 8, 8], weight: [1024, 512, 4, 4], geometry: down), .columns)
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [2, 64, 128, 128], weight: [128, 64, 4, 4], geometry: down), .shiftedGemm)
        // dcgan's generator at batch 64: 64·7·7 = 3136 positions.
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [64, 128, 7, 7], weight: [256, 128, 5, 5],
                                                    geometry: ConvolutionGeometry(padding: (2, 2))), .shiftedGemm)
        XCTAssertEqual(ConvolutionKernels.algorithm(input: [8, 128, 7, 7], weight: [256, 128, 5, 5],
                                                    geometry: ConvolutionGeometry(padding: (2, 2))), .columns)
    }

    /// Through the public ops, where the choice is automatic: a channel-rich stride-1
    /// convolution and its transpose differentiate as finite differences say.
    func testAutomaticChoiceThroughOpsGradients() {
        let x = GradientChecking.random([2, 32, 3, 4], seed: 40)
        let w = GradientChecking.random([32, 32, 3, 3], seed: 41) * 0.1
        GradientChecking.assertGradient({ p in p[0].conv2d(weight: w, padding: 1).square().sum() }, at: [x],
                                        tolerance: 2e-2, "conv2d")
        GradientChecking.assertGradient({ p in p[0].convTranspose2d(weight: w, padding: 1).square().sum() }, at: [x],
                                        tolerance: 2e-2, "convTranspose2d")
    }

    /// Through the public ops on a shape large enough for the shifted GEMMs: the gradients of
    /// sum(conv(x, w)²) are 2·transposed(y, w) and 2·weightGradient(x, y) by im2col.
    func testAutomaticShiftedChoiceThroughOpsGradients() {
        let g = ConvolutionGeometry(padding: (1, 1))
        let x = GradientChecking.random([64, 32, 8, 5], seed: 42)
        let w = GradientChecking.random([33, 32, 3, 3], seed: 43) * 0.1
        XCTAssertEqual(ConvolutionKernels.algorithm(input: x.shape, weight: w.shape, geometry: g), .shiftedGemm)
        let gradients = grad({ p in p[0].conv2d(weight: p[1], padding: 1).square().sum() })([x, w])
        let y = ConvolutionKernels.forward(x, w, geometry: g, outputSize: (8, 5), algorithm: .columns)
        let dx = ConvolutionKernels.transposed(y, w, geometry: g, inputSize: (8, 5), algorithm: .columns)
        let dw = ConvolutionKernels.weightGradient(x, y, geometry: g, weightShape: w.shape, algorithm: .columns)
        GradientChecking.assertClose(gradients[0].scalars, (dx * 2).scalars, tolerance: 1e-3, "conv2d input gradient")
        GradientChecking.assertClose(gradients[1].scalars, (dw * 2).scalars, tolerance: 1e-3, "conv2d weight gradient")
    }
}
