import Foundation

/// Appends one JSON object per line to `metrics.jsonl`.
public final class MetricsLog {
    private let handle: FileHandle

    /// Opens `path` for appending, creating it when missing.
    public init(path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
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
