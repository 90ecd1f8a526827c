import Datasets
import Foundation
import Metrics

/// The verdicts on mode coverage: whether a 2-D mixture's samples or an image generator's
/// class histogram show collapse. Measures that are still far from the data (early training)
/// are not called collapse: a mixture needs a tenth of its samples of high quality first, and
/// the monitor calls collapse only when it `persists` over two measurements.
public enum CollapseChecks {
    /// Share of a mixture's modes below which missing modes are a collapse (0.9: grid25 warns
    /// from 3 missing modes, ring8 from 1).
    public static let coveredModeShare = 0.9
    /// Reverse KL of the mode histogram (nats) from which the coverage is too uneven.
    public static let mixtureReverseKL = 0.3
    /// High-quality share from which the mixture verdict is given at all (250 of the
    /// protocol's 2,500 samples).
    public static let minimumHighQualityShare = 0.1
    /// KL(samples ‖ real) of class histograms (nats) from which the classes are too uneven.
    public static let classKL = 0.15
    /// Share of samples the evaluator must classify confidently (probability at least 0.9)
    /// for a class verdict: the analogue of the mixtures' high-quality share, so that early
    /// blurs are not judged.
    public static let minimumConfidentShare = 0.5
    /// A class is nearly missing when its share of the samples is below this part of its real share.
    public static let missingClassShare = 0.2

    /// The finding on a mixture's mode coverage, or nil when it is healthy (or not yet sharp).
    public static func mixture(_ coverage: ModeCoverage) -> MonitorFinding? {
        guard coverage.highQualityShare >= minimumHighQualityShare else { return nil }
        let tooFew = Double(coverage.coveredModes) <= (coveredModeShare * Double(coverage.modeCount)).rounded(.down)
        let uneven = (coverage.reverseKL ?? 0) >= mixtureReverseKL
        guard tooFew || uneven else { return nil }
        return MonitorFinding(.missingModes, String(
            format: "mode collapse: %d of %d modes covered, %.1f%% high-quality samples, reverse KL %.3f",
            coverage.coveredModes, coverage.modeCount, 100 * coverage.highQualityShare, coverage.reverseKL ?? 0))
    }

    /// Whether a verdict of collapse (a class histogram's KL, a mixture's reverse KL:
    /// `divergence`) counts: it looked collapsed at the previous measurement too (`previous`)
    /// and its KL has not fallen by more than 30% since. A generator still learning, whose
    /// blurs the evaluator puts in few classes, improves quickly and is not warned about.
    public static func persists(_ divergence: Double, previous: Double?) -> Bool {
        guard let previous else { return false }
        return divergence >= 0.7 * previous
    }

    /// The finding on the evaluator's class histogram of the samples against the real one,
    /// or nil when it is healthy or the samples are not yet recognisable (`confidentShare`,
    /// when given, below `minimumConfidentShare`). `names` name the classes; `channel` says
    /// which channel of stacked images the histograms are of.
    public static func classes(_ samples: ClassHistogram, real: ClassHistogram, names: [String]? = nil,
                               channel: Int? = nil, confidentShare: Double? = nil) -> MonitorFinding? {
        if let confidentShare, confidentShare < minimumConfidentShare { return nil }
        let divergence = samples.divergence(from: real)
        let sampleShares = samples.frequencies, realShares = real.frequencies
        let missing = sampleShares.indices.filter { realShares[$0] > 0.02 && sampleShares[$0] < missingClassShare * realShares[$0] }
        guard divergence >= classKL || !missing.isEmpty else { return nil }
        let where_ = channel.map { " in channel \($0)" } ?? ""
        var detail = String(format: "class collapse%@: KL(samples ‖ real) %.3f", where_, divergence)
        if !missing.isEmpty {
            let label = { (index: Int) in names.flatMap { index < $0.count ? $0[index] : nil } ?? "class \(index)" }
            detail += ", nearly missing " + missing.map(label).joined(separator: ", ")
        }
        let top = sampleShares.indices.max { sampleShares[$0] < sampleShares[$1] }!
        detail += String(format: ", %.0f%% of samples in %@", 100 * sampleShares[top],
                         names.flatMap { top < $0.count ? $0[top] : nil } ?? "class \(top)")
        return MonitorFinding(.classImbalance, detail)
    }
}
