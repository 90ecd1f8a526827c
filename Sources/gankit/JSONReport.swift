import Foundation
import Metrics

/// Writes `report` to `path` as indented JSON with sorted keys, atomically; NaN and infinities are
/// written as the strings "nan", "inf" and "-inf". A path that cannot be written is an error naming it.
func writeJSONReport(_ report: some Encodable, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    do {
        try encoder.encode(report).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw MetricsError("cannot write \(path): \(error.localizedDescription)")
    }
}
