import XCTest
import TensorCore
@testable import Datasets

final class ImageFolderTests: XCTestCase {
    private func writePNG(_ image: PNGImage, _ directory: String, _ name: String) throws {
        try FileManager.default.createDirectory(atPath: (directory as NSString).appendingPathComponent((name as NSString).deletingLastPathComponent),
                                                withIntermediateDirectories: true)
        try image.write(to: (directory as NSString).appendingPathComponent(name))
    }

    func testClassSubfoldersGiveLabels() throws {
        let directory = try makeTemporaryDirectory(self)
        let black = PNGImage(width: 2, height: 2, channels: 1, samples: [0, 0, 0, 0])
        let red = PNGImage(width: 2, height: 2, channels: 4, samples: [UInt16](repeating: 0, count: 16).enumerated().map { $0.offset % 4 == 0 || $0.offset % 4 == 3 ? 255 : 0 })
        try writePNG(black, directory, "cats/b.png")
        try writePNG(black, directory, "cats/a.png")
        try writePNG(red, directory, "dogs/c.png")
        try write([1, 2, 3], to: directory, name: "README.txt")
        let folder = try ImageFolder(directory: directory)
        XCTAssertEqual(folder.classNames, ["cats", "dogs"])
        XCTAssertEqual(folder.labels, [0, 0, 1])
        XCTAssertEqual(folder.files.map { ($0 as NSString).lastPathComponent }, ["a.png", "b.png", "c.png"])
        XCTAssertEqual(folder.sampleShape, [3, 2, 2]) // a color image makes every image RGB
        XCTAssertEqual(folder.sample(at: 2).scalars, [1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1])
        XCTAssertEqual(folder.sample(at: 0).scalars, [Float](repeating: -1, count: 12))
        let gray = try ImageFolder(directory: directory, channels: 1, size: (height: 4, width: 3))
        XCTAssertEqual(gray.sampleShape, [1, 4, 3])
        XCTAssertEqual(gray.sample(at: 2).scalars[0], 0.299 * 2 - 1, accuracy: 1e-4)
    }

    func testFlatFolderSizesAndErrors() throws {
        let directory = try makeTemporaryDirectory(self)
        try writePNG(PNGImage(width: 3, height: 2, channels: 1, samples: [0, 255, 0, 255, 0, 255]), directory, "one.png")
        XCTAssertEqual(try ImageFolder(directory: directory).labels, [0])
        try writePNG(PNGImage(width: 4, height: 2, channels: 1, samples: [UInt16](repeating: 9, count: 8)), directory, "two.png")
        assertDatasetError(try ImageFolder(directory: directory), mentions: ["two.png", "2x4", "2x3"])
        try write([0xFF, 0xD8], to: directory, name: "photo.jpg")
        assertDatasetError(try ImageFolder(directory: directory), mentions: ["photo.jpg", "PNG"])
        assertDatasetError(try ImageFolder(directory: directory + "/missing"), mentions: ["missing", "not found"])
        let empty = try makeTemporaryDirectory(self)
        assertDatasetError(try ImageFolder(directory: empty), mentions: ["no .png"])
        let corrupt = try makeTemporaryDirectory(self)
        try write(Array(PNGImage(width: 2, height: 2, channels: 1, samples: [1, 2, 3, 4]).encoded().dropLast(5)), to: corrupt, name: "bad.png")
        assertDatasetError(try ImageFolder(directory: corrupt), mentions: ["bad.png", "truncated"])
    }
}
