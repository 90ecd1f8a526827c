import Foundation
import XCTest

/// `gankit report` and `--monitor-every` from the command line.
final class ReportCommandLineTests: GankitTestCase {
    func testReportOnAFolderWithoutMetricsIsAOneLineError() throws {
        try FileManager.default.createDirectory(atPath: scratch + "/empty", withIntermediateDirectories: true)
        let output = try assertFails(["report", "--run", "empty"], saying: ["empty/metrics.jsonl does not exist"])
        XCTAssertEqual(output.split(separator: "\n").count, 1, output)
        try assertFails(["report"], saying: ["--run"])
    }

    func testReportWritesAPNGOfAMonitoredRun() throws {
        let (status, output) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "12", "--batch", "32",
                                          "--monitor-every", "6", "--out", "run"])
        XCTAssertEqual(status, 0, output)
        XCTAssertTrue(output.contains("monitor at step 6: modes "), output)
        XCTAssertTrue(output.contains("monitor: "), output)
        let metrics = try String(contentsOfFile: scratch + "/run/metrics.jsonl", encoding: .utf8)
        XCTAssertTrue(metrics.split(separator: "\n")[5].contains("monitorHighQualityShare"))
        let report = try gankit(["report", "--run", "run", "--out", "report.png"])
        XCTAssertEqual(report.status, 0, report.output)
        XCTAssertTrue(report.output.contains("wrote report.png (1290x"), report.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/report.png"))
    }

    func testNegativeMonitorIntervalIsRejected() throws {
        try assertFails(["train", "vanilla", "--dataset", "ring8", "--steps", "2", "--monitor-every", "-1", "--out", "bad"],
                        saying: ["--monitor-every"])
    }
}
