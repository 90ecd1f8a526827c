/// Tensors made from nothing, or from a random generator.
extension Tensor {
    /// A tensor of the given shape with every element `value`.
    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        Tensor(shape: shape) { $0.update(repeating: value, count: shape.reduce(1, *)) }
    }

    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    /// Zeros in this tensor's shape.
    public func zerosLike() -> Tensor { .zeros(shape) }
    /// Ones in this tensor's shape.
    public func onesLike() -> Tensor { .ones(shape) }

    /// start, start + step, ... below `end`.
    public static func arange(_ start: Float = 0, _ end: Float, step: Float = 1) -> Tensor {
        require(step != 0, "arange: step is zero")
        let count = Swift.max(0, Int(((end - start) / step).rounded(.up)))
        return Tensor(shape: [count]) { out in for i in 0..<count { out[i] = start + Float(i) * step } }
    }

    /// The n x n identity matrix.
    public static func eye(_ n: Int) -> Tensor {
        Tensor(shape: [n, n]) { out in
            out.update(repeating: 0, count: n * n)
            for i in 0..<n { out[i * n + i] = 1 }
        }
    }

    /// Standard normal samples (mean `mean`, standard deviation `standardDeviation`).
    public static func randn(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                             generator: inout RandomGenerator) -> Tensor {
        BatchSharding.sharded(shape) { shape in
            let count = shape.reduce(1, *)
            return Tensor(shape: shape) { out in
                var i = 0
                while i < count {
                    let (a, b) = generator.nextNormalPair()
                    out[i] = mean + standardDeviation * a
                    if i + 1 < count { out[i + 1] = mean + standardDeviation * b }
                    i += 2
                }
            }
        }
    }

    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, generator: inout RandomGenerator) -> Tensor {
        BatchSharding.sharded(shape) { shape in
            let count = shape.reduce(1, *)
            return Tensor(shape: shape) { out in
                for i in 0..<count { out[i] = low + (high - low) * generator.nextUniform() }
            }
        }
    }

    /// `value` (1 unless given) with probability `probability`, else 0: a uniform draw
    /// `nextUniform() < probability` for each element, in order.
    public static func bernoulli(_ shape: [Int], probability: Float, value: Float = 1, generator: inout RandomGenerator) -> Tensor {
        require((0...1).contains(probability), "bernoulli: probability \(probability) outside [0, 1]")
        return BatchSharding.sharded(shape) { shape in
            let count = shape.reduce(1, *)
            return Tensor(shape: shape) { out in generator.fillBernoulli(out, count: count, probability: probability, value: value) }
        }
    }
}
