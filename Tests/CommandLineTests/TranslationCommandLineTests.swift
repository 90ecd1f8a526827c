import Datasets
import Foundation
import XCTest

/// `gankit train pix2pix` and `gankit translate` from the command line: a tiny run on an A|B
/// folder, translations of a folder, a PNG and a .npy, and one-line errors for bad inputs.
final class TranslationCommandLineTests: GankitTestCase {
    /// `assertFails`, and the message is one line.
    @discardableResult
    override func assertFails(_ arguments: [String], saying fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let output = try super.assertFails(arguments, saying: fragments, file: file, line: line)
        XCTAssertLessThanOrEqual(output.split(separator: "\n").count, 1, "one line: \(output)", file: file, line: line)
        return output
    }

    func writeImage(_ path: String, height: Int, width: Int, channels: Int = 3) throws {
        var image = ImageBuffer(channels: channels, height: height, width: width)
        for index in image.pixels.indices { image.pixels[index] = Float(index % 7) / 7 - 0.5 }
        try PNGImage(image).write(to: path)
    }

    func testTrainTranslateAndBadInputs() throws {
        for split in ["train", "test"] {
            try FileManager.default.createDirectory(atPath: "\(scratch!)/pairs/\(split)", withIntermediateDirectories: true)
            for index in 0..<4 { try writeImage("\(scratch!)/pairs/\(split)/\(index).png", height: 32, width: 64) }
        }
        let (status, output) = try gankit(["train", "pix2pix", "--data", "pairs", "--steps", "2", "--batch", "2", "--ngf", "4", "--ndf", "4", "--out", "run"])
        XCTAssertEqual(status, 0, output)
        try FileManager.default.createDirectory(atPath: scratch + "/in", withIntermediateDirectories: true)
        try writeImage(scratch + "/in/first.png", height: 32, width: 32)
        try writeImage(scratch + "/in/second.jpg.png", height: 32, width: 32, channels: 1)
        let (folderStatus, folderOutput) = try gankit(["translate", "--run", "run", "--input", "in", "--out", "out"])
        XCTAssertEqual(folderStatus, 0, folderOutput)
        for name in ["first.png", "second.jpg.png"] {
            let image = try ImageBuffer(contentsOf: scratch + "/out/" + name)
            XCTAssertEqual(image.shape, [3, 32, 32])
        }
        let (fileStatus, fileOutput) = try gankit(["translate", "--run", "run", "--input", "in/first.png", "--out", "one.npy"])
        XCTAssertEqual(fileStatus, 0, fileOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/one.npy").shape, [1, 3, 32, 32])
        let (npyStatus, npyOutput) = try gankit(["translate", "--run", "run", "--input", "one.npy", "--out", "two.png"])
        XCTAssertEqual(npyStatus, 0, npyOutput)

        // Bad inputs: wrong size, a folder without train/, an odd-width pair, the other direction.
        try writeImage(scratch + "/big.png", height: 64, width: 64)
        try assertFails(["translate", "--run", "run", "--input", "big.png", "--out", "x.png"], saying: ["big.png", "64x64", "32x32"])
        try assertFails(["translate", "--run", "run", "--input", "in", "--out", "x", "--direction", "b-to-a"], saying: ["cyclegan"])
        try FileManager.default.createDirectory(atPath: scratch + "/empty/test", withIntermediateDirectories: true)
        try assertFails(["train", "pix2pix", "--data", "empty", "--out", "r2"], saying: ["empty", "no train/ folder"])
        try FileManager.default.createDirectory(atPath: scratch + "/odd/train", withIntermediateDirectories: true)
        try writeImage(scratch + "/odd/train/bad.png", height: 32, width: 63)
        try assertFails(["train", "pix2pix", "--data", "odd", "--out", "r3"], saying: ["bad.png", "odd width 63"])
        try assertFails(["train", "pix2pix", "--data", "pairs", "--out", "r4", "--crop-size", "24"], saying: ["--crop-size"])
        try assertFails(["train", "pix2pix", "--data", "pairs", "--out", "r5", "--batch", "2", "--norm", "layer"], saying: ["--norm", "layer"])
    }
}
