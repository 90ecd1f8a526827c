import TensorCore

/// A neural-network building block with named parameters, buffers and child modules, as
/// `torch.nn.Module`.
///
/// Names join with dots across children (`0.weight`, `1.running_mean`), matching PyTorch's
/// `state_dict`, so checkpoints move between the two. Tensors are values: a module holds the
/// current tensors and an optimizer replaces them.
open class Module {
    /// Whether the module is in training mode (batch statistics, dropout) or evaluation mode.
    public private(set) var isTraining = true
    /// A frozen module's parameters get no gradients and are not updated.
    public var isFrozen = false

    private var parameterNames: [String] = []
    private var parameterValues: [String: Tensor] = [:]
    private var bufferNames: [String] = []
    private var bufferValues: [String: Tensor] = [:]
    /// Buffers stored as 64-bit integers in checkpoints (e.g. `num_batches_tracked`).
    public private(set) var integerBufferNames: Set<String> = []
    /// Spectral normalization of this module's weight, when installed (see `SpectralNorm`).
    var spectralNormalization: SpectralNormalization?
    private var childNames: [String] = []
    private var childModules: [String: Module] = [:]

    public init() {}

    // MARK: Registration

    /// Adds a parameter (trained by optimizers).
    public func registerParameter(_ name: String, _ value: Tensor) {
        require(parameterValues[name] == nil && bufferValues[name] == nil, "\(Self.self): \(name) registered twice")
        parameterNames.append(name)
        parameterValues[name] = value
    }

    /// Adds a buffer (state saved in checkpoints but not trained), optionally stored as an integer.
    public func registerBuffer(_ name: String, _ value: Tensor, integer: Bool = false) {
        require(parameterValues[name] == nil && bufferValues[name] == nil, "\(Self.self): \(name) registered twice")
        bufferNames.append(name)
        bufferValues[name] = value
        if integer { integerBufferNames.insert(name) }
    }

    /// Adds a child module under `name`.
    public func registerChild(_ name: String, _ module: Module) {
        require(childModules[name] == nil, "\(Self.self): child \(name) registered twice")
        childNames.append(name)
        childModules[name] = module
    }

    /// Renames one of this module's own parameters (used by reparametrizations such as
    /// spectral normalization, which store `weight` as `weight_orig`).
    public func renameParameter(_ name: String, to newName: String) {
        guard let index = parameterNames.firstIndex(of: name), let value = parameterValues.removeValue(forKey: name) else {
            fatalError("\(Self.self): no parameter \(name)")
        }
        parameterNames[index] = newName
        parameterValues[newName] = value
    }

    // MARK: Access

    /// One of this module's own parameters.
    public func parameter(_ name: String) -> Tensor {
        guard let value = parameterValues[name] else { fatalError("\(Self.self): no parameter \(name)") }
        return value
    }

    /// One of this module's own parameters, or nil.
    public func optionalParameter(_ name: String) -> Tensor? { parameterValues[name] }

    /// One of this module's own buffers.
    public func buffer(_ name: String) -> Tensor {
        guard let value = bufferValues[name] else { fatalError("\(Self.self): no buffer \(name)") }
        return value
    }

    /// Replaces one of this module's own buffers.
    public func setBuffer(_ name: String, _ value: Tensor) {
        require(bufferValues[name] != nil, "\(Self.self): no buffer \(name)")
        bufferValues[name] = value
    }

    /// The child modules, in registration order.
    public var children: [(name: String, module: Module)] { childNames.map { ($0, childModules[$0]!) } }

    /// This module and all descendants with their dotted paths ("" for this module).
    public func namedModules() -> [(name: String, module: Module)] {
        var result: [(String, Module)] = [("", self)]
        for (name, child) in children {
            result += child.namedModules().map { ($0.name.isEmpty ? name : "\(name).\($0.name)", $0.module) }
        }
        return result
    }

    /// All parameters with dotted names; only those of unfrozen modules when `trainableOnly`.
    public func namedParameters(trainableOnly: Bool = false) -> [(name: String, value: Tensor)] {
        namedModules().flatMap { path, module -> [(name: String, value: Tensor)] in
            if trainableOnly && module.isFrozen { return [] }
            return module.parameterNames.map { (path.isEmpty ? $0 : "\(path).\($0)", module.parameterValues[$0]!) }
        }
    }

    /// All buffers with dotted names.
    public func namedBuffers() -> [(name: String, value: Tensor)] {
        namedModules().flatMap { path, module in
            module.bufferNames.map { (path.isEmpty ? $0 : "\(path).\($0)", module.bufferValues[$0]!) }
        }
    }

    /// Dotted names of buffers stored as integers.
    public var integerStateNames: Set<String> {
        Set(namedModules().flatMap { path, module in module.integerBufferNames.map { path.isEmpty ? $0 : "\(path).\($0)" } })
    }

    /// Parameters then buffers, by dotted name: what a checkpoint holds.
    public func state() -> [(name: String, value: Tensor)] {
        namedModules().flatMap { path, module -> [(name: String, value: Tensor)] in
            let prefix = path.isEmpty ? "" : "\(path)."
            return module.parameterNames.map { (prefix + $0, module.parameterValues[$0]!) }
                + module.bufferNames.map { (prefix + $0, module.bufferValues[$0]!) }
        }
    }

    /// Number of scalar parameters.
    public var parameterCount: Int { namedParameters().map(\.value.count).reduce(0, +) }

    // MARK: Changing

    /// Replaces parameters or buffers by dotted name; every name must exist and keep its shape.
    public func update(_ values: [String: Tensor]) {
        for (name, value) in values {
            let (module, leaf) = owner(of: name)
            if let old = module.parameterValues[leaf] {
                require(old.shape == value.shape, "update: \(name) has shape \(old.shape), not \(value.shape)")
                module.parameterValues[leaf] = value
            } else if let old = module.bufferValues[leaf] {
                require(old.shape == value.shape, "update: \(name) has shape \(old.shape), not \(value.shape)")
                module.bufferValues[leaf] = value
            } else {
                fatalError("update: no parameter or buffer \(name) in \(Self.self)")
            }
        }
    }

    /// The module owning a dotted name, and the name within it.
    func owner(of dottedName: String) -> (Module, String) {
        var module = self
        var parts = dottedName.split(separator: ".").map(String.init)
        let leaf = parts.removeLast()
        for part in parts {
            guard let child = module.childModules[part] else { fatalError("no module \(part) in \(dottedName)") }
            module = child
        }
        return (module, leaf)
    }

    /// Training mode for this module and all descendants.
    public func train(_ training: Bool = true) {
        for (_, module) in namedModules() { module.isTraining = training }
    }

    /// Evaluation mode for this module and all descendants.
    public func eval() { train(false) }

    /// Freezes this module and its descendants (no gradients, no updates).
    public func freeze() { for (_, module) in namedModules() { module.isFrozen = true } }

    /// Unfreezes this module and its descendants.
    public func unfreeze() { for (_, module) in namedModules() { module.isFrozen = false } }

    /// The forward pass of a module with one input and one output.
    open func callAsFunction(_ input: Tensor) -> Tensor {
        fatalError("\(Self.self) has no single-tensor forward pass")
    }
}

extension Module {
    /// A parameter by dotted name (`"3.weight"`).
    public func parameter(named dottedName: String) -> Tensor {
        let (module, leaf) = owner(of: dottedName)
        return module.parameter(leaf)
    }
}
