/// A problem with input that comes from outside the Metrics layer (files, sample arrays,
/// evaluator checkpoints). The description names the file or input and how to fix it.
public struct MetricsError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong and what to do about it.
    public let message: String

    /// An error with a complete, user-facing message.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
