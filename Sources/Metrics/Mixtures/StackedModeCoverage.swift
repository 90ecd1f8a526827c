import Foundation
import TensorCore

/// Mode collapse on stacked Fashion-MNIST (the "stacked MNIST" protocol of VEEGAN and PacGAN):
/// each of a sample's three channels is classified by the evaluator, and the three classes
/// name one of 10³ = 1,000 modes (`first · 100 + second · 10 + third`, the stacked dataset's
/// labels). A mode is covered when at least one sample falls in it; the KL divergence
/// KL(mode histogram ‖ uniform) is in nats (0 for a perfectly even spread; with 26,000 samples
/// drawn evenly, sampling alone leaves about 0.02).
public struct StackedModeCoverage: Sendable, Equatable, Codable {
    /// The number of samples the protocol evaluates.
    public static let protocolSampleCount = 26_000

    /// Modes with at least one sample.
    public let coveredModes: Int
    /// 10^channels modes.
    public let modeCount: Int
    /// KL(histogram ‖ uniform), in nats.
    public let klToUniform: Double
    /// Samples per mode.
    public let modeHistogram: [Int]
    public let sampleCount: Int

    /// Counts the modes of `images` (`[N, C, H, W]`), classifying each channel with
    /// `classify` (a batch of one-channel images `[n, 1, H, W]` to one class in 0..<10 each).
    public init(images: Tensor, classify: (Tensor) -> [Int]) {
        precondition(images.rank == 4, "StackedModeCoverage: images must be [N, C, H, W], not \(images.shape)")
        let (count, channels) = (images.shape[0], images.shape[1])
        var modes = [Int](repeating: 0, count: count)
        for channel in 0..<channels {
            let classes = classify(images.slice(axis: 1, channel..<(channel + 1)))
            precondition(classes.count == count, "StackedModeCoverage: \(classes.count) classes for \(count) images")
            for index in 0..<count { modes[index] = modes[index] * 10 + classes[index] }
        }
        self.init(modes: modes, modeCount: Int(pow(10, Double(channels))))
    }

    /// The coverage of samples whose modes are `modes` (each in 0..<modeCount).
    public init(modes: [Int], modeCount: Int) {
        var histogram = [Int](repeating: 0, count: modeCount)
        for mode in modes { histogram[mode] += 1 }
        self.modeCount = modeCount
        modeHistogram = histogram
        sampleCount = modes.count
        coveredModes = histogram.filter { $0 > 0 }.count
        let total = Double(modes.count)
        klToUniform = total == 0 ? 0 : histogram.reduce(0.0) { sum, value in
            guard value > 0 else { return sum }
            let p = Double(value) / total
            return sum + p * log(p * Double(modeCount))
        }
    }
}
