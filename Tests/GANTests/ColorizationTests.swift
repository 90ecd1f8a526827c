import Datasets
import Foundation
@testable import GAN
import TensorCore
import XCTest

/// pix2pix's built-in `colorization` task: pair shapes, A is the gray of B (after the random
/// crop and flip as well), the deterministic every-8th-photo split, `--test-data`, and a photo
/// folder without photos refused with an error naming it.
final class ColorizationTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-colorization-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// `count` random colour PNGs of mixed sizes (landscape and portrait) under DIR/sub.
    func writePhotos(_ directory: String, count: Int) throws {
        try FileManager.default.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 3)
        for index in 0..<count {
            let (height, width) = index % 2 == 0 ? (40, 52) : (56, 44)
            var image = ImageBuffer(channels: 3, height: height, width: width)
            for position in image.pixels.indices { image.pixels[position] = rng.nextUniform() * 2 - 1 }
            try PNGImage(image).write(to: directory + (index % 3 == 0 ? "/sub/" : "/") + "photo\(index).png")
        }
    }

    func configuration(_ options: [String: String] = [:]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "pix2pix", dataset: Pix2PixData.colorization)
        configuration.dataDirectory = scratch + "/photos"
        configuration.options = options
        return configuration
    }

    /// Asserts that channels 0..<3 of each `[6, H, W]` pair are the BT.601 gray of channels 3..<6.
    func assertInputIsGrayOfTarget(_ pairs: Tensor, file: StaticString = #filePath, line: UInt = #line) {
        for pair in ImageBuffer.images(from: pairs) {
            let plane = pair.height * pair.width
            let a = Array(pair.pixels[0..<(3 * plane)]), b = Array(pair.pixels[(3 * plane)...])
            var maximum: Float = 0, spread: Float = 0
            for position in 0..<plane {
                let luma = 0.299 * b[position] + 0.587 * b[plane + position] + 0.114 * b[2 * plane + position]
                for channel in 0..<3 { maximum = max(maximum, abs(a[channel * plane + position] - luma)) }
                spread = max(spread, abs(b[position] - b[plane + position]))
            }
            XCTAssertLessThan(maximum, 1e-5, "A is the gray of B", file: file, line: line)
            XCTAssertGreaterThan(spread, 0.1, "B is in colour", file: file, line: line)
        }
    }

    func testPairsAreGrayAndColourCropsWithAnEveryEighthPhotoSplit() throws {
        try writePhotos(scratch + "/photos", count: 17)
        let settings = configuration(["crop-size": "32"])
        let training = try Pix2PixData.openTraining(settings)
        XCTAssertEqual(training.dataset.count, 15, "photos 7 and 15 are held out")
        XCTAssertEqual(training.dataset.sampleShape, [6, 64, 64], "--load-size defaults to twice the crop")
        XCTAssertEqual(training.sampleShape, [6, 32, 32])
        let loader = DataLoader(dataset: training.dataset, batchSize: 5, shuffle: true, seed: 1, prefetchCount: 0, transform: training.transform)
        let batch = loader.batch(epoch: 0, index: 0)
        XCTAssertEqual(batch.samples.shape, [5, 6, 32, 32])
        assertInputIsGrayOfTarget(batch.samples)
        XCTAssertNotEqual(loader.batch(epoch: 1, index: 0).samples.scalars, batch.samples.scalars, "new crops each epoch")

        let (pairs, labels) = try Pix2PixData.testPairs(settings)
        XCTAssertEqual(pairs.shape, [2, 6, 32, 32])
        XCTAssertEqual(labels, [0, 0])
        assertInputIsGrayOfTarget(pairs)
        XCTAssertEqual(try Pix2PixData.testPairs(settings).pairs.scalars, pairs.scalars, "test pairs are deterministic")
        XCTAssertEqual(ColorizationPairs.splitIndices(count: 17).test, [7, 15])

        let defaults = try Pix2PixData.openTraining(configuration())
        XCTAssertEqual(defaults.sampleShape, [6, 64, 64], "crop 64 by default")

        try writePhotos(scratch + "/held-out", count: 3)
        let separate = configuration(["crop-size": "32", "test-data": scratch + "/held-out"])
        XCTAssertEqual(try Pix2PixData.openTraining(separate).dataset.count, 17)
        XCTAssertEqual(try Pix2PixData.testPairs(separate).pairs.shape, [3, 6, 32, 32])
    }

    func testAFolderWithoutPhotosIsNamed() throws {
        let empty = scratch + "/photos"
        try FileManager.default.createDirectory(atPath: empty + "/nested", withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: empty + "/nested/readme.txt"))
        XCTAssertThrowsError(try Pix2PixData.openTraining(configuration())) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(empty), message)
            XCTAssertFalse(message.contains("\n"), message)
        }
        var missing = configuration()
        missing.dataDirectory = nil
        XCTAssertThrowsError(try Pix2PixData.openTraining(missing)) { XCTAssertTrue("\($0)".contains("--data"), "\($0)") }
    }
}
