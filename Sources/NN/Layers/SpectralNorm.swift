import TensorCore

/// Spectral normalization (Miyato et al. 2018) as `torch.nn.utils.spectral_norm`: the layer's
/// weight is divided by its largest singular value, estimated by power iteration with a
/// persistent vector `u` (one iteration per training forward pass).
///
/// Checkpoint keys match PyTorch's: `weight_orig` (the trained parameter), `weight_u` and
/// `weight_v` (buffers).
struct SpectralNormalization {
    /// The weight axis that becomes the rows of the matrix (1 for transposed convolutions).
    let dimension: Int
    let iterations: Int
    let epsilon: Float

    /// The weight as a [rows, columns] matrix.
    func matrix(_ weight: Tensor) -> Tensor {
        let moved = dimension == 0 ? weight : weight.transposed(0, dimension)
        return moved.reshape([moved.shape[0], -1])
    }

    static func normalized(_ v: Tensor, epsilon: Float) -> Tensor {
        v / Swift.max(v.square().sum().scalar.squareRoot(), epsilon)
    }

    /// The normalized weight of `module`, updating its `u` and `v` in training mode.
    func weight(of module: Module) -> Tensor {
        let original = module.parameter("weight_orig")
        let w = matrix(original)
        var u = module.buffer("weight_u"), v = module.buffer("weight_v")
        if module.isTraining {
            let constant = stopGradient(w)
            for _ in 0..<iterations {
                v = Self.normalized(constant.transposed().matmul(u), epsilon: epsilon)
                u = Self.normalized(constant.matmul(v), epsilon: epsilon)
            }
            module.setBuffer("weight_u", u)
            module.setBuffer("weight_v", v)
        }
        let sigma = (u * w.matmul(v)).sum()
        return original / sigma
    }
}

extension Module {
    /// The weight a layer computes with: `weight`, or its spectrally normalized form.
    public func effectiveWeight() -> Tensor {
        spectralNormalization?.weight(of: self) ?? parameter("weight")
    }
}

/// Installs spectral normalization on a layer with a `weight` (Linear, Conv2d,
/// ConvTranspose2d) and returns the layer.
///
/// ```swift
/// let conv = spectralNorm(Conv2d(64, 128, kernelSize: 4, stride: 2, padding: 1, generator: &rng), generator: &rng)
/// ```
@discardableResult
public func spectralNorm<Layer: Module>(_ layer: Layer, iterations: Int = 1, epsilon: Float = 1e-12,
                                        generator: inout RandomGenerator) -> Layer {
    require(layer.spectralNormalization == nil, "spectralNorm: \(Layer.self) is already spectrally normalized")
    let normalization = SpectralNormalization(dimension: layer is ConvTranspose2d ? 1 : 0, iterations: iterations, epsilon: epsilon)
    let w = normalization.matrix(layer.parameter("weight"))
    layer.renameParameter("weight", to: "weight_orig")
    layer.registerBuffer("weight_u", SpectralNormalization.normalized(Tensor.randn([w.shape[0]], generator: &generator), epsilon: epsilon))
    layer.registerBuffer("weight_v", SpectralNormalization.normalized(Tensor.randn([w.shape[1]], generator: &generator), epsilon: epsilon))
    layer.spectralNormalization = normalization
    return layer
}
