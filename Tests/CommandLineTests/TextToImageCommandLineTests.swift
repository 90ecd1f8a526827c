import Foundation
import XCTest
import Datasets
import TensorCore

/// text2image from the command line: training on a caption folder, `gankit generate` with
/// --text and --captions, and the caption mistakes users make (one-line errors, non-zero exit).
final class TextToImageCommandLineTests: GankitTestCase {
    /// A folder of 8 gray 28x28 PNGs, each with two captions in NAME.txt.
    func makeCaptionFolder(_ name: String) throws {
        let folder = "\(scratch!)/\(name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 1)
        for index in 0..<8 {
            let dark = index % 2 == 0
            let pixels = Tensor.uniform([784], low: -1, high: dark ? -0.5 : 1, generator: &rng).scalars
            try PNGImage(ImageBuffer(channels: 1, height: 28, width: 28, pixels: pixels)).write(to: "\(folder)/image\(index).png")
            try "a \(dark ? "dark" : "bright") noise picture\n\nnoise that is \(dark ? "dark" : "bright")\n"
                .write(toFile: "\(folder)/image\(index).txt", atomically: true, encoding: .utf8)
        }
    }

    func options(of run: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(scratch!)/\(run)/config.json"))
        return try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["options"] as? [String: String])
    }

    func testTurnedOffSettingsAreKeptOnResumeAndChangingThemIsRefused() throws {
        try makeCaptionFolder("captioned")
        let common = ["train", "text2image", "--dataset", "captioned", "--pretrain-steps", "1", "--batch", "4", "--generator-width", "8", "--out", "plain"]
        let (status, output) = try gankit(common + ["--steps", "2", "--no-projection-term", "--matching-weight", "0"])
        XCTAssertEqual(status, 0, output)
        let saved = try options(of: "plain")
        XCTAssertEqual(saved["projection-term"], "false")
        XCTAssertEqual(saved["matching-weight"], "0.0")
        let (resumed, resumedOutput) = try gankit(["train", "text2image", "--dataset", "captioned", "--out", "plain", "--resume", "--steps", "3"])
        XCTAssertEqual(resumed, 0, resumedOutput)
        XCTAssertEqual(try options(of: "plain"), saved)
        try assertFails(["train", "text2image", "--dataset", "captioned", "--out", "plain", "--resume", "--steps", "4", "--projection-term"],
                        saying: ["trained with other settings"])
    }

    func testTrainGenerateAndCaptionErrors() throws {
        try makeCaptionFolder("captioned")
        let (status, output) = try gankit(["train", "text2image", "--dataset", "captioned", "--steps", "3", "--pretrain-steps", "1",
                                           "--batch", "4", "--generator-width", "8", "--out", "t2i"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/t2i/checkpoints/vocabulary.json"))
        // A new run records the measured defaults: projection term and matching loss on.
        XCTAssertEqual(try options(of: "t2i"), ["pretrain-steps": "1", "generator-width": "8", "projection-term": "true", "matching-weight": "1.0"])

        let (generated, generatedOutput) = try gankit(["generate", "--run", "t2i", "--text", "a dark picture", "--count", "3",
                                                       "--out", "dark.npy", "--grid", "dark.png"])
        XCTAssertEqual(generated, 0, generatedOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/dark.npy").shape, [3, 1, 28, 28])
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/dark.png"))

        // More lines than --count: the first --count lines are drawn, with a note.
        try "a dark picture\nbright noise\nnoise that is dark\n".write(toFile: scratch + "/three.txt", atomically: true, encoding: .utf8)
        let (first, firstOutput) = try gankit(["generate", "--run", "t2i", "--captions", "three.txt", "--count", "2", "--out", "two.npy"])
        XCTAssertEqual(first, 0, firstOutput)
        XCTAssertTrue(firstOutput.contains("drawing the first 2"), firstOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/two.npy").shape, [2, 1, 28, 28])
        let (all, allOutput) = try gankit(["generate", "--run", "t2i", "--captions", "three.txt", "--out", "all.npy"])
        XCTAssertEqual(all, 0, allOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/all.npy").shape, [3, 1, 28, 28], "one sample a line")

        // Unknown words: a warning; only unknown words or an empty caption: a one-line error.
        let (warned, warnedOutput) = try gankit(["generate", "--run", "t2i", "--text", "a dark zebra", "--out", "z.npy"])
        XCTAssertEqual(warned, 0, warnedOutput)
        XCTAssertTrue(warnedOutput.contains("unknown words ignored: zebra"), warnedOutput)
        for (arguments, fragment) in [(["--text", ""], "the caption is empty"), (["--text", "zebra quux"], "no word of \"zebra quux\"")] {
            let message = try assertFails(["generate", "--run", "t2i"] + arguments + ["--out", "bad.npy"], saying: [fragment])
            XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        }
        try "a dark picture\n\nbright noise\n".write(toFile: scratch + "/blank.txt", atomically: true, encoding: .utf8)
        try assertFails(["generate", "--run", "t2i", "--captions", "blank.txt", "--out", "bad.npy"], saying: ["blank.txt line 2", "empty"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/bad.npy"))
    }
}
