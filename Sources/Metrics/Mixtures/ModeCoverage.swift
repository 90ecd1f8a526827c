import Datasets
import Foundation
import TensorCore

/// Mode collapse on a 2-D Gaussian mixture, by the protocol of VEEGAN and PacGAN: draw 2,500
/// samples; a sample is high quality when it lies within `qualityThreshold` (3) standard
/// deviations of its nearest mixture mean; a mode is covered when at least
/// `minimumSamplesPerMode` (1) high-quality samples are nearest to it. The reverse KL is
/// KL(generated ‖ true) between the histogram of the high-quality samples' modes and the
/// mixture's uniform weights (0 when the modes are hit evenly, log K for one mode of K).
public struct ModeCoverage: Sendable, Equatable, Codable {
    /// The number of samples the protocol evaluates.
    public static let protocolSampleCount = 2_500

    /// Modes with enough high-quality samples.
    public let coveredModes: Int
    /// Modes of the mixture.
    public let modeCount: Int
    /// The share of samples within the quality threshold of their nearest mean.
    public let highQualityShare: Double
    /// KL(mode histogram of the high-quality samples ‖ uniform), in nats; nil without any
    /// high-quality sample.
    public let reverseKL: Double?
    /// High-quality samples per mode.
    public let modeHistogram: [Int]
    /// Number of samples evaluated.
    public let sampleCount: Int
    /// How widely the high-quality samples spread around their modes, relative to the
    /// mixture: the root mean square of their offsets from the nearest mean, per coordinate,
    /// divided by the mixture's standard deviation. The mixture's own samples give about
    /// `trueSpread` (0.974: a 2-D Gaussian cut at 3 standard deviations); below it, G's modes
    /// are narrower than the data's, above it wider. nil without any high-quality sample.
    public let spread: Double?

    /// The spread of the mixture's own samples: √(E[r² | r ≤ 3σ] / 2) / σ for a 2-D Gaussian,
    /// √(1 − 4.5 e^{-4.5} / (1 − e^{-4.5})) ≈ 0.974.
    public static let trueSpread = (1 - 4.5 * exp(-4.5) / (1 - exp(-4.5))).squareRoot()

    /// Evaluates `points` (`[N, 2]`) against `mixture`.
    public init(points: Tensor, mixture: GaussianMixture, qualityThreshold: Float = 3, minimumSamplesPerMode: Int = 1) {
        precondition(points.rank == 2 && points.shape[1] == 2, "ModeCoverage: points must be [N, 2], not \(points.shape)")
        let count = points.shape[0]
        let limit = qualityThreshold * mixture.standardDeviation
        var histogram = [Int](repeating: 0, count: mixture.means.count)
        var highQuality = 0
        var squaredOffsets = 0.0
        let coordinates = points.storage.base
        for index in 0..<count {
            let nearest = mixture.nearestMode(to: SIMD2(coordinates[2 * index], coordinates[2 * index + 1]))
            if nearest.distance <= limit {
                highQuality += 1
                histogram[nearest.index] += 1
                squaredOffsets += Double(nearest.distance) * Double(nearest.distance)
            }
        }
        spread = highQuality > 0 ? (squaredOffsets / Double(2 * highQuality)).squareRoot() / Double(mixture.standardDeviation) : nil
        modeCount = mixture.means.count
        modeHistogram = histogram
        coveredModes = histogram.filter { $0 >= minimumSamplesPerMode }.count
        highQualityShare = count > 0 ? Double(highQuality) / Double(count) : 0
        sampleCount = count
        if highQuality > 0 {
            let uniform = 1 / Double(modeCount)
            var divergence = 0.0
            for value in histogram where value > 0 {
                let p = Double(value) / Double(highQuality)
                divergence += p * log(p / uniform)
            }
            reverseKL = max(0, divergence)
        } else {
            reverseKL = nil
        }
    }
}
