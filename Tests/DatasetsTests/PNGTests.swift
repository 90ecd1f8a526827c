import Foundation
import XCTest
import TensorCore
@testable import Datasets

final class PNGTests: XCTestCase {
    private struct FixtureCase: Decodable {
        let name: String, width: Int, height: Int, channels: Int, bitDepth: Int, samples: [Int]
    }

    private var fixtureDirectory: String {
        fixturesDirectory + "/png"
    }

    /// The fixtures written by Fixtures/make_png_fixtures.py with an independent encoder:
    /// every color type, bit depth and filter type, palettes with tRNS, Adam7.
    func testDecodesEveryFixture() throws {
        let manifest = try Data(contentsOf: URL(fileURLWithPath: fixtureDirectory + "/manifest.json"))
        let cases = try JSONDecoder().decode([FixtureCase].self, from: manifest)
        XCTAssertGreaterThanOrEqual(cases.count, 27)
        for fixture in cases {
            let image = try PNGImage(contentsOf: fixtureDirectory + "/\(fixture.name).png")
            XCTAssertEqual(image.width, fixture.width, fixture.name)
            XCTAssertEqual(image.height, fixture.height, fixture.name)
            XCTAssertEqual(image.channels, fixture.channels, fixture.name)
            XCTAssertEqual(image.bitDepth, fixture.bitDepth, fixture.name)
            XCTAssertEqual(image.samples.map(Int.init), fixture.samples, fixture.name)
        }
    }

    func testWriterRoundTripsEveryChannelCountAndDepth() throws {
        for channels in 1...4 {
            for bitDepth in [8, 16] {
                let width = 7, height = 5
                let samples = (0..<(width * height * channels)).map { UInt16(($0 * 2_654_435_761) % (1 << bitDepth)) }
                let image = PNGImage(width: width, height: height, channels: channels, bitDepth: bitDepth, samples: samples)
                let bytes = image.encoded()
                XCTAssertEqual(Array(bytes[0..<8]), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                XCTAssertEqual(try PNGImage(fileBytes: bytes), image, "channels \(channels), depth \(bitDepth)")
            }
        }
    }

    func testWriterChunkCRCsMatchZlib() {
        let image = PNGImage(width: 2, height: 2, channels: 3, samples: [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9])
        let bytes = image.encoded()
        var offset = 8, types: [String] = []
        while offset < bytes.count {
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            types.append(String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self))
            let stored = bytes[(offset + 8 + length)..<(offset + 12 + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let computed = bytes.withUnsafeBytes { Zlib.crc32(UnsafeRawBufferPointer(rebasing: $0[(offset + 4)..<(offset + 8 + length)])) }
            XCTAssertEqual(stored, computed)
            offset += 12 + length
        }
        XCTAssertEqual(types, ["IHDR", "IDAT", "IEND"])
        // CRC-32 of "IEND" is the well-known AE 42 60 82.
        XCTAssertEqual(Array(bytes.suffix(4)), [0xAE, 0x42, 0x60, 0x82])
    }

    func testFloatConversionsMapTheRange() {
        let buffer = ImageBuffer(channels: 2, height: 1, width: 2, pixels: [-1, 1, 0, 5])
        let png = PNGImage(buffer, range: -1...1)
        XCTAssertEqual(png.samples, [0, 128, 255, 255]) // interleaved: (c0, c1) per pixel, 5 clamped
        let back = png.imageBuffer(range: -1...1)
        XCTAssertEqual(back.pixels[0], -1)
        XCTAssertEqual(back.pixels[1], 1)
        XCTAssertEqual(back.pixels[2], Float(128) / 255 * 2 - 1, accuracy: 1e-6)
    }

    func testBadCRCTruncationAndFlippedBytesThrowWithoutCrashing() throws {
        let directory = try makeTemporaryDirectory(self)
        let samples = (0..<(16 * 12 * 3)).map { UInt16(($0 * 31) % 256) }
        let good = PNGImage(width: 16, height: 12, channels: 3, samples: samples).encoded()
        var badCRC = good
        badCRC[good.count - 13] ^= 0x40 // last byte of the IDAT CRC
        let crcPath = try write(badCRC, to: directory, name: "crc.png")
        assertDatasetError(try PNGImage(contentsOf: crcPath), mentions: [crcPath, "CRC", "IDAT"])
        let cutPath = try write(Array(good[..<(good.count - 30)]), to: directory, name: "cut.png")
        assertDatasetError(try PNGImage(contentsOf: cutPath), mentions: [cutPath, "truncated"])
        for length in 0..<good.count {
            XCTAssertThrowsError(try PNGImage(fileBytes: Array(good[..<length])), "length \(length)")
        }
        var generator = SplitMixForTests(seed: 5)
        for _ in 0..<400 {
            var corrupt = good
            corrupt[8 + Int(generator.next() % UInt64(corrupt.count - 8))] ^= UInt8(1 + generator.next() % 255)
            // CRCs catch every flip in a chunk; flips in length fields make it truncated or corrupt.
            XCTAssertThrowsError(try PNGImage(fileBytes: corrupt))
        }
    }

    func testTruncatedIDATWithValidCRCs() throws {
        // A file whose IDAT holds a zlib stream cut short, with CRCs recomputed so only the data is wrong.
        let samples = [UInt16](repeating: 200, count: 20 * 20)
        let png = PNGImage(width: 20, height: 20, channels: 1, samples: samples)
        var rows: [UInt8] = []
        for _ in 0..<20 { rows += [0] + [UInt8](repeating: 200, count: 20) }
        let stream = Zlib.compress(rows)
        var header: [UInt8] = []
        header.appendBigEndian(20); header.appendBigEndian(20); header += [8, 0, 0, 0, 0]
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes.appendChunk("IHDR", header)
        bytes.appendChunk("IDAT", Array(stream.prefix(stream.count - 6)))
        bytes.appendChunk("IEND", [])
        assertDatasetError(try PNGImage(fileBytes: bytes), mentions: ["IDAT", "truncated"])
        // A complete stream of too few rows.
        var short: [UInt8] = Array(bytes[0..<33])
        short.appendChunk("IDAT", Zlib.compress(Array(rows.prefix(rows.count - 21))))
        short.appendChunk("IEND", [])
        assertDatasetError(try PNGImage(fileBytes: short), mentions: ["IDAT", "truncated"])
        XCTAssertEqual(try PNGImage(fileBytes: png.encoded()), png)
    }

    func testBadFilterTypeAndPaletteIndex() throws {
        var header: [UInt8] = []
        header.appendBigEndian(2); header.appendBigEndian(1); header += [8, 3, 0, 0, 0]
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes.appendChunk("IHDR", header)
        bytes.appendChunk("PLTE", [1, 2, 3])
        var badFilter = bytes
        badFilter.appendChunk("IDAT", Zlib.compress([7, 0, 0]))
        badFilter.appendChunk("IEND", [])
        assertDatasetError(try PNGImage(fileBytes: badFilter), mentions: ["filter type 7"])
        var badIndex = bytes
        badIndex.appendChunk("IDAT", Zlib.compress([0, 0, 5]))
        badIndex.appendChunk("IEND", [])
        assertDatasetError(try PNGImage(fileBytes: badIndex), mentions: ["palette index 5"])
    }

    func testGridLayoutPaddingAndRange() {
        // Four 1-channel 2x2 images with values -1, 0, 1, 3 (3 is clamped).
        let scalars: [Float] = [-1, -1, -1, -1, 0, 0, 0, 0, 1, 1, 1, 1, 3, 3, 3, 3]
        let grid = ImageGrid.make(Tensor(scalars, shape: [4, 1, 2, 2]), padding: 1, paddingValue: 0.25)
        XCTAssertEqual(grid.shape, [1, 7, 7])
        XCTAssertEqual(grid[0, 0, 0], 0.25)
        XCTAssertEqual(grid[0, 1, 1], 0)    // first image, top left
        XCTAssertEqual(grid[0, 1, 4], 0.5)  // second image, same row
        XCTAssertEqual(grid[0, 4, 1], 1)    // third image, second row
        XCTAssertEqual(grid[0, 5, 5], 1)    // fourth image, clamped
        XCTAssertEqual(grid[0, 3, 3], 0.25) // padding between images
        let oneRow = ImageGrid.make(Tensor(scalars, shape: [4, 1, 2, 2]), rows: 1, padding: 0)
        XCTAssertEqual(oneRow.shape, [1, 2, 8])
        let rgb = ImageGrid.make(Tensor([Float](repeating: 0, count: 3 * 3 * 4 * 5), shape: [3, 3, 4, 5]), rows: 2, padding: 2)
        XCTAssertEqual(rgb.shape, [3, 2 * 6 + 2, 2 * 7 + 2])
    }

    func testGridWritesADecodablePNG() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = (directory as NSString).appendingPathComponent("grid.png")
        let images = Tensor((0..<(6 * 3 * 4 * 4)).map { Float($0 % 9) / 4 - 1 }, shape: [6, 3, 4, 4])
        try ImageGrid.write(images, to: path, rows: 2)
        let decoded = try PNGImage(contentsOf: path)
        XCTAssertEqual(decoded.channels, 3)
        XCTAssertEqual(decoded.width, 3 * 6 + 2)
        XCTAssertEqual(decoded.height, 2 * 6 + 2)
    }
}
