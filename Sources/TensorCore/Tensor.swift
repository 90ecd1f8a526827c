/// An n-dimensional array of `Float`: row-major, contiguous and immutable.
///
/// A tensor is a value: operations return new tensors and never change their operands. While a
/// gradient transform (`grad`, `valueAndGrad`, `vjp`) runs, each operation also records how to
/// send gradients back to its inputs.
///
/// ```swift
/// let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
/// a.shape    // [2, 3]
/// a.scalars  // [1, 2, 3, 4, 5, 6]
/// ```
public struct Tensor: @unchecked Sendable {
    /// The size of each axis.
    public let shape: [Int]
    /// The elements, row-major. Reshapes share it.
    public private(set) var storage: TensorStorage
    /// How this tensor was computed, when a gradient transform is recording.
    let node: Node?

    init(shape: [Int], storage: TensorStorage, node: Node? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of `shape` whose elements `initializer` writes through a pointer to
    /// uninitialized memory; it must write every element and must not keep the pointer.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutablePointer<Float>) -> Void) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:initializingWith:): negative size in shape \(shape)")
        let storage = TensorStorage(uninitializedCount: shape.reduce(1, *))
        initializer(storage.base)
        self.init(shape: shape, storage: storage)
    }

    /// A tensor holding `scalars` (row-major) in the given shape.
    public init(_ scalars: [Float], shape: [Int]) {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor(_:shape:): negative size in shape \(shape)")
        require(scalars.count == shape.reduce(1, *),
                     "Tensor(_:shape:): \(scalars.count) scalars do not fill shape \(shape)")
        self.init(shape: shape) { base in
            scalars.withUnsafeBufferPointer { base.update(from: $0.baseAddress!, count: scalars.count) }
        }
    }

    /// A vector holding `scalars`.
    public init(_ scalars: [Float]) { self.init(scalars, shape: [scalars.count]) }

    /// A rank-0 tensor holding one value.
    public init(_ scalar: Float) { self.init([scalar], shape: []) }

    /// The elements, row-major.
    public var scalars: [Float] { Array(UnsafeBufferPointer(start: storage.base, count: count)) }

    /// The one element of a tensor with one element.
    public var scalar: Float {
        require(count == 1, "scalar: tensor of shape \(shape) has \(count) elements, not 1")
        return storage.base[0]
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of axes.
    public var rank: Int { shape.count }

    /// Whether a gradient transform is tracing this tensor.
    public var isTraced: Bool { node != nil }

    /// This tensor's elements, writable, when nothing else (no copy of this value, reshape or
    /// recorded graph) refers to them, so that changing them in place is seen by no one else;
    /// nil otherwise. For update rules that replace a state tensor by a new value of the same
    /// shape (an optimizer's moments): the caller writes every element it changes before
    /// anything else reads this tensor.
    public mutating func uniquelyReferencedElements() -> UnsafeMutablePointer<Float>? {
        guard node == nil, isKnownUniquelyReferenced(&storage) else { return nil }
        return storage.base
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(16).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(count > 16 ? ", ..." : "")])"
    }
}
