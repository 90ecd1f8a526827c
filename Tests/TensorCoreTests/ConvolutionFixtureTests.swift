import Foundation
import XCTest
import TensorCore

/// conv2d and convTranspose2d forward results against direct-loop NumPy references
/// (Fixtures/make_conv_fixtures.py wrote Fixtures/conv_fixtures.json).
final class ConvolutionFixtureTests: XCTestCase {
    struct Case: Decodable {
        let op: String
        let input: [Float], inputShape: [Int], weight: [Float], weightShape: [Int], bias: [Float]?
        let stride: Int, padding: Int, dilation: Int, groups: Int, outputPadding: Int
        let output: [Float], outputShape: [Int]
    }

    func testForwardMatchesNumPy() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/conv_fixtures", withExtension: "json"))
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let x = Tensor(c.input, shape: c.inputShape), w = Tensor(c.weight, shape: c.weightShape)
            let b = c.bias.map { Tensor($0) }
            let y = c.op == "conv2d"
                ? x.conv2d(weight: w, bias: b, stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups)
                : x.convTranspose2d(weight: w, bias: b, stride: c.stride, padding: c.padding, outputPadding: c.outputPadding,
                                    dilation: c.dilation, groups: c.groups)
            XCTAssertEqual(y.shape, c.outputShape, "\(c.op) \(c.inputShape) \(c.weightShape)")
            GradientChecking.assertClose(y.scalars, c.output, tolerance: 1e-4, "\(c.op) \(c.inputShape) \(c.weightShape)")
        }
    }
}
