import Foundation
import XCTest

/// `--precision` on `gankit train` and `gankit bench train`: recorded in config.json, fixed on
/// resume, and nonsense values or bf16 on a CPU without AVX-512 BF16 as one-line errors naming the flag.
final class PrecisionCommandLineTests: GankitTestCase {
    /// gankit with `GANKIT_NO_BF16` set, as on a CPU without AVX-512 BF16.
    func gankitWithoutBFloat16(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try gankit(arguments, environment: ["GANKIT_NO_BF16": "1"])
    }

    func testBadValuesAndAMissingInstructionSetAreOneLineErrors() throws {
        let output = try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--precision", "fp16", "--out", "bad"],
                                     saying: ["--precision must be fp32 or bf16, not fp16"])
        XCTAssertEqual(output.split(separator: "\n").count, 1, output)
        try assertFails(["bench", "train", "--model", "vanilla", "--dataset", "ring8", "--steps", "1", "--precision", "half"],
                        saying: ["--precision must be fp32 or bf16, not half"])
        for arguments in [["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--precision", "bf16", "--out", "none"],
                          ["bench", "train", "--model", "vanilla", "--dataset", "ring8", "--steps", "1", "--precision", "bf16"]] {
            let (status, output) = try gankitWithoutBFloat16(arguments)
            XCTAssertNotEqual(status, 0, output)
            XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines),
                           "Error: --precision bf16 needs a CPU with AVX-512 BF16; this one has none: use --precision fp32")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch + "/none"), "no run folder for a refused run")
    }

    func testThePrecisionIsRecordedAndKeptOnResume() throws {
        let (status, output) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "2", "--monitor-every", "0", "--out", "plain"])
        XCTAssertEqual(status, 0, output)
        let plain = try String(contentsOfFile: scratch + "/plain/config.json", encoding: .utf8)
        XCTAssertTrue(plain.contains(#""precision" : "fp32""#), plain)
        guard (try gankitWithoutBFloat16(["bench", "train", "--model", "vanilla", "--dataset", "ring8", "--steps", "1",
                                          "--precision", "bf16"])).status != 0 else { return XCTFail("GANKIT_NO_BF16 ignored") }
        let (probe, _) = try gankit(["bench", "train", "--model", "vanilla", "--dataset", "ring8", "--steps", "2", "--warmup", "1",
                                     "--precision", "bf16"])
        guard probe == 0 else { throw XCTSkip("this CPU has no AVX-512 BF16") }
        let (trained, trainedOutput) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "2", "--precision", "bf16",
                                                   "--monitor-every", "0", "--out", "run"])
        XCTAssertEqual(trained, 0, trainedOutput)
        let recorded = try String(contentsOfFile: scratch + "/run/config.json", encoding: .utf8)
        XCTAssertTrue(recorded.contains(#""precision" : "bf16""#), recorded)
        // Resume keeps it without the flag, and refuses another.
        let (resumed, resumedOutput) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "3", "--monitor-every", "0",
                                                   "--out", "run", "--resume"])
        XCTAssertEqual(resumed, 0, resumedOutput)
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "4", "--precision", "fp32", "--monitor-every", "0",
                         "--out", "run", "--resume"], saying: ["was trained with other settings"])
        let (bench, benchOutput) = try gankit(["bench", "train", "--model", "vanilla", "--dataset", "ring8", "--steps", "2",
                                               "--warmup", "1", "--precision", "bf16"])
        XCTAssertEqual(bench, 0, benchOutput)
        XCTAssertTrue(benchOutput.contains(#""precision": "bf16""#), benchOutput)
    }

    /// `GANKIT_NO_AVX512` runs the portable loops in place of the AVX-512 kernels (Adam, im2col,
    /// col2im, the convolutions' relayouts): two dcgan steps end in the same weights, bit for bit.
    func testTrainingWithoutTheAVX512KernelsEndsInTheSameWeights() throws {
        let flags = ["--steps", "2", "--batch", "16", "--monitor-every", "0"]
        for (folder, environment) in [("kernels", [:]), ("loops", ["GANKIT_NO_AVX512": "1"])] {
            let (status, output) = try gankit(["train", "dcgan"] + flags + ["--out", folder],
                                              environment: environment.merging(["GANKIT_THREADS": "2"]) { a, _ in a })
            XCTAssertEqual(status, 0, output)
        }
        for file in ["generator", "discriminator"] {
            let kernels = try Data(contentsOf: URL(fileURLWithPath: scratch + "/kernels/checkpoints/\(file).safetensors"))
            let loops = try Data(contentsOf: URL(fileURLWithPath: scratch + "/loops/checkpoints/\(file).safetensors"))
            XCTAssertGreaterThan(kernels.count, 100_000, file)
            XCTAssertTrue(kernels == loops, "\(file): the weights differ between the kernels and the portable loops")
        }
    }
}
