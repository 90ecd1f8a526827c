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
            let kept = lines.filter { line in
                (try? decoder.decode(StepMetrics.self, from: Data(line))).map { $0.step <= lastStep } ?? true
            }
            if kept.count < lines.count {
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

    /// Appends one step's metrics.
    public func append(_ metrics: StepMetrics) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard var line = try? encoder.encode(metrics) else { return }
        line.append(UInt8(ascii: "\n"))
        handle.write(line)
    }
}
