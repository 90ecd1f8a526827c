import Foundation

/// Signs of a failing adversarial game in the step scalars, over a window of recent steps:
/// D separating real from fake almost perfectly (D(real) pinned near 1 and D(fake) near 0),
/// G's gradient norm collapsing far below its earlier level, and losses swinging back and
/// forth. It reads the scalars by the names the adversarial families report (`realScore`,
/// `fakeScore`, `gradientNormG`, `lossD`, `lossG`); a family without one of them is simply
/// not checked for that sign.
public final class GameHealth {
    /// When the signs count as trouble.
    public struct Thresholds: Sendable, Equatable {
        /// D wins when the window's mean D(real) is at least this and mean D(fake) at most 1 minus it.
        public var pinnedScore = 0.95
        /// G's gradient vanishes when the window's median norm is below this share of the
        /// largest median seen in an earlier window.
        public var vanishingGradientRatio = 0.01
        /// Loss oscillation: at least this many swings of the smoothed loss across its mean...
        public var oscillationCrossings = 4
        /// ...with a smoothed amplitude (standard deviation) at least this share of the loss's
        /// mean magnitude...
        public var oscillationRelativeAmplitude = 0.25
        /// ...and larger than the step-to-step noise around the smoothed curve.
        public var oscillationSignalToNoise = 1.0
        /// Steps of the moving average that smooths the loss.
        public var smoothing = 5
        /// Fewer steps than this in the window: no verdict yet.
        public var minimumWindow = 20

        public init() {}
    }

    /// Steps the checks look back over.
    public let windowLength: Int
    public let thresholds: Thresholds
    /// Whether `realScore` and `fakeScore` are probabilities (logit losses); raw scores of
    /// Wasserstein or hinge critics are not checked for pinning.
    public let scoresAreProbabilities: Bool
    private var history: [[String: Double]] = []
    private var largestGradientMedian = 0.0

    public init(windowLength: Int = 200, scoresAreProbabilities: Bool = true, thresholds: Thresholds = Thresholds()) {
        precondition(windowLength >= 2, "GameHealth: the window must hold at least 2 steps, not \(windowLength)")
        self.windowLength = windowLength
        self.scoresAreProbabilities = scoresAreProbabilities
        self.thresholds = thresholds
    }

    /// Adds one step's scalars to the window.
    public func record(_ values: [(name: String, value: Double)]) {
        history.append(Dictionary(values, uniquingKeysWith: { first, _ in first }))
        if history.count > windowLength { history.removeFirst(history.count - windowLength) }
    }

    /// The steps in the window.
    public var recordedSteps: Int { history.count }

    /// The findings for the current window (and its summary scalars: the window's mean D
    /// outputs and G's gradient median relative to its largest earlier median); the window
    /// is then started afresh so that the next verdict looks at new steps only.
    public func assess() -> (scalars: [(name: String, value: Double)], findings: [MonitorFinding]) {
        defer { history.removeAll(keepingCapacity: true) }
        guard history.count >= thresholds.minimumWindow else { return ([], []) }
        var scalars: [(name: String, value: Double)] = []
        var findings: [MonitorFinding] = []
        let steps = history.count
        if scoresAreProbabilities, let real = series("realScore"), let fake = series("fakeScore") {
            let meanReal = Self.mean(real), meanFake = Self.mean(fake)
            if meanReal >= thresholds.pinnedScore && meanFake <= 1 - thresholds.pinnedScore {
                findings.append(MonitorFinding(.discriminatorWins, String(
                    format: "D wins the game: D(real) %.3f and D(fake) %.3f on average over the last %d steps (its accuracy is pinned at 1)",
                    meanReal, meanFake, steps)))
            }
        }
        if let norms = series("gradientNormG") {
            let median = Self.median(norms)
            if largestGradientMedian > 0 {
                let ratio = median / largestGradientMedian
                scalars.append(("monitorGradientGRatio", ratio))
                if ratio < thresholds.vanishingGradientRatio {
                    findings.append(MonitorFinding(.vanishingGeneratorGradient, String(
                        format: "G's gradient vanishes: median norm %.2e over the last %d steps, %.4f of its earlier %.2e",
                        median, steps, ratio, largestGradientMedian)))
                }
            }
            largestGradientMedian = max(largestGradientMedian, median)
        }
        for name in ["lossD", "lossG"] {
            guard let losses = series(name), let swing = oscillation(losses) else { continue }
            findings.append(MonitorFinding(.lossOscillation, String(
                format: "%@ oscillates: %d swings of amplitude %.3f around %.3f over the last %d steps",
                name, swing.crossings, swing.amplitude, swing.mean, steps)))
            break
        }
        return (scalars, findings)
    }

    /// The window's values of `name`, or nil when a step lacks it.
    private func series(_ name: String) -> [Double]? {
        let values = history.compactMap { $0[name] }
        return values.count == history.count ? values : nil
    }

    /// The swings of `values` when they oscillate: the moving average's crossings of its
    /// mean (with a hysteresis of half its standard deviation, so jitter is not counted), its
    /// standard deviation and the mean.
    func oscillation(_ values: [Double]) -> (crossings: Int, amplitude: Double, mean: Double)? {
        let k = max(1, thresholds.smoothing)
        guard values.count >= max(thresholds.minimumWindow, 2 * k) else { return nil }
        var smoothed: [Double] = []
        var sum = values[0..<k].reduce(0, +)
        smoothed.append(sum / Double(k))
        for index in k..<values.count {
            sum += values[index] - values[index - k]
            smoothed.append(sum / Double(k))
        }
        let mean = Self.mean(smoothed)
        let amplitude = Self.standardDeviation(smoothed)
        // The residual: each value minus the moving average that ends at it.
        let residuals = (k - 1..<values.count).map { values[$0] - smoothed[$0 - (k - 1)] }
        let noise = Self.standardDeviation(residuals)
        guard amplitude > 0 else { return nil }
        var crossings = 0, side = 0
        for value in smoothed {
            let position = value > mean + amplitude / 2 ? 1 : value < mean - amplitude / 2 ? -1 : 0
            if position != 0 && position != side {
                if side != 0 { crossings += 1 }
                side = position
            }
        }
        guard crossings >= thresholds.oscillationCrossings,
              amplitude >= thresholds.oscillationRelativeAmplitude * max(abs(mean), 0.05),
              amplitude > thresholds.oscillationSignalToNoise * noise
        else { return nil }
        return (crossings, amplitude, mean)
    }

    static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    static func standardDeviation(_ values: [Double]) -> Double {
        let m = mean(values)
        return values.isEmpty ? 0 : (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
