import Foundation
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Transcendental functions four floats at a time (the glibc scalar calls cost 10-15 ns an
/// element), to within an ulp or so of the correctly rounded value.
enum VectorFunctions {
    typealias Vector = SIMD4<Float>

    #if arch(x86_64)
    /// e^x (Cody-Waite reduction by ln 2, Cephes' degree-6 polynomial), for x in [-87.3, 88.3]
    /// (clamped to it).
    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        let x0 = _mm_min_ps(_mm_max_ps(input, Vector(repeating: -87.3)), Vector(repeating: 88.3))
        let roundingShift: Float = 12_582_912  // 1.5 · 2²³: adding it rounds to an integer
        let shifted = x0 * 1.442_695_040_888_963_4 + roundingShift
        let n = shifted - roundingShift
        var x = x0 - n * 0.693_359_375
        x = x - n * -2.121_944_4e-4
        let z = x * x
        var y = Vector(repeating: 1.987_569_150_0e-4)
        y = y * x + 1.398_199_950_7e-3
        y = y * x + 8.333_451_907_3e-3
        y = y * x + 4.166_579_589_4e-2
        y = y * x + 1.666_666_545_9e-1
        y = y * x + 5.000_000_120_1e-1
        y = y * z + x + 1
        let exponent = (unsafeBitCast(shifted, to: SIMD4<UInt32>.self) &- roundingShift.bitPattern &+ 127) &<< 23
        return y * unsafeBitCast(exponent, to: Vector.self)
    }

    /// tanh x: Cephes' odd polynomial below |x| = 0.625, 1 - 2 / (e^{2|x|} + 1) above, with the
    /// sign of x; ±1 beyond |x| = 10, NaN for NaN, -0 for -0.
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector {
        let signBit = _mm_and_ps(x, Vector(repeating: -0.0))
        let a = _mm_andnot_ps(Vector(repeating: -0.0), x)
        let z = a * a
        var p = Vector(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * a + a
        let large = 1 - 2 / (exp(2 * _mm_min_ps(a, Vector(repeating: 10))) + 1)
        let isSmall = _mm_cmplt_ps(a, Vector(repeating: 0.625))
        let magnitude = _mm_or_ps(_mm_and_ps(isSmall, small), _mm_andnot_ps(isSmall, large))
        let isNumber = _mm_cmpord_ps(x, x)
        return _mm_or_ps(_mm_and_ps(isNumber, _mm_or_ps(magnitude, signBit)), _mm_andnot_ps(isNumber, x))
    }
    #else
    @inline(__always)
    static func tanh(_ x: Vector) -> Vector { Vector(Foundation.tanh(x[0]), Foundation.tanh(x[1]), Foundation.tanh(x[2]), Foundation.tanh(x[3])) }
    #endif

    /// `f` applied to every element of `count` floats from `input` into `output`, four at a
    /// time (the last partial group through zero-padded lanes).
    @inline(__always)
    static func apply(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>, _ count: Int,
                      _ f: (Vector) -> Vector) {
        var i = 0
        while i + 4 <= count {
            UnsafeMutableRawPointer(output + i).storeBytes(of: f(UnsafeRawPointer(input + i).loadUnaligned(as: Vector.self)), as: Vector.self)
            i += 4
        }
        if i < count {
            var last = Vector(repeating: 0)
            for lane in 0..<(count - i) { last[lane] = input[i + lane] }
            let result = f(last)
            for lane in 0..<(count - i) { output[i + lane] = result[lane] }
        }
    }
}

extension Elementwise {
    /// `f` applied to each element of `x`, four elements at a time.
    static func mapVectors(_ x: Tensor, _ f: (SIMD4<Float>) -> SIMD4<Float>) -> Tensor {
        withExtendedLifetime(x) {
            Tensor(shape: x.shape) { out in
                let input = UnsafePointer(x.storage.base)
                Parallel.forEachChunk(x.count, costPerItem: 8) { range in
                    VectorFunctions.apply(input + range.lowerBound, out + range.lowerBound, range.count, f)
                }
            }
        }
    }
}
