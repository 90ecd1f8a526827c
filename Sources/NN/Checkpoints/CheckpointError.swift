/// A checkpoint file that cannot be read or does not fit the model.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    /// The file is unreadable or malformed; the message names the file and the problem.
    case invalid(String)
    /// The file's tensors do not fit the model.
    case mismatch(file: String, missing: [String], unexpected: [String], wrongShape: [String])

    public var description: String {
        switch self {
        case let .invalid(message):
            return message
        case let .mismatch(file, missing, unexpected, wrongShape):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing keys: \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected keys: \(unexpected.joined(separator: ", "))") }
            if !wrongShape.isEmpty { parts.append("mismatched: \(wrongShape.joined(separator: "; "))") }
            return "\(file) does not fit the model: \(parts.joined(separator: "; "))"
        }
    }
}
