import Foundation

/// Appends one JSON object per line to `metrics.jsonl`.
public final class MetricsLog {
    private let handle: FileHandle

    /// Opens `path` for appending, creating it when missing. Lines of steps after
    /// `resumingAfter` (logged by a run that stopped after its last checkpoint) are dropped
    /// first, so a resumed run does not log those steps twice.
    public init(path: String, resumingAfter lastStep: Int = 0) throws {
        if let existing = FileManager.default.contents(atPath: path) {
            let decoder = JSONDecoder()
            let lines = existing.split(separator: UInt8(ascii: "\n"))
            // Keep whole lines of steps up to the checkpoint; a line cut short by a crash goes too.
            let kept = lines.filter { line in
                (try? decoder.decode(StepMetrics.self, from: Data(line))).map { $0.step <= lastStep } ?? false
            }
            if kept.count < lines.count || existing.last.map({ $0 != UInt8(ascii: "\n") }) ?? false {
                let text = kept.map { Data($0) + Data([UInt8(ascii: "\n")]) }.reduce(Data(), +)
                try text.write(to: URL(fileURLWithPath: path), options: .atomic)
            }
        } else {
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw TrainingError.invalidConfiguration("cannot write \(path)")
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// Appends one step's metrics (a step with non-finite values is not logged: JSON cannot
    /// hold them, and training stops on them).
    public func append(_ metrics: StepMetrics) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(metrics) else { return }
        line.append(UInt8(ascii: "\n"))
        do {
            try handle.write(contentsOf: line)
        } catch {
            throw TrainingError.invalidConfiguration("cannot append to the metrics log: \(error.localizedDescription)")
        }
    }
}
