import TensorCore

/// Updates a model's parameters from their gradients. Optimizers keep per-parameter state by
/// dotted parameter name, which saves to and loads from checkpoints.
public protocol Optimizer: AnyObject {
    /// The step size used by the next update.
    var learningRate: Float { get set }
    /// Updates done so far.
    var step: Int { get }
    /// Applies one update to every parameter of `model` that has a gradient.
    func update(_ model: Module, gradients: [String: Tensor])
    /// The state as named tensors (`exp_avg.0.weight`, ...) plus the step count.
    func stateTensors() -> [String: Tensor]
    /// Restores the state written by `stateTensors` for `model`'s parameters, after checking
    /// that every buffer belongs to a trainable parameter of the same shape.
    func loadState(_ tensors: [String: Tensor], for model: Module) throws
}

/// Per-parameter buffers and the step counter shared by the optimizers.
public class OptimizerState {
    public var learningRate: Float
    public internal(set) var step = 0
    /// Buffers by kind ("exp_avg", "momentum_buffer", ...) and parameter name.
    var buffers: [String: [String: Tensor]] = [:]
    /// Under data parallelism, averages the gradients over the processes before every update.
    public var gradientSynchronizer: GradientSynchronizer?

    init(learningRate: Float) { self.learningRate = learningRate }

    public func stateTensors() -> [String: Tensor] {
        var result = ["step": Tensor(Float(step))]
        for (kind, values) in buffers { for (name, value) in values { result["\(kind).\(name)"] = value } }
        return result
    }

    public func loadState(_ tensors: [String: Tensor], for model: Module) throws {
        guard let stepTensor = tensors["step"], stepTensor.count == 1, stepTensor.scalar.isFinite,
              stepTensor.scalar >= 0, stepTensor.scalar == stepTensor.scalar.rounded(), stepTensor.scalar < 1e15 else {
            throw CheckpointError.invalid("optimizer state has no valid step count")
        }
        let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters(trainableOnly: true).map { ($0.name, $0.value.shape) })
        var loaded: [String: [String: Tensor]] = [:]
        for (key, value) in tensors where key != "step" {
            guard let dot = key.firstIndex(of: ".") else { throw CheckpointError.invalid("optimizer state key \(key) has no buffer kind") }
            let name = String(key[key.index(after: dot)...])
            guard let shape = parameters[name] else {
                throw CheckpointError.invalid("optimizer state \(key) is for \(name), which is not a trainable parameter of the model")
            }
            guard value.shape == shape else {
                throw CheckpointError.invalid("optimizer state \(key) has shape \(value.shape); the parameter has \(shape)")
            }
            loaded[String(key[..<dot]), default: [:]][name] = value
        }
        step = Int(stepTensor.scalar)
        buffers = loaded
    }

    /// Calls `body(name, parameter, gradient)` for each trainable parameter with a gradient and
    /// stores the new parameters in the model.
    func updateEach(_ model: Module, _ gradients: [String: Tensor], _ body: (String, Tensor, Tensor) -> Tensor) {
        step += 1
        let parameters = model.namedParameters(trainableOnly: true)
        let gradients = gradientSynchronizer?.averaged(gradients, order: parameters.map(\.name)) ?? gradients
        var updated: [String: Tensor] = [:]
        for (name, parameter) in parameters {
            guard let gradient = gradients[name] else { continue }
            require(gradient.shape == parameter.shape, "optimizer: gradient of \(name) has shape \(gradient.shape), parameter \(parameter.shape)")
            updated[name] = body(name, parameter, gradient)
        }
        model.update(updated)
    }

    /// A buffer of kind `kind` for `name`, zeros when new.
    func buffer(_ kind: String, _ name: String, like parameter: Tensor) -> Tensor {
        buffers[kind]?[name] ?? Tensor.zeros(parameter.shape)
    }

    /// The buffer of kind `kind` for `name`, removed from this optimizer's state (zeros when
    /// new), so that the caller may hold the only reference to it; store its new value with
    /// `setBuffer`.
    func takeBuffer(_ kind: String, _ name: String, like parameter: Tensor) -> Tensor {
        buffers[kind]?.removeValue(forKey: name) ?? Tensor.zeros(parameter.shape)
    }

    func setBuffer(_ kind: String, _ name: String, _ value: Tensor) { buffers[kind, default: [:]][name] = value }
}

/// Fused elementwise passes for the update rules: optimizers run outside any gradient
/// transform, and one pass per rule keeps the step cheap. The operands are parameters of
/// these functions, so their buffers stay alive while the pass reads them.
enum UpdateKernel {
    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let pa = a.storage.base, pb = b.storage.base
        return Tensor(shape: a.shape) { out in for i in 0..<a.count { out[i] = f(pa[i], pb[i]) } }
    }

    /// Three new tensors of `shape` whose elements `fill` writes through the three pointers.
    @inline(__always)
    static func outputs(_ shape: [Int], _ fill: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>) -> Void)
        -> (Tensor, Tensor, Tensor) {
        var second = Tensor(0), third = Tensor(0)
        let first = Tensor(shape: shape) { a in
            second = Tensor(shape: shape) { b in
                third = Tensor(shape: shape) { c in fill(a, b, c) }
            }
        }
        return (first, second, third)
    }

    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, _ c: Tensor, _ f: (Float, Float, Float) -> Float) -> Tensor {
        let pa = a.storage.base, pb = b.storage.base, pc = c.storage.base
        return Tensor(shape: a.shape) { out in for i in 0..<a.count { out[i] = f(pa[i], pb[i], pc[i]) } }
    }
}
