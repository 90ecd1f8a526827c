import TensorCore

/// Class-conditional batch normalization (de Vries et al. 2017; the generator side of
/// Miyato & Koyama's projection cGAN): batch normalization without its own affine map, then a
/// per-class scale and shift looked up from an embedding. As the PyTorch module
/// `bn = BatchNorm{1,2}d(features, affine=False)`, `embed = Embedding(classes, 2 * features)`
/// whose first half of each row is the scale (initialized to 1) and second half the shift
/// (initialized to 0); keys `bn.running_mean`, ..., `embed.weight`.
public final class ConditionalBatchNorm: Module {
    public let features: Int, classCount: Int
    let normalization: BatchNorm
    let embedding: Embedding

    /// Over [N, features] inputs, or [N, features, H, W] when `spatial`.
    public init(_ features: Int, classCount: Int, spatial: Bool, generator: inout RandomGenerator) {
        self.features = features
        self.classCount = classCount
        normalization = spatial ? BatchNorm2d(features, affine: false) : BatchNorm1d(features, affine: false)
        embedding = Embedding(classCount, 2 * features, generator: &generator)
        super.init()
        registerChild("bn", normalization)
        registerChild("embed", embedding)
        let scale = Tensor.ones([classCount, features]), shift = Tensor.zeros([classCount, features])
        embedding.update(["weight": Tensor.concat([scale, shift], axis: 1)])
    }

    /// Normalizes `input` and applies the scale and shift of each sample's class.
    public func callAsFunction(_ input: Tensor, labels: [Int]) -> Tensor {
        require(labels.count == input.shape[0], "ConditionalBatchNorm: \(labels.count) labels for a batch of \(input.shape[0])")
        let normalized = normalization(input)
        let parameters = embedding(labels)
        let shape = [input.shape[0], features] + Array(repeating: 1, count: input.rank - 2)
        let scale = parameters.slice(axis: 1, 0..<features).reshape(shape)
        let shift = parameters.slice(axis: 1, features..<(2 * features)).reshape(shape)
        return normalized * scale + shift
    }
}
