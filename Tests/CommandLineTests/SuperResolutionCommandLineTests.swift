import Datasets
import Foundation
import TensorCore
import XCTest

/// `gankit train srresnet|srgan`, `upscale` and `eval` on a tiny photo folder as a user meets
/// them, and their bad inputs: one-line errors naming the file or flag, a non-zero exit.
extension CommandLineTests {
    /// Three small RGB photos (two PNG, one JPEG) under `photos/` in the scratch folder.
    func makePhotoFolder() throws {
        try FileManager.default.createDirectory(atPath: scratch + "/photos", withIntermediateDirectories: true)
        for index in 0..<3 {
            let height = 36 + 4 * index, width = 44 - 4 * index
            var samples = [UInt8](repeating: 0, count: height * width * 3)
            for row in 0..<height {
                for column in 0..<width {
                    let base = (row * width + column) * 3
                    samples[base] = UInt8((row * 7 + column * 3 + index * 50) % 256)
                    samples[base + 1] = UInt8(((column / 2 + row / 5) % 2) * 160 + 40)
                    samples[base + 2] = UInt8((row * column + index * 31) % 256)
                }
            }
            if index == 2 {
                try JPEGImage(width: width, height: height, channels: 3, samples: samples).write(to: scratch + "/photos/c.jpg")
            } else {
                try PNGImage(width: width, height: height, channels: 3, samples: samples.map(UInt16.init)).write(to: scratch + "/photos/p\(index).png")
            }
        }
    }

    func testSuperResolutionFromTheCommandLine() throws {
        try makePhotoFolder()
        let small = ["--data", "photos", "--patch-size", "32", "--patches-per-photo", "2", "--batch", "2"]
        let (trained, trainOutput) = try gankit(["train", "srresnet"] + small + ["--blocks", "1", "--channels", "4", "--steps", "2", "--out", "sr"])
        XCTAssertEqual(trained, 0, trainOutput)
        // Resuming needs only --out: the flags not given keep their saved values; a changed one is refused.
        let (resumed, resumeOutput) = try gankit(["train", "srresnet", "--data", "photos", "--out", "sr", "--resume", "--steps", "3"])
        XCTAssertEqual(resumed, 0, resumeOutput)
        XCTAssertTrue(resumeOutput.contains("done: 3 steps"), resumeOutput)
        try assertFails(["train", "srresnet", "--data", "photos", "--out", "sr", "--resume", "--steps", "4", "--blocks", "2"],
                        saying: ["config.json", "--resume"])
        // srgan takes its settings from its --init run: no --blocks/--channels/--patch-size needed.
        let (refined, refineOutput) = try gankit(["train", "srgan", "--data", "photos", "--batch", "2", "--init", "sr", "--d-channels", "4",
                                                  "--steps", "1", "--out", "gan"])
        XCTAssertEqual(refined, 0, refineOutput)
        let config = try String(contentsOfFile: scratch + "/gan/config.json", encoding: .utf8)
        for setting in ["\"blocks\" : \"1\"", "\"channels\" : \"4\"", "\"patch-size\" : \"32\"", "\"patches-per-photo\" : \"2\""] {
            XCTAssertTrue(config.contains(setting), config)
        }

        let (upscaled, upscaleOutput) = try gankit(["upscale", "--run", "gan", "--input", "photos/p1.png", "--out", "p1x4.png"])
        XCTAssertEqual(upscaled, 0, upscaleOutput)
        let picture = try PNGImage(contentsOf: scratch + "/p1x4.png")
        XCTAssertEqual([picture.width, picture.height, picture.channels], [40 * 4, 40 * 4, 3])
        var rng = RandomGenerator(seed: 2)
        try NumpyArray(Tensor.uniform([2, 3, 7, 9], low: -1, high: 1, generator: &rng)).write(to: scratch + "/odd.npy")
        let (batch, batchOutput) = try gankit(["upscale", "--run", "sr", "--input", "odd.npy", "--out", "oddx4.npy"])
        XCTAssertEqual(batch, 0, batchOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/oddx4.npy").shape, [2, 3, 28, 36])

        let (evaluated, evalOutput) = try gankit(["eval", "--run", "gan", "--data", "photos"])
        XCTAssertEqual(evaluated, 0, evalOutput)
        XCTAssertTrue(evalOutput.contains("bicubic") && evalOutput.contains("PSNR"), evalOutput)

        // Bad inputs.
        try assertFails(["upscale", "--run", "sr", "--input", "missing.png", "--out", "x.png"], saying: ["missing.png"])
        try Data("not a png".utf8).write(to: URL(fileURLWithPath: scratch + "/broken.png"))
        try assertFails(["upscale", "--run", "sr", "--input", "broken.png", "--out", "y.png"], saying: ["broken.png"])
        try NumpyArray(Tensor.zeros([1, 2, 8, 8])).write(to: scratch + "/twochannel.npy")
        try assertFails(["upscale", "--run", "sr", "--input", "twochannel.npy", "--out", "g.npy"], saying: ["twochannel.npy", "[N, 3, H, W]"])
        try assertFails(["upscale", "--run", "photos", "--input", "odd.npy", "--out", "z.npy"], saying: ["photos"])
        try assertFails(["train", "srgan"] + small + ["--init", "nowhere", "--steps", "1", "--out", "gan2"], saying: ["--init", "nowhere"])
        try assertFails(["train", "srresnet"] + ["--data", "photos", "--patch-size", "20", "--steps", "1", "--out", "sr2"], saying: ["--patch-size", "20"])
        try FileManager.default.createDirectory(atPath: scratch + "/empty", withIntermediateDirectories: true)
        try assertFails(["train", "srresnet", "--data", "empty", "--steps", "1", "--out", "sr3"], saying: ["empty"])
        try assertFails(["eval", "--run", "sr", "--data", "empty"], saying: ["empty"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/y.png"), "nothing written for a failed upscale")
    }
}
