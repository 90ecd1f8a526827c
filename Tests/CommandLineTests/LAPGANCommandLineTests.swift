import Foundation
import XCTest

/// `gankit train lapgan` as a user meets it (in the CLI suite's scratch folder): its flags' errors, and a tiny run that trains,
/// saves one checkpoint per level network, and samples through `gankit sample`.
extension CommandLineTests {
    func testLAPGANFlagsGetClearErrors() throws {
        try assertFails(["train", "lapgan", "--levels", "6", "--out", "deep"], saying: ["--levels", "28x28", "2 to 4"])
        try assertFails(["train", "lapgan", "--levels", "many"], saying: ["--levels", "many"])
        try assertFails(["train", "lapgan", "--dataset", "ring8", "--out", "points"], saying: ["lapgan", "square images"])
        try assertFails(["train", "lapgan", "--dataset", "ring8", "--class-conditional", "--out", "points2"], saying: ["square images"])
    }

    func testLAPGANTrainsAndSamples() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"),
                          "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        let (status, output) = try gankit(["train", "lapgan", "--class-conditional", "--steps", "2", "--batch", "8", "--out", "lap"])
        XCTAssertEqual(status, 0, output)
        for level in 0..<3 {
            for network in ["generator", "discriminator"] {
                XCTAssertTrue(FileManager.default.fileExists(atPath: "\(scratch!)/lap/checkpoints/level\(level)_\(network).safetensors"))
            }
        }
        let (sampled, sampleOutput) = try gankit(["sample", "--run", "lap", "--class", "7", "--count", "3", "--out", "s.npy", "--grid", "s.png"])
        XCTAssertEqual(sampled, 0, sampleOutput)
        XCTAssertTrue(sampleOutput.contains("[3, 1, 28, 28]"), sampleOutput)
        try assertFails(["sample", "--run", "lap", "--count", "3", "--out", "t.npy"], saying: ["--class"])
    }
}
