import Datasets
import TensorCore

/// A family whose training step is made of parts that run on their own, such as LAPGAN's
/// levels: `gankit bench train` times each part besides the whole step.
public protocol PartwiseTimed {
    /// Runs each part `steps` times on `batch` (after one untimed run) and returns its wall time
    /// in seconds, named as the benchmark prints it.
    func timeParts(on batch: Batch, steps: Int, randomness: inout RandomGenerator) -> [(name: String, seconds: Double)]
}
