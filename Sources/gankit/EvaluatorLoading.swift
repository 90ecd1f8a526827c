import Foundation
import Metrics

/// How every command gets the Fashion-MNIST evaluator: loaded from its file, or on a fresh
/// machine trained first, with a one-line note and a progress bar.
enum EvaluatorLoading {
    /// The evaluator at `path` (default: the cache location), trained and saved first when missing.
    static func load(_ path: String? = nil, dataDirectory: String? = nil) throws -> FashionMNISTEvaluator {
        let progress = EvaluatorProgress()
        return try FashionMNISTEvaluator.loadOrTrain(at: path ?? FashionMNISTEvaluator.defaultPath, dataDirectory: dataDirectory) { event in
            switch event {
            case let .trainingStarted(note):
                print(note)
                fflush(nil)
            case let .training(training):
                progress.handle(training)
            case let .saved(path, accuracy, seconds):
                print(String(format: "evaluator trained: test accuracy %.2f%% after %.0f s; saved %@", 100 * accuracy, seconds, path))
                fflush(nil)
            }
        }
    }
}

/// Progress of evaluator training: a bar redrawn in place on a terminal, a line every 15 s otherwise.
final class EvaluatorProgress {
    let isTerminal = isatty(STDOUT_FILENO) != 0
    private var lastPrint = Date.distantPast

    func handle(_ event: EvaluatorTrainingEvent) {
        switch event {
        case let .step(epoch, step, totalSteps, loss):
            let now = Date()
            guard isTerminal || now.timeIntervalSince(lastPrint) >= 15 else { return }
            lastPrint = now
            let text = String(format: "epoch %d step %d/%d loss %.4f", epoch, step, totalSteps, loss)
            if isTerminal {
                let width = 24, filled = Int(Double(width) * Double(step) / Double(max(totalSteps, 1)))
                let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
                print("\r[\(bar)] \(text)\u{1B}[K", terminator: "")
            } else {
                print(text)
            }
            fflush(nil)
        case let .epochFinished(epoch, accuracy, seconds):
            if isTerminal { print("") }
            print(String(format: "epoch %d: test accuracy %.2f%% (%.0f s)", epoch, 100 * accuracy, seconds))
            fflush(nil)
        }
    }
}
