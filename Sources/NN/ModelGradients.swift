import TensorCore

/// The value of `loss(model)` and its gradients with respect to the model's trainable
/// parameters, keyed by their dotted names.
///
/// ```swift
/// let (lossD, gradients) = valueAndGrad(model: D) { D in bceWithLogits(D(real), target: 1) }
/// optimizer.update(D, gradients: gradients)
/// ```
/// Only the model's own parameters are traced: another network used inside `loss` (D inside
/// the generator's loss) passes gradients through without computing its own weight gradients.
public func valueAndGrad<Model: Module>(model: Model, _ loss: (Model) -> Tensor) -> (value: Tensor, gradients: [String: Tensor]) {
    let (value, pullback) = valueAndPullback(model: model, loss)
    require(value.count == 1, "valueAndGrad(model:): the loss must have one element, not shape \(value.shape)")
    return (value, pullback(Tensor.ones(value.shape)))
}

/// The value of `f(model)` and its pullback: a cotangent of the value to gradients with
/// respect to the model's trainable parameters, by dotted name. The traced value can be used
/// (detached) before the pullback runs, as a DCGAN step uses G(z) first for D's update and
/// then for G's.
public func valueAndPullback<Model: Module>(model: Model, _ f: (Model) -> Tensor) -> (value: Tensor, pullback: (Tensor) -> [String: Tensor]) {
    let named = model.namedParameters(trainableOnly: true)
    let names = named.map(\.name)
    let (value, pullback) = vjp({ (traced: [Tensor]) -> Tensor in
        model.update(Dictionary(uniqueKeysWithValues: zip(names, traced)))
        defer { model.update(Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.value) })) }
        return f(model)
    }, at: named.map(\.value))
    return (value, { cotangent in Dictionary(uniqueKeysWithValues: zip(names, pullback(cotangent))) })
}
