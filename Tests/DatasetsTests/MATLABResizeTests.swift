import Foundation
import XCTest
@testable import Datasets

final class MATLABResizeTests: XCTestCase {
    private func fixture(_ name: String) throws -> ImageBuffer {
        ImageBuffer(try NumpyArray(contentsOf: fixturesDirectory + "/imresize/\(name).npy").tensor())
    }

    /// Each case against the NumPy port of imresize.m in Fixtures/make_imresize_fixtures.py
    /// (float64 there, Float32 here: values in [0, 1] agree within 1e-6; measured 1.8e-7).
    func testMatchesTheNumPyPortOfImresize() throws {
        let input = try fixture("input")
        let cases: [(String, ImageBuffer)] = [
            ("down2", input.resizedLikeMATLAB(scale: 1.0 / 2)), ("down3", input.resizedLikeMATLAB(scale: 1.0 / 3)),
            ("down4", input.resizedLikeMATLAB(scale: 1.0 / 4)), ("up2", input.resizedLikeMATLAB(scale: 2)),
            ("up3", input.resizedLikeMATLAB(scale: 3)), ("up4", input.resizedLikeMATLAB(scale: 4)),
            ("scale0.6", input.resizedLikeMATLAB(scale: 0.6)), ("scale1.7", input.resizedLikeMATLAB(scale: 1.7)),
            ("size10x25", input.resizedLikeMATLAB(height: 10, width: 25)),
            ("size30x7", input.resizedLikeMATLAB(height: 30, width: 7)),
        ]
        for (name, output) in cases {
            let expected = try fixture(name)
            XCTAssertEqual(output.shape, expected.shape, name)
            guard output.shape == expected.shape else { continue }
            let largest = zip(output.pixels, expected.pixels).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(largest, 1e-6, "\(name): differs from the reference by \(largest)")
        }
    }

    /// MATLAB's well-known weights: a x2 shrink averages 8 taps (-3, -9, 29, 111, 111, 29, -9, -3)/256
    /// and a x2 enlargement's first pixel reads the mirrored border with (-3, 29, 111, -9)/128.
    func testKernelWeightsAndSymmetricBorder() {
        let shrink = ResamplingTable(inputSize: 16, outputSize: 8, matlabScale: 0.5)
        let row = shrink.offsets[3]..<shrink.offsets[4]
        XCTAssertEqual(Array(shrink.indices[row]), Array(3...10))
        for (weight, expected) in zip(shrink.weights[row], [-3, -9, 29, 111, 111, 29, -9, -3] as [Float]) {
            XCTAssertEqual(weight, expected / 256, accuracy: 1e-7)
        }
        let enlarge = ResamplingTable(inputSize: 4, outputSize: 8, matlabScale: 2)
        let first = enlarge.offsets[0]..<enlarge.offsets[1]
        XCTAssertEqual(Array(enlarge.indices[first]), [1, 0, 0, 1])
        for (weight, expected) in zip(enlarge.weights[first], [-3, 29, 111, -9] as [Float]) {
            XCTAssertEqual(weight, expected / 128, accuracy: 1e-7)
        }
    }

    func testOutputSizesAndConstants() {
        XCTAssertEqual(ImageBuffer.matlabOutputSize(300, scale: 1.0 / 3), 100)
        XCTAssertEqual(ImageBuffer.matlabOutputSize(7, scale: 0.5), 4)
        let constant = ImageBuffer(channels: 3, height: 13, width: 9, filledWith: 0.25)
        for scale in [0.25, 1.0 / 3, 0.5, 0.7, 2, 3, 4] {
            let resized = constant.resizedLikeMATLAB(scale: scale)
            XCTAssertEqual(resized.shape, [3, Int((13 * scale).rounded(.up)), Int((9 * scale).rounded(.up))], "scale \(scale)")
            XCTAssertLessThanOrEqual(resized.pixels.map { abs($0 - 0.25) }.max()!, 1e-6, "scale \(scale)")
        }
    }
}
