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
    let named = model.namedParameters(trainableOnly: true)
    let names = named.map(\.name)
    let (value, pullback) = vjp({ (traced: [Tensor]) -> Tensor in
        model.update(Dictionary(uniqueKeysWithValues: zip(names, traced)))
        defer { model.update(Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.value) })) }
        let value = loss(model)
        require(value.count == 1, "valueAndGrad(model:): the loss must have one element, not shape \(value.shape)")
        return value
    }, at: named.map(\.value))
    let gradients = pullback(Tensor.ones(value.shape))
    return (value, Dictionary(uniqueKeysWithValues: zip(names, gradients)))
}
