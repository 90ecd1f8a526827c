/// Elementwise arithmetic with NumPy broadcasting. The pullbacks sum cotangents back to the
/// shape of each operand.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        Elementwise.zip(a, b, operation: "add", ScalarFunctions.Add()).recordedSelectively("add", [a, b]) { g, _, needed in
            [needed[0] ? g.sum(toShape: a.shape) : nil, needed[1] ? g.sum(toShape: b.shape) : nil]
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        Elementwise.zip(a, b, operation: "subtract", ScalarFunctions.Subtract()).recordedSelectively("subtract", [a, b]) { g, _, needed in
            [needed[0] ? g.sum(toShape: a.shape) : nil, needed[1] ? (-g).sum(toShape: b.shape) : nil]
        }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        Elementwise.zip(a, b, operation: "multiply", ScalarFunctions.Multiply()).recordedSelectively("multiply", [a, b]) { g, _, needed in
            [needed[0] ? (g * b).sum(toShape: a.shape) : nil, needed[1] ? (g * a).sum(toShape: b.shape) : nil]
        }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        Elementwise.zip(a, b, operation: "divide", ScalarFunctions.Divide()).recordedSelectively("divide", [a, b]) { g, _, needed in
            [needed[0] ? (g / b).sum(toShape: a.shape) : nil, needed[1] ? (-g * a / (b * b)).sum(toShape: b.shape) : nil]
        }
    }

    /// Adds a constant to every element.
    public static func + (a: Tensor, b: Float) -> Tensor {
        Elementwise.map(a, ScalarFunctions.AddConstant(constant: b)).recorded("addScalar", [a]) { g, _ in [g] }
    }

    /// Multiplies every element by a constant.
    public static func * (a: Tensor, b: Float) -> Tensor {
        Elementwise.map(a, ScalarFunctions.MultiplyConstant(constant: b)).recorded("multiplyScalar", [a]) { g, _ in [g * b] }
    }

    public static func + (a: Float, b: Tensor) -> Tensor { b + a }
    public static func - (a: Tensor, b: Float) -> Tensor { a + (-b) }
    public static func - (a: Float, b: Tensor) -> Tensor { -b + a }
    public static func * (a: Float, b: Tensor) -> Tensor { b * a }
    public static func / (a: Tensor, b: Float) -> Tensor { a * (1 / b) }
    public static func / (a: Float, b: Tensor) -> Tensor { Tensor(a) / b }

    public static prefix func - (x: Tensor) -> Tensor { x * -1 }

    /// The larger of the two elements at each position (ties share the gradient equally).
    public func maximum(_ other: Tensor) -> Tensor {
        let a = self, b = other
        return Elementwise.zip(a, b, operation: "maximum") { Swift.max($0, $1) }.recorded("maximum", [a, b]) { g, _ in
            let share = Elementwise.zip(a, b, operation: "maximum") { $0 > $1 ? 1 : ($0 == $1 ? 0.5 : 0) }
            return [(g * share).sum(toShape: a.shape), (g * (1 - share)).sum(toShape: b.shape)]
        }
    }

    /// The smaller of the two elements at each position (ties share the gradient equally).
    public func minimum(_ other: Tensor) -> Tensor { -((-self).maximum(-other)) }

    /// The larger of each element and a constant.
    public func maximum(_ bound: Float) -> Tensor {
        let x = self
        return Elementwise.map(x) { Swift.max($0, bound) }.recorded("maximumScalar", [x]) { g, _ in
            [g * Elementwise.map(x) { $0 > bound ? 1 : ($0 == bound ? 0.5 : 0) }]
        }
    }

    /// The smaller of each element and a constant.
    public func minimum(_ bound: Float) -> Tensor { -((-self).maximum(-bound)) }

    /// Each element limited to `[lower, upper]`.
    public func clamped(min lower: Float, max upper: Float) -> Tensor {
        require(lower <= upper, "clamped: lower bound \(lower) above upper bound \(upper)")
        return maximum(lower).minimum(upper)
    }
}
