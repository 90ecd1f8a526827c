/// Comparisons give masks of 1 and 0 (constants for differentiation); `argmax` gives indices.
extension Tensor {
    public static func .> (a: Tensor, b: Tensor) -> Tensor { Elementwise.zip(a, b, operation: ".>") { $0 > $1 ? 1 : 0 } }
    public static func .< (a: Tensor, b: Tensor) -> Tensor { Elementwise.zip(a, b, operation: ".<") { $0 < $1 ? 1 : 0 } }
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { Elementwise.zip(a, b, operation: ".>=") { $0 >= $1 ? 1 : 0 } }
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { Elementwise.zip(a, b, operation: ".<=") { $0 <= $1 ? 1 : 0 } }
    public static func .== (a: Tensor, b: Tensor) -> Tensor { Elementwise.zip(a, b, operation: ".==") { $0 == $1 ? 1 : 0 } }
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { Elementwise.zip(a, b, operation: ".!=") { $0 != $1 ? 1 : 0 } }
    public static func .> (a: Tensor, b: Float) -> Tensor { Elementwise.map(a) { $0 > b ? 1 : 0 } }
    public static func .< (a: Tensor, b: Float) -> Tensor { Elementwise.map(a) { $0 < b ? 1 : 0 } }
    public static func .>= (a: Tensor, b: Float) -> Tensor { Elementwise.map(a) { $0 >= b ? 1 : 0 } }
    public static func .<= (a: Tensor, b: Float) -> Tensor { Elementwise.map(a) { $0 <= b ? 1 : 0 } }
    public static func .== (a: Tensor, b: Float) -> Tensor { Elementwise.map(a) { $0 == b ? 1 : 0 } }

    /// Whether every element is finite (no NaN or infinity).
    public var isFinite: Bool {
        let p = storage.base
        for i in 0..<count where !p[i].isFinite { return false }
        return true
    }

    /// The index of the largest element along `axis` (the first on ties), as a tensor without
    /// that axis, flattened row-major.
    public func argmax(axis: Int = -1) -> [Int] {
        let axis = Shape.normalize(axis: axis, rank: rank, op: "argmax")
        let outer = shape[..<axis].reduce(1, *), size = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
        require(size > 0, "argmax: empty axis \(axis) of \(shape)")
        let p = storage.base
        var result = [Int](repeating: 0, count: outer * inner)
        for o in 0..<outer {
            for i in 0..<inner {
                var best = 0
                var bestValue = p[o * size * inner + i]
                for k in 1..<Swift.max(size, 1) where p[(o * size + k) * inner + i] > bestValue {
                    best = k
                    bestValue = p[(o * size + k) * inner + i]
                }
                result[o * inner + i] = best
            }
        }
        return result
    }
}
