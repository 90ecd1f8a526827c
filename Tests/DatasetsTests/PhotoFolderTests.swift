import Foundation
import XCTest
@testable import Datasets

final class PhotoFolderTests: XCTestCase {
    /// A folder tree of PNGs and JPEGs (color, gray, 16-bit, in subfolders), plus files that must
    /// be ignored (text, hidden) and one that must be skipped (a damaged JPEG).
    private func makePhotoTree() throws -> (directory: String, expected: [String: PhotoFolder.Photo]) {
        let directory = try makeTemporaryDirectory(self)
        for sub in ["b/deeper", "a", ".hidden"] {
            try FileManager.default.createDirectory(atPath: directory + "/" + sub, withIntermediateDirectories: true)
        }
        var expected: [String: PhotoFolder.Photo] = [:]
        let rgbSamples = (0..<(4 * 5 * 3)).map { UInt16(($0 * 37) % 256) }
        try PNGImage(width: 5, height: 4, channels: 3, samples: rgbSamples).write(to: directory + "/b/deeper/color.png")
        expected["b/deeper/color.png"] = .init(height: 4, width: 5, samples: rgbSamples.map { UInt8($0) })
        let graySamples: [UInt16] = [0, 65535, 32768, 257, 1000, 2000]
        try PNGImage(width: 3, height: 2, channels: 1, bitDepth: 16, samples: graySamples).write(to: directory + "/a/gray16.PNG")
        expected["a/gray16.PNG"] = .init(height: 2, width: 3, samples: [0, 255, 128, 1, 4, 8].flatMap { [$0, $0, $0] })
        let jpegSource = fixturesDirectory + "/jpeg/"
        try FileManager.default.copyItem(atPath: jpegSource + "rgb_progressive.jpg", toPath: directory + "/photo.jpeg")
        expected["photo.jpeg"] = .init(height: 29, width: 37, samples: try JPEGImage(contentsOf: jpegSource + "rgb_progressive.jpg").samples)
        try FileManager.default.copyItem(atPath: jpegSource + "gray.jpg", toPath: directory + "/a/gray.jpg")
        expected["a/gray.jpg"] = .init(height: 29, width: 37, samples: try JPEGImage(contentsOf: jpegSource + "gray.jpg").samples.flatMap { [$0, $0, $0] })
        try FileManager.default.copyItem(atPath: jpegSource + "truncated.jpg", toPath: directory + "/b/broken.jpg")
        try FileManager.default.copyItem(atPath: jpegSource + "rgb_444.jpg", toPath: directory + "/.hidden/ignored.jpg")
        try write(Array("not an image".utf8), to: directory, name: "notes.txt")
        try write(Array("not an image".utf8), to: directory + "/a", name: ".DS_Store.png")
        return (directory, expected)
    }

    func testFindsImagesRecursivelyInSortedOrderAndSkipsBrokenOnes() throws {
        let (directory, expected) = try makePhotoTree()
        var warnings: [String] = []
        let photos = try PhotoFolder(directory: directory) { warnings.append($0) }
        XCTAssertEqual(photos.files, ["a/gray.jpg", "a/gray16.PNG", "b/deeper/color.png", "photo.jpeg"].map { directory + "/" + $0 })
        for (file, photo) in zip(photos.files, photos.photos) {
            XCTAssertEqual(photo, expected[String(file.dropFirst(directory.count + 1))], file)
        }
        XCTAssertEqual(photos.skippedFiles.map(\.file), [directory + "/b/broken.jpg"])
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains(directory + "/b/broken.jpg") && warnings[0].contains("truncated"), warnings[0])
        XCTAssertTrue(photos.size(at: 2) == (4, 5))
    }

    func testImagesAndCropsAreRGBInTheRequestedRange() throws {
        let (directory, _) = try makePhotoTree()
        let photos = try PhotoFolder(directory: directory) { _ in }
        let color = photos.image(at: 2, range: 0...255)
        XCTAssertEqual(color.shape, [3, 4, 5])
        XCTAssertEqual(color[1, 2, 3], Float(photos.photos[2].samples[(2 * 5 + 3) * 3 + 1]))
        let gray = photos.image(at: 0)
        XCTAssertEqual(gray.shape, [3, 29, 37])
        XCTAssertEqual(Array(gray.pixels[0..<(29 * 37)]), Array(gray.pixels[(29 * 37)..<(2 * 29 * 37)]))
        let crop = photos.crop(at: 3, top: 5, left: 7, height: 8, width: 9)
        XCTAssertEqual(crop, photos.image(at: 3).cropped(top: 5, left: 7, height: 8, width: 9))
        XCTAssertEqual(photos.image(at: 3), try ImageBuffer(contentsOf: photos.files[3]))
    }

    func testFoldersWithoutReadableImagesAreErrorsNamingTheFolder() throws {
        let empty = try makeTemporaryDirectory(self)
        try write(Array("text".utf8), to: empty, name: "readme.md")
        assertDatasetError(try PhotoFolder(directory: empty) { _ in }, mentions: [empty, "no .png, .jpg or .jpeg"])
        let broken = try makeTemporaryDirectory(self)
        try write(Array("text".utf8), to: broken, name: "fake.png")
        try write([0xFF, 0xD8, 0xFF, 0xE0], to: broken, name: "cut.jpg")
        var warnings = 0
        assertDatasetError(try PhotoFolder(directory: broken) { _ in warnings += 1 }, mentions: [broken, "none of its 2 image files"])
        XCTAssertEqual(warnings, 2)
        assertDatasetError(try PhotoFolder(directory: broken + "/missing"), mentions: [broken + "/missing", "not found"])
    }
}
