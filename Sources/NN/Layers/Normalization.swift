import TensorCore

/// Batch normalization over the batch (and spatial) axes, as `torch.nn.BatchNorm1d/2d`:
/// batch statistics in training mode (updating running statistics with `momentum`), running
/// statistics in evaluation mode.
public class BatchNorm: Module {
    public let features: Int
    public let momentum: Float
    public let epsilon: Float
    /// Under data parallelism, the group whose batches together make the statistics
    /// (synchronized batch normalization: every process normalizes with the mean and variance
    /// of the global batch, forward and backward); nil normalizes over this process's batch.
    /// Assumes every process's batch has the same size.
    public var synchronization: (any Communicator)?

    init(features: Int, momentum: Float, epsilon: Float, affine: Bool) {
        self.features = features
        self.momentum = momentum
        self.epsilon = epsilon
        super.init()
        if affine {
            registerParameter("weight", Tensor.ones([features]))
            registerParameter("bias", Tensor.zeros([features]))
        }
        registerBuffer("running_mean", Tensor.zeros([features]))
        registerBuffer("running_var", Tensor.ones([features]))
        registerBuffer("num_batches_tracked", Tensor(0), integer: true)
    }

    /// The shape that broadcasts per-feature values against the input.
    func featureShape(_ input: Tensor) -> [Int] {
        [1, features] + Array(repeating: 1, count: input.rank - 2)
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.rank >= 2 && input.shape[1] == features, "\(Self.self)(\(features)): input shape \(input.shape) has no \(features) features on axis 1")
        let axes = [0] + Array(2..<input.rank)
        let shape = featureShape(input)
        let normalized: Tensor
        if isTraining && synchronization == nil {
            // One fused primitive: statistics, normalization and the affine map in three
            // passes, its backward in five (the composed formula below takes about thirty).
            let count = axes.map { input.shape[$0] }.reduce(1, *)
            require(count > 1, "\(Self.self): training mode needs more than one value per feature, got input \(input.shape)")
            let (output, mean, variance) = input.batchNormalized(weight: optionalParameter("weight"), bias: optionalParameter("bias"),
                                                                 epsilon: epsilon)
            updateRunningStatistics(mean: mean, variance: variance, count: count)
            return output
        }
        if isTraining {
            let localCount = axes.map { input.shape[$0] }.reduce(1, *)
            let count = localCount * (synchronization?.size ?? 1)
            require(count > 1, "\(Self.self): training mode needs more than one value per feature, got input \(input.shape)")
            // Two passes (mean, then the mean square of the centered input), each over the
            // global batch when synchronized: the single-process formula, not E[x²] - E[x]².
            func globalMean(_ x: Tensor) -> Tensor {
                guard let group = synchronization else { return x.mean(axes: axes, keepDims: true) }
                return x.sum(axes: axes, keepDims: true).allReducedSum(over: group) / Float(count)
            }
            let mean = globalMean(input)
            let centered = input - mean
            let variance = globalMean(centered.square())
            normalized = centered / (variance + epsilon).sqrt()
            updateRunningStatistics(mean: stopGradient(mean).reshape([features]), variance: stopGradient(variance).reshape([features]), count: count)
        } else {
            normalized = (input - buffer("running_mean").reshape(shape)) / (buffer("running_var").reshape(shape) + epsilon).sqrt()
        }
        guard let weight = optionalParameter("weight"), let bias = optionalParameter("bias") else { return normalized }
        return normalized * weight.reshape(shape) + bias.reshape(shape)
    }

    /// Moves the running statistics towards this batch's `mean` and biased `variance` ([C],
    /// over `count` values per feature) by `momentum`, storing the variance unbiased.
    func updateRunningStatistics(mean: Tensor, variance: Tensor, count: Int) {
        let m = momentum
        setBuffer("running_mean", buffer("running_mean") * (1 - m) + mean * m)
        let unbiased = variance * (Float(count) / Float(count - 1))
        setBuffer("running_var", buffer("running_var") * (1 - m) + unbiased * m)
        setBuffer("num_batches_tracked", buffer("num_batches_tracked") + 1)
    }
}

/// Batch normalization of [N, C] or [N, C, L] inputs.
public final class BatchNorm1d: BatchNorm {
    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
        super.init(features: features, momentum: momentum, epsilon: epsilon, affine: affine)
    }
}

/// Batch normalization of NCHW inputs.
public final class BatchNorm2d: BatchNorm {
    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5, affine: Bool = true) {
        super.init(features: features, momentum: momentum, epsilon: epsilon, affine: affine)
    }
}

/// Normalization of each sample's channels over their spatial axes, as
/// `torch.nn.InstanceNorm2d` (no running statistics; affine off by default).
public final class InstanceNorm2d: Module {
    public let features: Int, epsilon: Float

    public init(_ features: Int, epsilon: Float = 1e-5, affine: Bool = false) {
        self.features = features
        self.epsilon = epsilon
        super.init()
        if affine {
            registerParameter("weight", Tensor.ones([features]))
            registerParameter("bias", Tensor.zeros([features]))
        }
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.rank == 4 && input.shape[1] == features, "InstanceNorm2d(\(features)): input shape \(input.shape) is not [N, \(features), H, W]")
        let centered = input - input.mean(axes: [2, 3], keepDims: true)
        let normalized = centered / (centered.square().mean(axes: [2, 3], keepDims: true) + epsilon).sqrt()
        guard let weight = optionalParameter("weight"), let bias = optionalParameter("bias") else { return normalized }
        return normalized * weight.reshape([1, features, 1, 1]) + bias.reshape([1, features, 1, 1])
    }
}

/// Normalization over the trailing `normalizedShape` axes with an elementwise affine map,
/// as `torch.nn.LayerNorm`.
public final class LayerNorm: Module {
    public let normalizedShape: [Int], epsilon: Float

    public init(_ normalizedShape: [Int], epsilon: Float = 1e-5, affine: Bool = true) {
        self.normalizedShape = normalizedShape
        self.epsilon = epsilon
        super.init()
        if affine {
            registerParameter("weight", Tensor.ones(normalizedShape))
            registerParameter("bias", Tensor.zeros(normalizedShape))
        }
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(Array(input.shape.suffix(normalizedShape.count)) == normalizedShape,
                "LayerNorm(\(normalizedShape)): input shape \(input.shape) does not end in \(normalizedShape)")
        let axes = Array((input.rank - normalizedShape.count)..<input.rank)
        let centered = input - input.mean(axes: axes, keepDims: true)
        let normalized = centered / (centered.square().mean(axes: axes, keepDims: true) + epsilon).sqrt()
        guard let weight = optionalParameter("weight"), let bias = optionalParameter("bias") else { return normalized }
        return normalized * weight + bias
    }
}
