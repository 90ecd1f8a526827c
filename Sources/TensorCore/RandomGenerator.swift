import Foundation

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64): the same seed
/// gives the same numbers on every machine. Its state can be saved and restored, so a
/// resumed run continues the same stream.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The four words of generator state (to save, and restore with `init(state:)`).
    public var state: [UInt64] { [s0, s1, s2, s3] }

    public init(seed: UInt64) {
        var mix = seed
        func next() -> UInt64 {
            mix &+= 0x9E37_79B9_7F4A_7C15
            var z = mix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        (s0, s1, s2, s3) = (next(), next(), next(), next())
    }

    /// A generator continuing from a saved `state`.
    public init(state: [UInt64]) {
        require(state.count == 4 && state.contains { $0 != 0 }, "RandomGenerator(state:): needs four words, not all zero")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = s3 << 45 | s3 >> 19
        return result
    }

    /// A uniform float in [0, 1) with 24 random bits.
    public mutating func nextUniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Writes `count` draws to `out`: `value` where `nextUniform() < probability`, else 0 (the
    /// same draws and results as that loop, compared as integers on a copy of the state kept
    /// in registers).
    public mutating func fillBernoulli(_ out: UnsafeMutablePointer<Float>, count: Int, probability: Float, value: Float) {
        // nextUniform() = k · 2⁻²⁴ with k = next() >> 40 < 2²⁴, exactly; so the draw is below
        // `probability` exactly when k is below probability · 2²⁴ (exact too), that is below
        // its ceiling.
        // Branch-free (a random 70/30 branch mispredicts a third of the time): k - threshold
        // wraps around, setting the top bit, exactly when k < threshold (both below 2²⁵).
        let threshold = UInt64((probability * 0x1p24).rounded(.up))
        let bits = value.bitPattern
        var local = self
        for i in 0..<count {
            let keep = UInt32(truncatingIfNeeded: ((local.next() >> 40) &- threshold) >> 63)
            out[i] = Float(bitPattern: bits & (0 &- keep))
        }
        self = local
    }

    /// A uniform double in (0, 1) with 53 random bits.
    mutating func nextOpenUnitDouble() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }

    /// Two independent standard normal values (Box-Muller, computed in Double).
    public mutating func nextNormalPair() -> (Float, Float) {
        let radius = (-2 * Foundation.log(nextOpenUnitDouble())).squareRoot()
        let angle = 2 * Double.pi * nextOpenUnitDouble()
        return (Float(radius * Foundation.cos(angle)), Float(radius * Foundation.sin(angle)))
    }

    /// A random permutation of `0..<count` (Fisher-Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var values = Array(0..<count)
        if count < 2 { return values }
        for i in stride(from: count - 1, to: 0, by: -1) {
            values.swapAt(i, Int(next() % UInt64(i + 1)))
        }
        return values
    }
}
