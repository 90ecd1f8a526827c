/// The gradient transforms: `grad`, `valueAndGrad`, `vjp` and `stopGradient`.
///
/// They compose: a transform may run inside the function another transform traces, so
/// `grad { x in grad(f)(x).sum() }` is the gradient of a gradient (what gradient penalties
/// and R1 need).

extension Tensor {
    /// A new traced variable with this tensor's value. When this tensor is itself traced by an
    /// enclosing transform, the variable stays connected to it.
    func tracedVariable() -> Tensor {
        let leaf = Node(operation: "variable", inputs: [node], shape: shape, savedOutput: nil) { cotangent, _, _ in
            [cotangent]
        }
        return Tensor(shape: shape, storage: storage, node: leaf)
    }

    /// This tensor as a constant: gradients do not flow through it.
    public func detached() -> Tensor { Tensor(shape: shape, storage: storage) }
}

/// `x` as a constant: gradients do not flow through the result.
public func stopGradient(_ x: Tensor) -> Tensor { x.detached() }

/// The value of a scalar function of several tensors and its gradient with respect to each.
public func valueAndGrad(_ f: @escaping ([Tensor]) -> Tensor) -> ([Tensor]) -> (value: Tensor, gradients: [Tensor]) {
    { points in
        let (value, pullback) = vjp(f, at: points)
        require(value.count == 1, "valueAndGrad: the function must return one element, not shape \(value.shape)")
        return (value, pullback(Tensor.ones(value.shape)))
    }
}

/// The value of a scalar function of one tensor and its gradient.
public func valueAndGrad(_ f: @escaping (Tensor) -> Tensor) -> (Tensor) -> (value: Tensor, gradient: Tensor) {
    let many = valueAndGrad { (points: [Tensor]) in f(points[0]) }
    return { x in
        let (value, gradients) = many([x])
        return (value, gradients[0])
    }
}

/// The value of a scalar function of two tensors and its gradients.
public func valueAndGrad(_ f: @escaping (Tensor, Tensor) -> Tensor) -> (Tensor, Tensor) -> (value: Tensor, gradients: (Tensor, Tensor)) {
    let many = valueAndGrad { (points: [Tensor]) in f(points[0], points[1]) }
    return { x, y in
        let (value, gradients) = many([x, y])
        return (value, (gradients[0], gradients[1]))
    }
}

/// The gradient of a scalar function of one tensor.
public func grad(_ f: @escaping (Tensor) -> Tensor) -> (Tensor) -> Tensor {
    let both = valueAndGrad(f)
    return { both($0).gradient }
}

/// The gradients of a scalar function of two tensors.
public func grad(_ f: @escaping (Tensor, Tensor) -> Tensor) -> (Tensor, Tensor) -> (Tensor, Tensor) {
    let both = valueAndGrad(f)
    return { both($0, $1).gradients }
}

/// The gradients of a scalar function of several tensors.
public func grad(_ f: @escaping ([Tensor]) -> Tensor) -> ([Tensor]) -> [Tensor] {
    let both = valueAndGrad(f)
    return { both($0).gradients }
}

/// The value of `f` at several points and its pullback: the map from a cotangent of the value
/// to the cotangents of the points (a vector-Jacobian product). The pullback may be called
/// several times.
public func vjp(_ f: ([Tensor]) -> Tensor, at points: [Tensor]) -> (value: Tensor, pullback: (Tensor) -> [Tensor]) {
    Tracing.depth += 1
    let variables = points.map { $0.tracedVariable() }
    let value = f(variables)
    Tracing.depth -= 1
    let pullback = { (cotangent: Tensor) -> [Tensor] in
        require(cotangent.shape == value.shape,
                     "vjp: cotangent shape \(cotangent.shape) differs from value shape \(value.shape)")
        return Backpropagation.cotangents(of: value, seed: cotangent, targets: variables)
    }
    return (Tracing.isRecording ? value : value.detached(), pullback)
}

/// The value of `f` at `x` and its pullback (a vector-Jacobian product).
public func vjp(_ f: (Tensor) -> Tensor, at x: Tensor) -> (value: Tensor, pullback: (Tensor) -> Tensor) {
    let (value, pullback) = vjp({ f($0[0]) }, at: [x])
    return (value, { pullback($0)[0] })
}
