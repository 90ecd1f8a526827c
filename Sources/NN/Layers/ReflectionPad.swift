import TensorCore

extension Tensor {
    /// NCHW images padded by `padding` pixels on every side with their reflection about the
    /// edge pixel (the edge itself is not repeated), as `torch.nn.functional.pad(mode: "reflect")`:
    /// a row `a b c d` padded by 2 is `c b a b c d c b`. Built from slices, flips and
    /// concatenations, so its gradient is differentiable again.
    public func reflectionPadded(_ padding: Int) -> Tensor {
        require(rank == 4, "reflectionPadded: expects NCHW input, got shape \(shape)")
        require(padding >= 0 && padding < shape[2] && padding < shape[3],
                "reflectionPadded: padding \(padding) must be smaller than the image \(shape[3])x\(shape[2])")
        if padding == 0 { return self }
        func pad(_ x: Tensor, axis: Int) -> Tensor {
            let size = x.shape[axis]
            let before = x.slice(axis: axis, 1..<(padding + 1)).flipped(axes: [axis])
            let after = x.slice(axis: axis, (size - 1 - padding)..<(size - 1)).flipped(axes: [axis])
            return Tensor.concat([before, x, after], axis: axis)
        }
        return pad(pad(self, axis: 3), axis: 2)
    }
}

/// Reflection padding of NCHW images, as `torch.nn.ReflectionPad2d(padding)` (no parameters).
public final class ReflectionPad2d: Module {
    public let padding: Int

    public init(_ padding: Int) {
        self.padding = padding
        super.init()
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor { input.reflectionPadded(padding) }
}
