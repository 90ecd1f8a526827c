import Datasets
import Foundation
import XCTest

/// `gankit train cyclegan`, `gankit translate --direction` and `gankit eval` on a tiny
/// trainA/trainB folder, and one-line errors for bad inputs.
final class CycleGANCommandLineTests: GankitTestCase {
    @discardableResult
    override func assertFails(_ arguments: [String], saying fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let output = try super.assertFails(arguments, saying: fragments, file: file, line: line)
        XCTAssertLessThanOrEqual(output.split(separator: "\n").count, 1, "one line: \(output)", file: file, line: line)
        return output
    }

    func writeImage(_ path: String, side: Int, shift: Int) throws {
        var image = ImageBuffer(channels: 1, height: side, width: side)
        for index in image.pixels.indices { image.pixels[index] = Float((index + shift) % 5) / 5 - 0.5 }
        try PNGImage(image).write(to: path)
    }

    func testTrainTranslateBothWaysEvaluateAndBadInputs() throws {
        for folder in ["trainA", "trainB", "testA", "testB"] {
            try FileManager.default.createDirectory(atPath: "\(scratch!)/horses/\(folder)", withIntermediateDirectories: true)
            for index in 0..<3 { try writeImage("\(scratch!)/horses/\(folder)/\(index).png", side: 16, shift: index + folder.count) }
        }
        let (status, output) = try gankit(["train", "cyclegan", "--data", "horses", "--steps", "3", "--batch", "1", "--ngf", "2", "--ndf", "2",
                                           "--blocks", "1", "--pool-size", "2", "--out", "run"])
        XCTAssertEqual(status, 0, output)  // batch 1, as the paper: no BatchNorm in CycleGAN
        for direction in ["a-to-b", "b-to-a"] {
            let (translateStatus, translateOutput) = try gankit(["translate", "--run", "run", "--input", "horses/testA", "--out", "out-\(direction)",
                                                                 "--direction", direction])
            XCTAssertEqual(translateStatus, 0, translateOutput)
            XCTAssertEqual(try ImageBuffer(contentsOf: scratch + "/out-\(direction)/1.png").shape, [1, 16, 16])
        }
        let (evalStatus, evalOutput) = try gankit(["eval", "--run", "run"])
        XCTAssertEqual(evalStatus, 0, evalOutput)
        XCTAssertTrue(evalOutput.contains("cycle L1"), evalOutput)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/run/eval-translations.png"))

        try writeImage(scratch + "/big.png", side: 20, shift: 0)
        try assertFails(["translate", "--run", "run", "--input", "big.png", "--out", "x.png", "--direction", "b-to-a"], saying: ["big.png", "20x20", "16x16"])
        try assertFails(["translate", "--run", "run", "--input", "big.png", "--out", "x.png", "--direction", "sideways"], saying: ["--direction"])
        try FileManager.default.createDirectory(atPath: scratch + "/onlyB/trainB", withIntermediateDirectories: true)
        try assertFails(["train", "cyclegan", "--data", "onlyB", "--out", "r2"], saying: ["onlyB", "no trainA/ folder"])
        try assertFails(["train", "cyclegan", "--dataset", "fashion-mnist", "--domains", "7", "--out", "r3"], saying: ["--domains", "not 7"])
        try assertFails(["train", "cyclegan", "--data", "horses", "--domains", "1,2", "--out", "r4"], saying: ["--domains"])
    }
}
