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
        }
    }
}
