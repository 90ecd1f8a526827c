import ArgumentParser
import Foundation
import GAN

/// `gankit report`: a run's history as one PNG.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Draw a run's curves (losses, D outputs, gradient norms, monitor measures) and its last samples as one PNG.")

    @Option(name: .customLong("run"), help: "The run folder (with metrics.jsonl).") var runFolder: String
    @Option(help: "Where to write the PNG (default: RUN/report.png).") var out: String?

    func run() throws {
        let run = RunDirectory(runFolder)
        let report = try RunReport(run: run)
        let image = report.render()
        let path = out ?? runFolder + "/report.png"
        do {
            try image.write(to: path)
        } catch {
            throw ValidationError("cannot write \(path): \(error)")
        }
        let steps = report.series.first { $0.name == "imagesPerSecond" }?.points.count ?? 0
        print("wrote \(path) (\(image.width)x\(image.height)): \(report.series.count) scalars over \(steps) steps"
            + (report.picture.map { ", samples \($0.name)" } ?? ""))
    }
}
