import TensorCore

/// A table of `count` learned vectors of size `dimension`, looked up by index (as
/// `torch.nn.Embedding`, initialized N(0, 1)).
public final class Embedding: Module {
    public let count: Int, dimension: Int

    public init(_ count: Int, _ dimension: Int, generator: inout RandomGenerator) {
        self.count = count
        self.dimension = dimension
        super.init()
        registerParameter("weight", Tensor.randn([count, dimension], generator: &generator))
    }

    /// The vectors of `indices`, shape [indices.count, dimension].
    public func callAsFunction(_ indices: [Int]) -> Tensor {
        require(indices.allSatisfy { (0..<count).contains($0) }, "Embedding(\(count), \(dimension)): an index is outside 0..<\(count)")
        return parameter("weight").gather(indices: indices, axis: 0)
    }

    /// The vectors of indices given as a float tensor of whole numbers.
    public override func callAsFunction(_ input: Tensor) -> Tensor {
        self(input.scalars.map { Int($0) }).reshape(input.shape + [dimension])
    }
}
