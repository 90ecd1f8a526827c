import Foundation
import XCTest

/// `--decay-from` on every family and vanilla's MLP widths from the command line: recorded in
/// config.json (and changed on resume), the 2-D default decay, and bad values as one-line errors naming the flag.
final class LearningRateDecayCommandLineTests: GankitTestCase {
    func testDecayAndWidthsAreRecordedAndBadValuesRejected() throws {
        let (status, output) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "3", "--decay-from", "1",
                                           "--g-hidden", "8,8", "--d-hidden", "6", "--monitor-every", "0", "--out", "run"])
        XCTAssertEqual(status, 0, output)
        let configuration = try String(contentsOfFile: scratch + "/run/config.json", encoding: .utf8)
        for fragment in [#""decay-from" : "1""#, #""g-hidden" : "8,8""#, #""d-hidden" : "6""#] {
            XCTAssertTrue(configuration.contains(fragment), "\(fragment) in \(configuration)")
        }
        // A 2-D run without the flag decays over the second half of its steps.
        let (defaulted, defaultedOutput) = try gankit(["train", "vanilla", "--dataset", "grid25", "--steps", "4", "--monitor-every", "0",
                                                       "--out", "defaults"])
        XCTAssertEqual(defaulted, 0, defaultedOutput)
        let recorded = try String(contentsOfFile: scratch + "/defaults/config.json", encoding: .utf8)
        XCTAssertTrue(recorded.contains(#""decay-from" : "2""#), recorded)
        // The schedule may change on resume (as the length may); the new one is recorded.
        let (resumed, resumedOutput) = try gankit(["train", "vanilla", "--out", "run", "--resume", "--steps", "5", "--decay-from", "4",
                                                   "--dataset", "ring8", "--g-hidden", "8,8", "--d-hidden", "6", "--monitor-every", "0"])
        XCTAssertEqual(resumed, 0, resumedOutput)
        let rescheduled = try String(contentsOfFile: scratch + "/run/config.json", encoding: .utf8)
        XCTAssertTrue(rescheduled.contains(#""decay-from" : "4""#), rescheduled)
        // Every family takes the flag.
        for family in ["dcgan", "cyclegan", "pix2pix"] {
            let (_, help) = try gankit(["train", family, "--help"])
            XCTAssertTrue(help.contains("--decay-from"), "\(family): \(help)")
        }
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--decay-from=-2", "--out", "bad1"],
                        saying: ["--decay-from must be a step number >= 0, not -2"])
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "1", "--g-hidden", "8,x", "--out", "bad2"],
                        saying: ["--g-hidden", "not 8,x"])
    }
}
