import Datasets
import Foundation
import TensorCore
import XCTest

/// `gankit train anomaly`, `gankit detect` and `gankit eval` on an anomaly run, as a user meets
/// them: a tiny run on a folder of normal 8x8 images, scores, and clear errors for inputs of
/// the wrong shape, range or type.
final class AnomalyCommandLineTests: GankitTestCase {
    func writeNormalImages(count: Int) throws -> String {
        let folder = scratch + "/normal"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 1)
        for index in 0..<count {
            let pixels = Tensor.uniform([64], low: -1, high: 0, generator: &rng).scalars
            try PNGImage(ImageBuffer(channels: 1, height: 8, width: 8, pixels: pixels)).write(to: String(format: "%@/%02d.png", folder, index))
        }
        return folder
    }

    func testTrainDetectAndEvalFromTheCommandLine() throws {
        _ = try writeNormalImages(count: 20)
        func train(steps: Int) -> [String] {
            ["train", "anomaly", "--data", "normal", "--method", "ganomaly", "--steps", String(steps), "--batch", "4",
             "--width", "4", "--latent-size", "3", "--out", "run"]
        }
        let (status, output) = try gankit(train(steps: 4))
        XCTAssertEqual(status, 0, output)
        let (resumed, resumeOutput) = try gankit(train(steps: 6) + ["--resume"])
        XCTAssertEqual(resumed, 0, resumeOutput)
        XCTAssertTrue(resumeOutput.contains("resuming at step 4"), resumeOutput)

        // Good inputs: a .npy batch, one PNG, a folder of PNGs.
        var rng = RandomGenerator(seed: 2)
        try NumpyArray(Tensor.uniform([5, 1, 8, 8], low: -1, high: 1, generator: &rng)).write(to: scratch + "/good.npy")
        let (detected, detectOutput) = try gankit(["detect", "--run", "run", "--input", "good.npy", "--out", "scores.npy"])
        XCTAssertEqual(detected, 0, detectOutput)
        XCTAssertTrue(detectOutput.contains("held-out normal images"), detectOutput)
        let scores = try NumpyArray(contentsOf: scratch + "/scores.npy")
        XCTAssertEqual(scores.shape, [5])
        XCTAssertEqual(scores.elementType, .float32)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/scores.png"))
        let (folderStatus, folderOutput) = try gankit(["detect", "--run", "run", "--input", "normal", "--out", "folder.npy",
                                                       "--threshold=-1"])
        XCTAssertEqual(folderStatus, 0, folderOutput)
        XCTAssertTrue(folderOutput.contains("20 of 20 inputs are anomalous") && folderOutput.contains("00.png"), folderOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/folder.npy").shape, [20])
        let (pngStatus, pngOutput) = try gankit(["detect", "--run", "run", "--input", "normal/03.png", "--out", "one.npy"])
        XCTAssertEqual(pngStatus, 0, pngOutput)

        // Bad inputs: one clear line, non-zero exit.
        try NumpyArray(Tensor.zeros([2, 1, 9, 9])).write(to: scratch + "/shape.npy")
        try assertFails(["detect", "--run", "run", "--input", "shape.npy", "--out", "s.npy"], saying: ["shape.npy", "[2, 1, 9, 9]", "[N, 1, 8, 8]"])
        try NumpyArray(Tensor.zeros([3, 1, 8, 8]) + 3).write(to: scratch + "/range.npy")
        try assertFails(["detect", "--run", "run", "--input", "range.npy", "--out", "s.npy"], saying: ["range.npy", "outside [-1, 1]"])
        try NumpyArray(float64: [Double](repeating: 0, count: 64), shape: [1, 1, 8, 8]).write(to: scratch + "/double.npy")
        try assertFails(["detect", "--run", "run", "--input", "double.npy", "--out", "s.npy"], saying: ["double.npy", "float32"])
        try PNGImage(ImageBuffer(channels: 1, height: 12, width: 10, filledWith: 0)).write(to: scratch + "/big.png")
        try assertFails(["detect", "--run", "run", "--input", "big.png", "--out", "s.npy"], saying: ["big.png", "10x12", "8x8"])
        try Data([0xFF, 0xD8, 0xFF]).write(to: URL(fileURLWithPath: scratch + "/photo.jpg"))
        try assertFails(["detect", "--run", "run", "--input", "photo.jpg", "--out", "s.npy"], saying: ["photo.jpg"])
        try assertFails(["detect", "--run", "run", "--input", "missing.npy", "--out", "s.npy"], saying: ["missing.npy"])
        try assertFails(["detect", "--run", "run", "--input", "good.npy", "--out", "s.npy", "--false-positive-rate", "2"],
                        saying: ["--false-positive-rate"])
        // An unlabelled run has no test split to measure AUROC on.
        try assertFails(["eval", "--run", "run"], saying: ["labelled test split", "gankit detect"])
        // A run whose training images moved still scores with --threshold, and says so without.
        try FileManager.default.moveItem(atPath: scratch + "/normal", toPath: scratch + "/moved")
        try assertFails(["detect", "--run", "run", "--input", "good.npy", "--out", "s.npy"], saying: ["held-out normal images", "--threshold"])
        let (moved, movedOutput) = try gankit(["detect", "--run", "run", "--input", "good.npy", "--out", "s.npy", "--threshold", "0.5"])
        XCTAssertEqual(moved, 0, movedOutput)
        try FileManager.default.moveItem(atPath: scratch + "/moved", toPath: scratch + "/normal")
        // Bad training flags.
        try assertFails(["train", "anomaly", "--data", "normal", "--method", "anogan9", "--out", "bad"], saying: ["--method", "anogan9"])
        try assertFails(["train", "anomaly", "--dataset", "normal", "--normal-class", "3", "--out", "bad2"], saying: ["--normal-class", "labelled"])
        try assertFails(["train", "anomaly", "--data", "normal", "--kappa", "-2", "--out", "bad3"], saying: ["--kappa"])
    }
}
