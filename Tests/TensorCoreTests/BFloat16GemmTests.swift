import CKernels
import XCTest
@testable import TensorCore

/// The bf16 GEMM (bf16-rounded inputs, float32 sums) against a reference summed in Double from
/// the same rounded inputs, on odd shapes, every transpose, alpha/beta and padded leading
/// dimensions; the rounding against known bit patterns; and `MatmulPrecision` switching the
/// products of matmul and the convolutions, forward and backward.
final class BFloat16GemmTests: XCTestCase {
    override func tearDown() {
        try? MatmulPrecision.select(.float32)
    }

    func requireBFloat16() throws {
        guard MatmulPrecision.isBFloat16Available else { throw XCTSkip("this CPU has no AVX-512 BF16") }
    }

    // MARK: Rounding (always runs: the Swift reference)

    func testRoundingToNearestEvenOnKnownBitPatterns() {
        let cases: [(UInt32, UInt16)] = [
            (0x3F80_0000, 0x3F80),  // 1
            (0x3F80_7FFF, 0x3F80),  // just below half an ulp: down
            (0x3F80_8000, 0x3F80),  // tie, even below: down
            (0x3F81_8000, 0x3F82),  // tie, odd below: up to even
            (0x3F80_8001, 0x3F81),  // just above half: up
            (0xBF81_8000, 0xBF82),  // negative tie: magnitude to even
            (0x7F7F_FFFF, 0x7F80),  // the largest float rounds to infinity
            (0x7F80_0000, 0x7F80),  // +infinity
            (0xFF80_0000, 0xFF80),  // -infinity
            (0x0000_0000, 0x0000), (0x8000_0000, 0x8000),
            (0x0000_0001, 0x0000), (0x807F_FFFF, 0x8000),  // subnormals: zero of their sign
            (0x0080_0000, 0x0080),  // the smallest normal stays
            (0x4049_0FDB, 0x4049),  // pi
        ]
        for (input, expected) in cases {
            XCTAssertEqual(MatmulPrecision.bfloat16Bits(Float(bitPattern: input)), expected,
                           String(format: "%08x", input))
        }
        // NaNs stay NaN (quiet, sign kept), even those whose payload sits in the low bits only.
        for input: UInt32 in [0x7FC0_0000, 0x7F80_0001, 0xFF80_0001, 0x7FFF_FFFF] {
            let bits = MatmulPrecision.bfloat16Bits(Float(bitPattern: input))
            XCTAssertTrue(Float(bitPattern: UInt32(bits) << 16).isNaN, String(format: "%08x", input))
            XCTAssertEqual(bits & 0x8000, UInt16(input >> 16) & 0x8000)
        }
        XCTAssertEqual(MatmulPrecision.roundedToBFloat16(1 + 1 / 256), 1)
        XCTAssertEqual(MatmulPrecision.roundedToBFloat16(1 + 3 / 256), 1 + 1 / 64)
    }

    func testTheKernelRoundsAsTheReference() throws {
        try requireBFloat16()
        var patterns: [UInt32] = [0x3F80_0000, 0x3F80_7FFF, 0x3F80_8000, 0x3F81_8000, 0x3F80_8001, 0xBF81_8000,
                                  0x7F7F_FFFF, 0x7F80_0000, 0xFF80_0000, 0, 0x8000_0000, 1, 0x807F_FFFF, 0x0080_0000,
                                  0x7FC0_0000, 0x7F80_0001, 0xFF80_0001]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 { patterns.append(UInt32.random(in: 0...UInt32.max, using: &generator)) }
        let inputs = patterns.map { Float(bitPattern: $0) }
        var outputs = [UInt16](repeating: 0xDEAD, count: inputs.count + 1)
        XCTAssertTrue(gankit_bf16_round(inputs, &outputs, inputs.count))
        XCTAssertEqual(outputs.last, 0xDEAD, "nothing written past the end")
        for (input, output) in zip(inputs, outputs) {
            let expected = MatmulPrecision.bfloat16Bits(input)
            if input.isNaN {
                XCTAssertTrue(Float(bitPattern: UInt32(output) << 16).isNaN, String(format: "%08x", input.bitPattern))
            } else {
                XCTAssertEqual(output, expected, String(format: "%08x", input.bitPattern))
            }
        }
    }

    // MARK: The kernel

    /// c = alpha op(a) op(b) + beta c summed in Double from bf16-rounded inputs.
    func reference(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: [Float], lda: Int,
                   b: [Float], ldb: Int, beta: Float, c: [Float], ldc: Int) -> (values: [Float], magnitudes: [Double]) {
        var out = c, magnitudes = [Double](repeating: 0, count: c.count)
        let ra = a.map(MatmulPrecision.roundedToBFloat16), rb = b.map(MatmulPrecision.roundedToBFloat16)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let x = Double(transposeA ? ra[p * lda + i] : ra[i * lda + p])
                    let y = Double(transposeB ? rb[j * ldb + p] : rb[p * ldb + j])
                    sum += x * y
                    magnitude += abs(x * y)
                }
                let previous = beta == 0 ? 0 : Double(beta) * Double(c[i * ldc + j])
                out[i * ldc + j] = Float(Double(alpha) * sum + previous)
                magnitudes[i * ldc + j] = abs(Double(alpha)) * magnitude + abs(previous)
            }
        }
        return (out, magnitudes)
    }

    func check(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float, beta: Float, padding: Int,
               generator: inout RandomGenerator, file: StaticString = #filePath, line: UInt = #line) {
        let lda = (transposeA ? m : k) + padding, ldb = (transposeB ? k : n) + padding, ldc = n + padding
        let a = Tensor.randn([(transposeA ? k : m) * lda], generator: &generator).scalars
        let b = Tensor.randn([(transposeB ? n : k) * ldb], generator: &generator).scalars
        // With beta 0, C starts as NaN (it must not be read); the padding columns must stay as they are.
        var c = beta == 0 ? [Float](repeating: .nan, count: m * ldc) : Tensor.randn([m * ldc], generator: &generator).scalars
        for i in 0..<m { for j in n..<ldc { c[i * ldc + j] = 1234.5 } }
        let (expected, magnitudes) = reference(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                               a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        XCTAssertTrue(gankit_bf16_gemm(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, &c, ldc), file: file, line: line)
        let label = "\(transposeA ? "T" : "N")\(transposeB ? "T" : "N") m \(m) n \(n) k \(k) alpha \(alpha) beta \(beta) padding \(padding)"
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<ldc {
                let index = i * ldc + j
                if j >= n {
                    XCTAssertEqual(c[index], 1234.5, "\(label): padding column \(j) written", file: file, line: line)
                    continue
                }
                // float32 sums over k: a few ulps of the magnitude per term.
                let tolerance = 4e-7 * Double(k + 2) * magnitudes[index] + 1e-30
                let error = abs(Double(c[index]) - Double(expected[index]))
                worst = max(worst, error / tolerance)
            }
        }
        XCTAssertLessThanOrEqual(worst, 1, "\(label): error / tolerance", file: file, line: line)
    }

    func testAgainstTheReferenceOnOddShapesAndEveryTranspose() throws {
        try requireBFloat16()
        var generator = RandomGenerator(seed: 11)
        let sizes = [1, 7, 17, 33, 65, 130]
        var index = 0
        for transposeA in [false, true] {
            for transposeB in [false, true] {
                for m in sizes {
                    for n in sizes {
                        for k in sizes {
                            // Alpha/beta and padded leading dimensions in turn.
                            let (alpha, beta, padding): (Float, Float, Int) = [(1, 0, 0), (0.75, -0.5, 3), (-2, 1, 1), (1, 0, 5)][index % 4]
                            index += 1
                            check(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, beta: beta,
                                  padding: padding, generator: &generator)
                        }
                    }
                }
            }
        }
    }

    func testAcrossTheCacheBlocks() throws {
        try requireBFloat16()
        var generator = RandomGenerator(seed: 12)
        // k over several k blocks (odd remainders), n over several column blocks, m over row blocks.
        for (m, n, k) in [(5, 600, 513), (257, 40, 301), (131, 1030, 257), (9, 33, 1024)] {
            for (transposeA, transposeB) in [(false, false), (true, true), (false, true), (true, false)] {
                check(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 0.5, beta: 0.25, padding: 2,
                      generator: &generator)
            }
        }
    }

    func testTheInputsAreRoundedAndNotFloat32() throws {
        try requireBFloat16()
        // 1 + 2^-10 rounds to 1 in bf16: the product is exactly k, not k (1 + 2^-10)^2.
        let k = 8
        let a = [Float](repeating: 1 + 1 / 1024, count: k), b = [Float](repeating: 1 + 1 / 1024, count: k)
        var c: [Float] = [0]
        XCTAssertTrue(gankit_bf16_gemm(false, false, 1, 1, k, 1, a, k, b, 1, 0, &c, 1))
        XCTAssertEqual(c[0], Float(k))
        // NaN in, NaN out.
        var nanA = a
        nanA[3] = .nan
        XCTAssertTrue(gankit_bf16_gemm(false, false, 1, 1, k, 1, nanA, k, b, 1, 0, &c, 1))
        XCTAssertTrue(c[0].isNaN)
        // k = 0 scales c by beta.
        c = [4]
        XCTAssertTrue(gankit_bf16_gemm(false, false, 1, 1, 0, 1, a, 1, b, 1, 0.5, &c, 1))
        XCTAssertEqual(c[0], 2)
    }

    // MARK: The precision switch

    func testMatmulUnderBFloat16EqualsTheProductOfRoundedInputs() throws {
        try requireBFloat16()
        var generator = RandomGenerator(seed: 13)
        // Large enough for Gemm's parallel split (rows, then columns).
        for (m, n, k) in [(300, 70, 129), (33, 700, 65)] {
            let a = Tensor.randn([m, k], generator: &generator), b = Tensor.randn([k, n], generator: &generator)
            let exact = a.matmul(b)
            let rounded = Tensor(a.scalars.map(MatmulPrecision.roundedToBFloat16), shape: [m, k])
                .matmul(Tensor(b.scalars.map(MatmulPrecision.roundedToBFloat16), shape: [k, n]))
            try MatmulPrecision.select(.bfloat16)
            let product = a.matmul(b)
            try MatmulPrecision.select(.float32)
            let toRounded = zip(product.scalars, rounded.scalars).map { abs($0 - $1) }.max()!
            let toExact = zip(product.scalars, exact.scalars).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(toRounded, 1e-4, "m \(m) n \(n) k \(k)")
            XCTAssertGreaterThan(toExact, 10 * toRounded, "the bf16 products differ from float32's")
        }
    }

    func testConvolutionsForwardAndBackwardUnderBFloat16() throws {
        try requireBFloat16()
        var generator = RandomGenerator(seed: 14)
        func round(_ t: Tensor) -> Tensor { Tensor(t.scalars.map(MatmulPrecision.roundedToBFloat16), shape: t.shape) }
        // The first runs on the shifted GEMMs (64 samples x 49 positions, 32+ channels), the second on im2col.
        for (batch, channels, outputs, size) in [(64, 32, 48, 14), (3, 5, 7, 9)] {
            let x = Tensor.randn([batch, channels, size, size], generator: &generator)
            let w = Tensor.randn([outputs, channels, 5, 5], standardDeviation: 0.1, generator: &generator)
            let apply = { (p: [Tensor]) in p[0].conv2d(weight: p[1], stride: 2, padding: 2) }
            let (reference, referencePullback) = vjp(apply, at: [round(x), round(w)])
            let cotangent = Tensor.randn(reference.shape, generator: &generator)
            let referenceGradients = referencePullback(round(cotangent))
            try MatmulPrecision.select(.bfloat16)
            let (y, pullback) = vjp(apply, at: [x, w])
            let gradients = pullback(cotangent)
            try MatmulPrecision.select(.float32)
            for (name, got, expected) in [("y", y, reference), ("dx", gradients[0], referenceGradients[0]),
                                          ("dw", gradients[1], referenceGradients[1])] {
                let scale = expected.scalars.map(abs).max()!
                let error = zip(got.scalars, expected.scalars).map { abs($0 - $1) }.max()!
                XCTAssertLessThan(error, 3e-5 * scale + 1e-6, "\(name), batch \(batch)")
            }
        }
    }

    func testSelectingBFloat16WhereItIsMissingIsRefused() throws {
        if MatmulPrecision.isBFloat16Available {
            XCTAssertNoThrow(try MatmulPrecision.select(.bfloat16))
            XCTAssertEqual(MatmulPrecision.current, .bfloat16)
        } else {
            XCTAssertThrowsError(try MatmulPrecision.select(.bfloat16)) { error in
                XCTAssertEqual("\(error)", "--precision bf16 needs a CPU with AVX-512 BF16; this one has none: use --precision fp32")
            }
            XCTAssertEqual(MatmulPrecision.current, .float32)
        }
        try MatmulPrecision.select(.float32)
        XCTAssertEqual(MatmulPrecision.current, .float32)
    }
}
