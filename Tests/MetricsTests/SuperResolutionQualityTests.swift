import Datasets
import Foundation
import Metrics
import XCTest

/// PSNR and SSIM against scikit-image (Fixtures/make_super_resolution_fixtures.py).
final class SuperResolutionQualityTests: XCTestCase {
    private func images() throws -> (output: ImageBuffer, reference: ImageBuffer) {
        (ImageBuffer(try MetricFixtures.tensor("sr_output_image")), ImageBuffer(try MetricFixtures.tensor("sr_reference_image")))
    }

    private func expected() throws -> [String: Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: try MetricFixtures.path("sr_quality", "json")))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }

    /// Within 1e-6 relative of scikit-image: both work in Float64 from the same Float32 pixels,
    /// so only summation order differs.
    func testMatchesScikitImage() throws {
        let (output, reference) = try images()
        let values = try expected()
        XCTAssertEqual(values.count, 6)
        let measured: [String: Double] = [
            "psnr_y_border4": PeakSignalToNoiseRatio.between(output, reference, channels: .luma, border: 4, range: 0...1),
            "ssim_y_border4": StructuralSimilarity.between(output, reference, channels: .luma, border: 4, range: 0...1),
            "ssim_y_border0": StructuralSimilarity.between(output, reference, channels: .luma, border: 0, range: 0...1),
            "psnr_rgb_border0": PeakSignalToNoiseRatio.between(output, reference, channels: .allChannels, range: 0...1),
            "psnr_rgb_border4": PeakSignalToNoiseRatio.between(output, reference, channels: .allChannels, border: 4, range: 0...1),
            "ssim_rgb_border4": StructuralSimilarity.between(output, reference, channels: .allChannels, border: 4, range: 0...1),
        ]
        for (name, value) in measured {
            assertRelativelyClose(value, try XCTUnwrap(values[name], name), tolerance: 1e-6, name)
        }
    }

    func testRangeIdentityAndOrdering() throws {
        let (output, reference) = try images()
        // The same images stored in [-1, 1] give the same numbers.
        let toSigned = { (image: ImageBuffer) in ImageBuffer(channels: 3, height: image.height, width: image.width, pixels: image.pixels.map { $0 * 2 - 1 }) }
        XCTAssertEqual(PeakSignalToNoiseRatio.between(toSigned(output), toSigned(reference), border: 4),
                       PeakSignalToNoiseRatio.between(output, reference, border: 4, range: 0...1), accuracy: 1e-5)
        XCTAssertEqual(StructuralSimilarity.between(toSigned(output), toSigned(reference), border: 4),
                       StructuralSimilarity.between(output, reference, border: 4, range: 0...1), accuracy: 1e-7)
        XCTAssertEqual(PeakSignalToNoiseRatio.between(reference, reference), .infinity)
        XCTAssertEqual(StructuralSimilarity.between(reference, reference, channels: .allChannels), 1, accuracy: 1e-12)
        // A uniform error of 1/255 on every channel is 1 level in RGB: PSNR 20 log10(255) = 48.13 dB.
        let shifted = ImageBuffer(channels: 3, height: reference.height, width: reference.width,
                                  pixels: reference.pixels.map { $0 + 1 / 255 })
        XCTAssertEqual(PeakSignalToNoiseRatio.between(shifted, reference, channels: .allChannels, range: 0...1),
                       20 * log10(255), accuracy: 1e-3)
        // and (65.481 + 128.553 + 24.966) / 255 = 219/255 of a level in Y.
        XCTAssertEqual(PeakSignalToNoiseRatio.between(shifted, reference, channels: .luma, range: 0...1),
                       20 * log10(255 * 255 / 219), accuracy: 1e-3)
    }
}
