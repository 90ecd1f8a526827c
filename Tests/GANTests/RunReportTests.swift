import Datasets
import Foundation
import XCTest
@testable import GAN

/// `RunReport`: a PNG of the expected size from a small metrics.jsonl, curves drawn where the
/// values are, the bitmap font, and a clear error for a folder without metrics.
final class RunReportTests: XCTestCase {
    func temporaryRun() throws -> RunDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-report-\(UUID().uuidString)").path
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        let run = RunDirectory(path)
        try run.create()
        return run
    }

    /// 40 steps of four scalars, with monitor measures every 10 steps.
    func writeMetrics(_ run: RunDirectory) throws {
        var lines: [String] = []
        for step in 1...40 {
            var line = "{\"epoch\":1,\"imagesPerSecond\":1000,\"lossD\":\(1.4 - Double(step) * 0.01),\"lossG\":\(0.7 + Double(step) * 0.01),\"step\":\(step)"
            if step % 10 == 0 { line += ",\"monitorModesCovered\":\(step / 10 + 4)" }
            lines.append(line + "}")
        }
        lines.append("{\"step\": not json")  // a line cut short is skipped
        try (lines.joined(separator: "\n") + "\n").write(toFile: run.metricsPath, atomically: true, encoding: .utf8)
    }

    func testReportIsAPNGOfTheExpectedSizeWithCurvesAndTheLastPicture() throws {
        let run = try temporaryRun()
        try writeMetrics(run)
        let report = try RunReport(run: run)
        XCTAssertEqual(report.series.map(\.name), ["lossD", "lossG", "monitorModesCovered", "imagesPerSecond"])
        XCTAssertEqual(report.series[2].points.map(\.y), [5, 6, 7, 8])
        XCTAssertNil(report.picture)
        let plain = report.render()
        XCTAssertEqual([plain.width, plain.height], [10 + 3 * 300 + 10, 24 + 2 * 170 + 10])

        // With a sample picture the picture column comes first.
        let grid = PNGImage(width: 20, height: 10, channels: 1, samples: [UInt16](repeating: 255, count: 200))
        try grid.write(to: run.samplesPath + "/epoch-001.png")
        let withPicture = try RunReport(run: run)
        XCTAssertEqual(withPicture.picture?.name, "epoch-001.png")
        let path = run.path + "/report.png"
        try withPicture.render().write(to: path)
        let written = try PNGImage(contentsOf: path)
        let expected = RunReport.size(panelCount: 4, hasPicture: true)
        XCTAssertEqual([written.width, written.height], [expected.width, expected.height])
        XCTAssertEqual([written.width, written.height], [10 + 360 + 10 + 900 + 10, 24 + 360 + 14 + 10])
        // The picture (white, scaled 18x into 360x180) is drawn below its caption.
        XCTAssertEqual(Array(written.samples[(((24 + 14 + 90) * written.width + 10 + 180) * 3)...].prefix(3)), [255, 255, 255])

        // The lossD curve falls from top left to bottom right of its panel: the line's colour
        // appears near both corners of the plot area.
        let canvasPixels = written.samples
        func hasCurveColor(xRange: Range<Int>, yRange: Range<Int>) -> Bool {
            for y in yRange { for x in xRange {
                let offset = (y * written.width + x) * 3
                if canvasPixels[offset] == 31 && canvasPixels[offset + 1] == 119 && canvasPixels[offset + 2] == 180 { return true }
            } }
            return false
        }
        let panelLeft = 10 + 360 + 10 + 46, plotTop = 24 + 13
        XCTAssertTrue(hasCurveColor(xRange: panelLeft..<(panelLeft + 10), yRange: plotTop..<(plotTop + 20)))
        XCTAssertTrue(hasCurveColor(xRange: (panelLeft + 230)..<(panelLeft + 242), yRange: (plotTop + 110)..<(plotTop + 140)))
        XCTAssertFalse(hasCurveColor(xRange: panelLeft..<(panelLeft + 10), yRange: (plotTop + 110)..<(plotTop + 140)))
    }

    func testTextIsDrawnInTheBitmapFont() {
        var canvas = PlotCanvas(width: 20, height: 9)
        canvas.text("1", x: 1, y: 1)
        // The foot of "1" is three pixels wide on the glyph's last row; the top row has one.
        XCTAssertEqual((0..<20).filter { canvas.color(x: $0, y: 7) == .black }, [2, 3, 4])
        XCTAssertEqual((0..<20).filter { canvas.color(x: $0, y: 1) == .black }, [3])
        XCTAssertEqual(BitmapFont.width(of: "12.5"), 23)
        XCTAssertEqual(PlotCanvas.tickLabel(0.5), "0.5")
        XCTAssertEqual(PlotCanvas.tickLabel(1234), "1234")
        XCTAssertEqual(PlotCanvas.tickLabel(2.5e-5), "2.5e-05")
    }

    func testAFolderWithoutMetricsIsAnErrorNamingTheFile() throws {
        let run = try temporaryRun()
        XCTAssertThrowsError(try RunReport(run: run)) { error in
            XCTAssertTrue("\(error)".contains("metrics.jsonl does not exist"), "\(error)")
        }
        try "".write(toFile: run.metricsPath, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try RunReport(run: run)) { error in
            XCTAssertTrue("\(error)".contains("holds no step"), "\(error)")
        }
    }
}
