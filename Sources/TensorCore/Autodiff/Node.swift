/// One recorded operation in the graph a gradient transform traces.
///
/// A node knows the nodes of its inputs and how to turn the cotangent of its output into
/// cotangents of its inputs. That pullback is written with differentiable `Tensor` ops, so
/// while an outer transform is recording, the backward pass is itself recorded and can be
/// differentiated again.
final class Node {
    /// The nodes of the inputs, in the order the pullback returns their cotangents
    /// (nil for inputs that are not traced).
    let inputs: [Node?]
    /// Maps (cotangent of the output, the output, which inputs need a cotangent) to
    /// cotangents of the inputs; an input that needs none may get nil.
    let pullback: ((Tensor, Tensor, [Bool]) -> [Tensor?])?
    /// The output's shape.
    let shape: [Int]
    /// The output's elements, kept only by operations whose pullback reads their output.
    let savedOutput: TensorStorage?
    /// The operation's name, for messages.
    let operation: String

    init(operation: String, inputs: [Node?], shape: [Int], savedOutput: TensorStorage?,
         pullback: ((Tensor, Tensor, [Bool]) -> [Tensor?])?) {
        self.operation = operation
        self.inputs = inputs
        self.shape = shape
        self.savedOutput = savedOutput
        self.pullback = pullback
    }
}

/// Whether operations record themselves: true while any gradient transform is tracing its
/// function, and while a backward pass runs inside such a tracing (for gradients of gradients).
///
/// The depth is one counter for the process: run gradient transforms from one thread at a time
/// (other threads may compute with untraced tensors meanwhile, as the data loader does).
enum Tracing {
    nonisolated(unsafe) static var depth = 0
    static var isRecording: Bool { depth > 0 }
}

extension Tensor {
    /// The result of an operation: `self` (freshly computed, untraced) with a node recording the
    /// pullback when any input is traced and tracing is on.
    ///
    /// - Parameters:
    ///   - savesOutput: keep the output's buffer for the pullback, which then receives the
    ///     traced output as its second argument.
    func recorded(_ operation: String, _ inputs: [Tensor], savesOutput: Bool = false,
                  pullback: @escaping (_ cotangent: Tensor, _ output: Tensor) -> [Tensor?]) -> Tensor {
        recordedSelectively(operation, inputs, savesOutput: savesOutput) { cotangent, output, _ in pullback(cotangent, output) }
    }

    /// As `recorded`, for operations whose pullback skips the work for inputs that need no
    /// cotangent (a convolution's weight gradient when only its input is differentiated).
    func recordedSelectively(_ operation: String, _ inputs: [Tensor], savesOutput: Bool = false,
                             pullback: @escaping (_ cotangent: Tensor, _ output: Tensor, _ needed: [Bool]) -> [Tensor?]) -> Tensor {
        guard Tracing.isRecording, inputs.contains(where: { $0.node != nil }) else { return self }
        let node = Node(operation: operation, inputs: inputs.map(\.node), shape: shape,
                        savedOutput: savesOutput ? storage : nil, pullback: pullback)
        return Tensor(shape: shape, storage: storage, node: node)
    }
}
