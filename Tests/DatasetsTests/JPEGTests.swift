import Foundation
import XCTest
@testable import Datasets

final class JPEGTests: XCTestCase {
    private var fixtureDirectory: String { fixturesDirectory + "/jpeg" }

    /// The most libjpeg-turbo's decoding may differ from Pillow's (levels of 0...255). Both use
    /// the accurate integer DCT and fancy upsampling, and on the fixtures they are identical (0
    /// levels); one level allows for another libjpeg release rounding a chroma upsample differently.
    private let pillowTolerance = 1

    private func assertMatchesPillow(_ name: String, channels: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let image = try JPEGImage(contentsOf: fixtureDirectory + "/\(name).jpg")
        let reference = try NumpyArray(contentsOf: fixtureDirectory + "/\(name).npy")
        XCTAssertEqual([image.height, image.width, image.channels], reference.shape, name, file: file, line: line)
        XCTAssertEqual(image.channels, channels, name, file: file, line: line)
        let expected = reference.integerValues()
        XCTAssertEqual(image.samples.count, expected.count, name, file: file, line: line)
        let largest = zip(image.samples, expected).map { abs(Int($0) - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(largest, pillowTolerance, "\(name): differs from Pillow by \(largest) levels", file: file, line: line)
    }

    func testBaselineProgressiveAndFullChromaMatchPillow() throws {
        try assertMatchesPillow("rgb_baseline", channels: 3)
        try assertMatchesPillow("rgb_progressive", channels: 3)
        try assertMatchesPillow("rgb_444", channels: 3)
    }

    func testGrayStaysGray() throws {
        try assertMatchesPillow("gray", channels: 1)
        let buffer = try JPEGImage(contentsOf: fixtureDirectory + "/gray.jpg").imageBuffer(range: 0...1)
        XCTAssertEqual(buffer.shape, [1, 29, 37])
    }

    func testCMYKIsConvertedToRGBAsPillowDoes() throws {
        try assertMatchesPillow("cmyk", channels: 3)
    }

    func testTruncatedAndCorruptFilesThrowNamingTheFile() throws {
        let truncated = fixtureDirectory + "/truncated.jpg"
        assertDatasetError(try JPEGImage(contentsOf: truncated), mentions: [truncated, "truncated"])
        let directory = try makeTemporaryDirectory(self)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtureDirectory + "/rgb_baseline.jpg")))
        // Overwrite the frame header's marker and the bytes after it: the file stays JPEG-signed.
        for index in 2..<min(bytes.count, 400) { bytes[index] = UInt8((index * 37) % 251) }
        let corrupt = try write(bytes, to: directory, name: "corrupt.jpg")
        assertDatasetError(try JPEGImage(contentsOf: corrupt), mentions: [corrupt, "JPEG"])
        let notJPEG = try write(Array("hello".utf8), to: directory, name: "text.jpg")
        assertDatasetError(try JPEGImage(contentsOf: notJPEG), mentions: [notJPEG, "not a JPEG file"])
        let empty = try write([], to: directory, name: "empty.jpg")
        assertDatasetError(try JPEGImage(contentsOf: empty), mentions: [empty])
        // Every prefix of a valid file either throws or decodes; none crashes.
        let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixtureDirectory + "/rgb_progressive.jpg")))
        var failures = 0
        for length in stride(from: 0, to: valid.count, by: 7) {
            do { _ = try JPEGImage(fileBytes: Array(valid[0..<length])) } catch { failures += 1 }
        }
        XCTAssertGreaterThan(failures, valid.count / 7 - 2)
    }

    func testWriterRoundTripsWithinQualityLoss() throws {
        let reference = try JPEGImage(contentsOf: fixtureDirectory + "/rgb_444.jpg")
        let directory = try makeTemporaryDirectory(self)
        var previousError = Double.infinity
        for quality in [50, 90, 100] {
            let path = directory + "/q\(quality).jpg"
            try reference.write(to: path, quality: quality, chromaSubsampling: false)
            let decoded = try JPEGImage(contentsOf: path)
            XCTAssertEqual([decoded.width, decoded.height, decoded.channels], [37, 29, 3])
            let meanError = zip(decoded.samples, reference.samples).map { abs(Double($0) - Double($1)) }.reduce(0, +)
                / Double(reference.samples.count)
            XCTAssertLessThan(meanError, previousError, "quality \(quality)")
            previousError = meanError
        }
        XCTAssertLessThan(previousError, 1.0)
        let gray = try JPEGImage(contentsOf: fixtureDirectory + "/gray.jpg")
        let progressive = try JPEGImage(fileBytes: gray.encoded(quality: 100, progressive: true))
        XCTAssertEqual(progressive.channels, 1)
        XCTAssertLessThanOrEqual(zip(progressive.samples, gray.samples).map { abs(Int($0) - Int($1)) }.max()!, 2)
    }

    func testImageBufferConversionsRoundTrip() throws {
        let image = try JPEGImage(contentsOf: fixtureDirectory + "/rgb_baseline.jpg")
        let buffer = image.imageBuffer()
        XCTAssertEqual(buffer.shape, [3, 29, 37])
        XCTAssertEqual(buffer[1, 2, 3], Float(image.samples[(2 * 37 + 3) * 3 + 1]) / 127.5 - 1, accuracy: 1e-6)
        XCTAssertEqual(JPEGImage(buffer), image)
        let rgba = ImageBuffer(channels: 4, height: 1, width: 1, pixels: [1, -1, 0, 1])
        XCTAssertEqual(JPEGImage(rgba).samples, [255, 0, 128])
    }
}
