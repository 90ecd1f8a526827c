import Datasets
import Foundation
import NN
import TensorCore

/// A model family the generic `Trainer` drives: vanilla, dcgan, cgan, lapgan, srgan, ...
///
/// A family names its networks and optimizers, takes one training step on a batch and reports
/// named scalars, and draws its preview picture from fixed inputs it chose at construction. The
/// trainer does the rest once for every family: progress, `metrics.jsonl`, TensorBoard, preview
/// grids, atomic checkpoints of every network, optimizer and random state, exact resumption,
/// the stop on a non-finite scalar, and Ctrl-C.
public protocol GANFamily: AnyObject {
    /// The networks by name, in a stable order. Each is saved as `checkpoints/NAME.safetensors`
    /// (a PyTorch `state_dict`) and inside the training checkpoint.
    var networks: [(name: String, module: Module)] { get }
    /// The optimizers by name, each with the network whose parameters it updates.
    var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] { get }
    /// State besides networks and optimizers that resuming needs (an image pool, say).
    var auxiliaryState: [(name: String, value: Tensor)] { get }
    /// Restores what `auxiliaryState` returned; `source` names the file for errors.
    func restoreAuxiliaryState(_ state: [String: Tensor], source: String) throws
    /// Files written beside the network checkpoints with every checkpoint, by file name
    /// (a text model's vocabulary, say). None by default.
    var companionFiles: [(name: String, contents: Data)] { get }

    /// One training step on `batch`; random draws come from `randomness` (saved with every
    /// checkpoint). Returns the step's scalars by name, the first two shown in progress lines.
    /// A family never applies an update from non-finite gradients; it reports them as
    /// non-finite scalars and the trainer stops.
    func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)]

    /// The picture written to `samples/` after every epoch, from the family's fixed inputs.
    func previewPicture() -> PNGImage
}

extension GANFamily {
    public var auxiliaryState: [(name: String, value: Tensor)] { [] }
    public var companionFiles: [(name: String, contents: Data)] { [] }
    public func restoreAuxiliaryState(_ state: [String: Tensor], source: String) throws {
        guard state.isEmpty else {
            throw CheckpointError.invalid("\(source): unexpected auxiliary state \(state.keys.sorted().joined(separator: ", "))")
        }
    }

    /// The network called `name`.
    public func network(named name: String) -> Module? { networks.first { $0.name == name }?.module }
}

/// Where a training step stands in its run (for learning-rate schedules and annealing).
public struct StepContext: Sendable {
    /// The step being taken, from 1.
    public var step: Int
    /// Steps the whole run takes.
    public var totalSteps: Int
    /// Steps in one epoch.
    public var stepsPerEpoch: Int

    public init(step: Int, totalSteps: Int, stepsPerEpoch: Int) {
        self.step = step
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The fraction of the run done before this step, in [0, 1).
    public var progress: Float { Float(step - 1) / Float(max(totalSteps, 1)) }
}

/// A family that draws samples from noise, optionally conditioned on class labels: what
/// `gankit sample` and `gankit eval --run` use.
public protocol NoiseSampling: GANFamily {
    /// The size of one noise vector.
    var latentSize: Int { get }
    /// The number of classes the samples can be conditioned on, or nil for an unconditional model.
    var classCount: Int? { get }
    /// Whether a moving average of the generator's weights is kept (and used by default).
    var hasAverageGenerator: Bool { get }
    /// Samples for noise `latent` ([N, latentSize]) and, for conditional models, one class
    /// label per row; in evaluation mode, with the averaged weights when `useAverage` and
    /// the family keeps an average.
    func samples(latent: Tensor, labels: [Int]?, useAverage: Bool) -> Tensor
}
