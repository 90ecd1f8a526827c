import Foundation
import XCTest

/// The `gankit` executable as a user meets it: bad flags, missing data and bad files end with a
/// clear message and a non-zero exit, and a tiny run trains, samples and resumes.
final class CommandLineTests: GankitTestCase {
    func testBadInputGetsClearErrors() throws {
        try assertFails(["train", "stylegan"], saying: ["stylegan", "dcgan"])
        try assertFails(["train", "dcgan", "--batch", "zero"], saying: ["--batch", "zero"])
        try assertFails(["train", "dcgan", "--batch", "1"], saying: ["--batch must be at least 2"])
        try assertFails(["train", "vanilla", "--loss", "magic"], saying: ["--loss", "magic"])
        try assertFails(["train", "dcgan", "--data", scratch + "/nowhere"], saying: ["nowhere", "train-images-idx3-ubyte.gz"])
        try assertFails(["train", "dcgan", "--dataset", scratch + "/no-such-folder"], saying: ["no-such-folder"])
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--out", "fresh", "--resume"], saying: ["no checkpoint", "without --resume"])
        try assertFails(["sample", "--run", "nothing-here", "--out", "s.npy"], saying: ["nothing-here", "config.json"])
        try assertFails(["train", "dcgan", "--dataset", "ring8", "--out", "mismatch"], saying: ["dcgan", "[2]"])
    }

    func testTrainSampleAndResumeFromTheCommandLine() throws {
        let train = ["train", "vanilla", "--dataset", "ring8", "--steps", "30", "--out", "run", "--latent-size", "8"]
        let (status, output) = try gankit(train)
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("checkpoint saved at step 30"), output)
        try assertFails(train, saying: ["already holds a training run", "--resume"])
        let (resumed, resumeOutput) = try gankit(train.map { $0 == "30" ? "40" : $0 } + ["--resume"])
        XCTAssertEqual(resumed, 0, resumeOutput)
        XCTAssertTrue(resumeOutput.contains("resuming at step 30") && resumeOutput.contains("step 40"), resumeOutput)
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "50", "--out", "run", "--lr-g", "0.1", "--resume"],
                        saying: ["only --epochs, --steps and --decay-from may change"])

        let (sampled, sampleOutput) = try gankit(["sample", "--run", "run", "--count", "10", "--out", "s.npy", "--grid", "s.png"])
        XCTAssertEqual(sampled, 0, sampleOutput)
        let npy = try Data(contentsOf: URL(fileURLWithPath: scratch + "/s.npy"))
        XCTAssertEqual(npy.count, 128 + 10 * 2 * 4, "a version-1 header and 10 float32 points")
        XCTAssertTrue(String(decoding: npy.prefix(128), as: UTF8.self).contains("(10, 2)"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/s.png"))
        try Data("not numpy".utf8).write(to: URL(fileURLWithPath: scratch + "/bad.npy"))
        try assertFails(["sample", "--run", "run", "--latent", "bad.npy", "--out", "x.npy"], saying: ["bad.npy"])
        try assertFails(["sample", "--run", "run"], saying: ["--out"])
    }
}
