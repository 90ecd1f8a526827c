import Foundation
import GAN

/// Training progress for people: a bar redrawn in place on a terminal, plain lines every few
/// seconds otherwise (logs, CI).
final class ProgressDisplay {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private var totalSteps = 0, stepsPerEpoch = 1, firstStep = 0
    private var started = Date()
    private var lastPrint = Date.distantPast

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
                              shown, metrics.imagesPerSecond, Self.clock(eta))
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
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%02d:%02d", s / 60, s % 60)
    }
}
