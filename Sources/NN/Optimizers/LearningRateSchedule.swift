import Foundation

/// A learning rate as a function of the update step (0-based), as PyTorch's schedulers.
public enum LearningRateSchedule: Sendable, Equatable, Codable {
    /// The base rate throughout.
    case constant
    /// The base rate times `factor` after every `stepSize` steps (`StepLR`).
    case step(stepSize: Int, factor: Float)
    /// Cosine annealing from the base rate to `minimum` over `period` steps (`CosineAnnealingLR`).
    case cosine(period: Int, minimum: Float)
    /// A linear ramp from `startFactor` times the base rate to the base rate over `steps` steps,
    /// then the base rate (`LinearLR` as a warm-up).
    case linearWarmup(steps: Int, startFactor: Float)
    /// The base rate for the first `start` steps, then a linear decay towards 0 over the steps
    /// up to `end`: step `s` (0-based) `>= start` takes `1 - (s + 1 - start) / (end - start + 1)`
    /// of the base rate, so the last step (`end - 1`) takes `1 / (end - start + 1)` of it (the
    /// `linear` policy of CycleGAN's reference code). Constant when `start >= end`.
    case linearDecay(start: Int, end: Int)

    /// The rate at `step` for a base rate.
    public func learningRate(at step: Int, base: Float) -> Float {
        switch self {
        case .constant:
            return base
        case let .step(stepSize, factor):
            return base * Foundation.pow(factor, Float(step / max(stepSize, 1)))
        case let .cosine(period, minimum):
            let t = Float(min(step, period)) / Float(max(period, 1))
            return minimum + (base - minimum) * (1 + Foundation.cos(Float.pi * t)) / 2
        case let .linearWarmup(steps, startFactor):
            guard step < steps else { return base }
            return base * (startFactor + (1 - startFactor) * Float(step) / Float(steps))
        case let .linearDecay(start, end):
            guard end > start, step >= start else { return base }
            return base * (1 - Float(step + 1 - start) / Float(end - start + 1))
        }
    }
}
