import Foundation
import XCTest

/// The `gankit` executable as a user meets it: bad flags, missing data and bad files end with a
/// clear message and a non-zero exit, and a tiny run trains, samples and resumes.
final class CommandLineTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// Runs gankit (built beside this test bundle) and returns its exit status and all output.
    func gankit(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gankit")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: scratch)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func assertFails(_ arguments: [String], saying fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let (status, output) = try gankit(arguments)
        XCTAssertNotEqual(status, 0, "\(arguments) should fail", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(output.contains(fragment), "\(arguments): expected \(fragment) in: \(output)", file: file, line: line)
        }
        XCTAssertFalse(output.contains("Backtrace") || output.contains("Fatal error"), "no crash: \(output)", file: file, line: line)
    }

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
                        saying: ["only --epochs and --steps may change"])

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
