import TensorCore

/// An exponential moving average of a model's parameters (the "EMA generator" of GAN
/// training): after each step, average = decay · average + (1 - decay) · parameter. Buffers
/// (BatchNorm statistics) are copied as they are.
public final class ExponentialMovingAverage {
    public let decay: Float
    /// The averaged parameters and copied buffers by dotted name.
    public private(set) var values: [String: Tensor]

    /// Starts the average at the model's current state.
    public init(of model: Module, decay: Float = 0.999) {
        require((0...1).contains(decay), "ExponentialMovingAverage: decay \(decay) outside [0, 1]")
        self.decay = decay
        values = Dictionary(uniqueKeysWithValues: model.state().map { ($0.name, $0.value) })
    }

    /// Moves the average toward the model's current parameters.
    public func update(from model: Module) {
        for (name, parameter) in model.namedParameters() {
            values[name] = values[name].map { $0 * decay + parameter * (1 - decay) } ?? parameter
        }
        for (name, buffer) in model.namedBuffers() { values[name] = buffer }
    }

    /// Writes the averaged state into `model` (a copy of the trained network's architecture).
    public func copy(to model: Module) { model.update(values) }

    /// Restores saved averages (from `values` of an average of the same model); every name must
    /// be present with its shape.
    public func restore(_ saved: [String: Tensor], source: String) throws {
        let missing = values.keys.filter { saved[$0] == nil }.sorted()
        let wrong = values.compactMap { name, value in saved[name].flatMap { $0.shape == value.shape ? nil : name } }.sorted()
        guard missing.isEmpty, wrong.isEmpty, saved.count == values.count else {
            throw CheckpointError.mismatch(file: source, missing: missing,
                                           unexpected: saved.keys.filter { values[$0] == nil }.sorted(), wrongShape: wrong)
        }
        values = saved
    }
}
