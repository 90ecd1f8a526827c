import Foundation
import XCTest

/// The counters to mode collapse from the command line: a run with all of them on 2-D data,
/// the flags recorded in config.json, and bad values as one-line errors naming the flag.
final class ModeCollapseCommandLineTests: GankitTestCase {
    func testCountersTrainRecordAndRejectBadValues() throws {
        let (status, output) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "2", "--latent-size", "4", "--pack", "2",
                                           "--minibatch-std", "--spectral-norm", "--instance-noise", "0.1", "--unroll", "1", "--unroll-second-order", "--g-batchnorm", "false",
                                           "--self-condition", "4", "--out", "run"])
        XCTAssertEqual(status, 0, output)
        let configuration = try String(contentsOfFile: scratch + "/run/config.json", encoding: .utf8)
        for fragment in [#""pack" : "2""#, #""minibatch-std" : "true""#, #""spectral-norm" : "true""#, #""unroll" : "1""#,
                         #""unroll-second-order" : "true""#, #""g-batchnorm" : "false""#, #""self-condition" : "4""#] {
            XCTAssertTrue(configuration.contains(fragment), "\(fragment) in \(configuration)")
        }
        // On 2-D data the counters not given are recorded with their 2-D defaults.
        let (defaulted, defaultedOutput) = try gankit(["train", "vanilla", "--dataset", "grid25", "--steps", "1", "--latent-size", "4",
                                                       "--no-minibatch-std", "--out", "defaults"])
        XCTAssertEqual(defaulted, 0, defaultedOutput)
        let recorded = try String(contentsOfFile: scratch + "/defaults/config.json", encoding: .utf8)
        XCTAssertTrue(recorded.contains(#""minibatch-std" : "false""#) && recorded.contains(#""pack" : ""#), recorded)

        try assertFails(["train", "dcgan", "--steps", "1", "--pack", "3", "--out", "bad1"], saying: ["--pack 3 needs a --batch divisible by 3"])
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--diffaugment", "color", "--out", "bad2"],
                        saying: ["--diffaugment augments images"])
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--unroll", "-1", "--out", "bad3"], saying: ["--unroll"])
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--unroll-second-order", "--out", "bad4"],
                        saying: ["--unroll-second-order", "--unroll 1 or more"])
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--self-condition", "1", "--out", "bad5"],
                        saying: ["--self-condition must be 0 (off) or a number of clusters from 2 to 1024, not 1"])
    }
}
