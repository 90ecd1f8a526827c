import Foundation
import GAN

/// Training progress for people: a bar redrawn in place on a terminal, plain lines every few
/// seconds otherwise (logs, CI).
final class ProgressDisplay {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private var totalSteps = 0, stepsPerEpoch = 1, firstStep = 0
    private var started = Date()
    private var lastPrint = Date.distantPast
    /// The last monitor measures, shown at the end of progress lines.
    private var monitorSummary = ""

    func handle(_ event: TrainingEvent) {
        switch event {
        case let .started(total, perEpoch, first):
            (totalSteps, stepsPerEpoch, firstStep) = (total, perEpoch, first)
            started = Date()
            defer { fflush(nil) }
            print("training \(total - first) steps (\(perEpoch) per epoch)\(first > 0 ? ", resuming at step \(first)" : "")")
        case let .step(metrics):
            let now = Date()
            guard isTerminal || now.timeIntervalSince(lastPrint) >= 10 || metrics.step == totalSteps else { return }
            lastPrint = now
            let done = metrics.step - firstStep
            let elapsed = now.timeIntervalSince(started)
            let eta = done > 0 ? elapsed / Double(done) * Double(totalSteps - metrics.step) : 0
            let epochs = (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch
            let inEpoch = (metrics.step - 1) % stepsPerEpoch + 1
            let shown = metrics.values.prefix(4).map { String(format: "%@ %.3f", $0.name, $0.value) }.joined(separator: " ")
            let text = String(format: "epoch %d/%d step %d/%d %@ %.0f img/s ETA %@", metrics.epoch, epochs, inEpoch, stepsPerEpoch,
                              shown, metrics.imagesPerSecond, Self.clock(eta)) + monitorSummary
            if isTerminal {
                let width = 24, filled = Int(Double(width) * Double(metrics.step) / Double(max(totalSteps, 1)))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                print("\r[\(bar)] \(text)\u{1B}[K", terminator: "")
                fflush(nil)
            } else {
                print(text)
                fflush(nil)  // logs show progress as it happens, not at exit
            }
        case let .samplesWritten(path):
            if isTerminal { print("") }
            print("samples: \(path)")
        case let .checkpointSaved(step):
            print("checkpoint saved at step \(step)")
        case let .monitored(report):
            let measures = Self.summary(report.scalars)
            monitorSummary = measures.isEmpty ? "" : " | " + measures
            if isTerminal { print("") }
            for note in report.notes { print(note) }
            print(String(format: "monitor at step %d: %@ (%.1f s)", report.step, measures.isEmpty ? "no measures" : measures, report.seconds))
            if let warning = report.warning { print(warning) }
            fflush(nil)
        }
    }

    /// The monitor's measures in a few words: modes, high-quality share, KLs, FID, warnings.
    static func summary(_ scalars: [(name: String, value: Double)]) -> String {
        let value = { (name: String) in scalars.first { $0.name == name }?.value }
        var parts: [String] = []
        if let modes = value("monitorModesCovered") { parts.append(String(format: "modes %.0f", modes)) }
        if let share = value("monitorHighQualityShare") { parts.append(String(format: "HQ %.1f%%", 100 * share)) }
        if let kl = value("monitorReverseKL") { parts.append(String(format: "rKL %.3f", kl)) }
        if let kl = value("monitorClassKL") { parts.append(String(format: "class KL %.3f", kl)) }
        if let modes = value("monitorStackedModes") { parts.append(String(format: "stacked modes %.0f", modes)) }
        if let fid = value("monitorFID") { parts.append(String(format: "FID %.1f", fid)) }
        if let warnings = value("monitorWarnings"), warnings > 0 { parts.append(String(format: "%.0f warning%@", warnings, warnings == 1 ? "" : "s")) }
        return parts.joined(separator: " ")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
