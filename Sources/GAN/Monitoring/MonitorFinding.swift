import Foundation

/// One sign of trouble the training monitor sees: what it is, what it measured, and the
/// flags that usually help against it.
public struct MonitorFinding: Sendable, Equatable {
    /// The kinds of trouble.
    public enum Kind: String, Sendable, CaseIterable {
        /// Samples of a 2-D mixture land on few of its modes.
        case missingModes
        /// The evaluator's class histogram of the samples is far from the real one.
        case classImbalance
        /// D separates real from fake almost perfectly for a whole window.
        case discriminatorWins
        /// G's gradient norm fell far below what it was.
        case vanishingGeneratorGradient
        /// The losses swing back and forth with a large amplitude.
        case lossOscillation
    }

    public let kind: Kind
    /// What was seen, with the numbers (no trailing period).
    public let detail: String

    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Flags of `gankit train` that usually help against this kind of trouble.
    public var remedies: [String] {
        switch kind {
        case .missingModes, .classImbalance: return ["--pack 4", "--minibatch-std", "--unroll 5", "--spectral-norm"]
        case .discriminatorWins: return ["--spectral-norm", "--instance-noise", "--diffaugment", "--label-smoothing 0.1", "--lr-d 1e-4"]
        case .vanishingGeneratorGradient: return ["--loss non-saturating", "--spectral-norm", "--r1 10", "--instance-noise"]
        case .lossOscillation: return ["--r1 10", "--lr-g 1e-4 --lr-d 4e-4 (TTUR)", "--ema 0.999", "--spectral-norm"]
        }
    }

    /// One warning line for a set of findings: what is seen, then the flags that usually
    /// help (each named once, in the order of the findings).
    public static func warningLine(_ findings: [MonitorFinding], step: Int) -> String {
        var flags: [String] = []
        for finding in findings {
            for flag in finding.remedies where !flags.contains(flag) { flags.append(flag) }
        }
        return "warning: step \(step): " + findings.map(\.detail).joined(separator: "; ")
            + "; flags that usually help: " + flags.joined(separator: ", ")
    }
}
