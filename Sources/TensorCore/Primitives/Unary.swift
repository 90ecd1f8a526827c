import Foundation

/// Elementwise functions of one tensor.
extension Tensor {
    public func exp() -> Tensor {
        Elementwise.map(self, ScalarFunctions.Exp()).recorded("exp", [self], savesOutput: true) { g, y in [g * y] }
    }

    /// Natural logarithm.
    public func log() -> Tensor {
        let x = self
        return Elementwise.map(x, ScalarFunctions.Log()).recorded("log", [x]) { g, _ in [g / x] }
    }

    public func sqrt() -> Tensor {
        Elementwise.map(self, ScalarFunctions.SquareRoot()).recorded("sqrt", [self], savesOutput: true) { g, y in [g / (y * 2)] }
    }

    /// Each element raised to a constant power.
    public func pow(_ exponent: Float) -> Tensor {
        let x = self
        if exponent == 1 { return x }
        if exponent == 2 { return x * x }
        return Elementwise.map(x) { Foundation.pow($0, exponent) }.recorded("pow", [x]) { g, _ in
            [g * x.pow(exponent - 1) * exponent]
        }
    }

    /// Each element raised to the power in `exponent` (broadcast): exp(exponent * log(self)).
    public func pow(_ exponent: Tensor) -> Tensor { (exponent * log()).exp() }

    public func abs() -> Tensor {
        let x = self
        return Elementwise.map(x) { Swift.abs($0) }.recorded("abs", [x]) { g, _ in [g * x.sign()] }
    }

    /// -1, 0 or 1 by the sign of each element (a constant for differentiation).
    public func sign() -> Tensor { Elementwise.map(self) { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) } }

    public func square() -> Tensor { self * self }

    public func tanh() -> Tensor {
        Elementwise.mapVectors(self, VectorFunctions.tanh).recorded("tanh", [self], savesOutput: true) { g, y in
            [g * (1 - y * y)]
        }
    }

    /// The logistic function 1 / (1 + exp(-x)).
    public func sigmoid() -> Tensor {
        Elementwise.map(self, ScalarFunctions.Sigmoid()).recorded("sigmoid", [self], savesOutput: true) { g, y in [g * y * (1 - y)] }
    }

    public func relu() -> Tensor {
        let x = self
        return Elementwise.map(x, ScalarFunctions.Relu()).recorded("relu", [x]) { g, _ in
            [g.leakyReluGradient(at: x, slope: 0)]
        }
    }

    /// x for positive x, `slope * x` otherwise.
    public func leakyRelu(_ slope: Float = 0.01) -> Tensor {
        let x = self
        return Elementwise.map(x, ScalarFunctions.LeakyRelu(slope: slope)).recorded("leakyRelu", [x]) { g, _ in
            [g.leakyReluGradient(at: x, slope: slope)]
        }
    }

    /// This cotangent times the derivative of `leakyRelu(slope)` at `x`: self where x > 0,
    /// slope · self elsewhere. Linear in the cotangent; its derivative in x is zero almost
    /// everywhere, so only the cotangent is differentiated.
    func leakyReluGradient(at x: Tensor, slope: Float) -> Tensor {
        let g = self
        return Elementwise.zip(g, x, operation: "leakyReluGradient", ScalarFunctions.LeakyReluGradient(slope: slope))
            .recordedSelectively("leakyReluGradient", [g, x]) { gg, _, _ in [gg.leakyReluGradient(at: x, slope: slope), nil] }
    }

    /// log(1 + exp(x)), computed without overflow.
    public func softplus() -> Tensor {
        let x = self
        return Elementwise.map(x, ScalarFunctions.Softplus())
            .recorded("softplus", [x]) { g, _ in [g * x.sigmoid()] }
    }

    /// log(sigmoid(x)) = -softplus(-x).
    public func logSigmoid() -> Tensor { -(-self).softplus() }
}
