import Foundation

/// The per-element functions of the hot elementwise ops, as types (see `UnaryFunction`).
enum ScalarFunctions {
    struct Add: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b } }
    struct Subtract: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b } }
    struct Multiply: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b } }
    struct Divide: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b } }
    struct Maximum: BinaryFunction { func callAsFunction(_ a: Float, _ b: Float) -> Float { Swift.max(a, b) } }
    struct AddConstant: UnaryFunction {
        let constant: Float
        func callAsFunction(_ x: Float) -> Float { x + constant }
    }
    struct MultiplyConstant: UnaryFunction {
        let constant: Float
        func callAsFunction(_ x: Float) -> Float { x * constant }
    }
    struct Exp: UnaryFunction { func callAsFunction(_ x: Float) -> Float { Foundation.exp(x) } }
    struct Log: UnaryFunction { func callAsFunction(_ x: Float) -> Float { Foundation.log(x) } }
    struct SquareRoot: UnaryFunction { func callAsFunction(_ x: Float) -> Float { x.squareRoot() } }
    struct Tanh: UnaryFunction { func callAsFunction(_ x: Float) -> Float { Foundation.tanh(x) } }
    struct Sigmoid: UnaryFunction {
        func callAsFunction(_ x: Float) -> Float {
            x >= 0 ? 1 / (1 + Foundation.exp(-x)) : Foundation.exp(x) / (1 + Foundation.exp(x))
        }
    }
    struct Softplus: UnaryFunction {
        func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
    }
    /// max(x, 0) (0 at -infinity, as PyTorch).
    struct Relu: UnaryFunction { func callAsFunction(_ x: Float) -> Float { Swift.max(x, 0) } }
    /// x for x > 0, slope · x otherwise.
    struct LeakyRelu: UnaryFunction {
        let slope: Float
        func callAsFunction(_ x: Float) -> Float { x > 0 ? x : x * slope }
    }
    /// The derivative of `LeakyRelu` times a cotangent: g for x > 0, slope · g otherwise.
    struct LeakyReluGradient: BinaryFunction {
        let slope: Float
        func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : g * slope }
    }
}
