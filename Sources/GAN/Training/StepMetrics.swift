import Foundation

/// What one training step measured: the line written to `metrics.jsonl` (a flat JSON object:
/// `step`, `epoch`, `imagesPerSecond` and the family's scalars by name) and the TensorBoard
/// scalars.
public struct StepMetrics: Sendable, Equatable, Codable {
    public var step: Int
    public var epoch: Int
    /// Training throughput of this step.
    public var imagesPerSecond: Double
    /// The family's scalars in the order it reported them (losses first).
    public var values: [(name: String, value: Double)]

    public init(step: Int, epoch: Int, imagesPerSecond: Double, values: [(name: String, value: Double)]) {
        self.step = step
        self.epoch = epoch
        self.imagesPerSecond = imagesPerSecond
        self.values = values
    }

    /// A scalar by name.
    public subscript(name: String) -> Double? { values.first { $0.name == name }?.value }

    /// The scalars by the names used in logs, throughput last.
    public var scalars: [(name: String, value: Double)] { values + [("imagesPerSecond", imagesPerSecond)] }

    public static func == (a: StepMetrics, b: StepMetrics) -> Bool {
        a.step == b.step && a.epoch == b.epoch && a.imagesPerSecond == b.imagesPerSecond
            && a.values.map(\.name) == b.values.map(\.name) && a.values.map(\.value) == b.values.map(\.value)
    }

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static let fixedKeys: Set<String> = ["step", "epoch", "imagesPerSecond"]

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        step = try container.decode(Int.self, forKey: Key("step"))
        epoch = try container.decode(Int.self, forKey: Key("epoch"))
        imagesPerSecond = try container.decode(Double.self, forKey: Key("imagesPerSecond"))
        values = try container.allKeys.filter { !Self.fixedKeys.contains($0.stringValue) }.sorted { $0.stringValue < $1.stringValue }
            .map { ($0.stringValue, try container.decode(Double.self, forKey: $0)) }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(step, forKey: Key("step"))
        try container.encode(epoch, forKey: Key("epoch"))
        try container.encode(imagesPerSecond, forKey: Key("imagesPerSecond"))
        for (name, value) in values where !Self.fixedKeys.contains(name) {
            try container.encode(Float(value), forKey: Key(name))
        }
    }
}
