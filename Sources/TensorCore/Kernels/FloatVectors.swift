#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Sixteen floats at a time, for loops the compiler does not vectorize on its own (several
/// output arrays it cannot prove apart, or float sums it may not reorder). The last vector of
/// a range may be partial: `load` fills the missing lanes with zeros and `store` writes only the
/// lanes that exist.
public typealias FloatVector = SIMD16<Float>

extension UnsafePointer where Pointee == Float {
    /// `count` (at most 16) floats from `index` on, zeros in the lanes past them.
    @inlinable @inline(__always)
    public func loadVector(at index: Int, count: Int = FloatVector.scalarCount) -> FloatVector {
        if count == FloatVector.scalarCount { return UnsafeRawPointer(self + index).loadUnaligned(as: FloatVector.self) }
        var vector = FloatVector(repeating: 0)
        for lane in 0..<count { vector[lane] = self[index + lane] }
        return vector
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Writes the first `count` (at most 16) lanes of `vector` from `index` on.
    @inlinable @inline(__always)
    public func storeVector(_ vector: FloatVector, at index: Int, count: Int = FloatVector.scalarCount) {
        if count == FloatVector.scalarCount {
            UnsafeMutableRawPointer(self + index).storeBytes(of: vector, as: FloatVector.self)
            return
        }
        for lane in 0..<count { self[index + lane] = vector[lane] }
    }
}

/// Calls `body(index, count)` for the vectors of `range`: whole vectors of 16, then one partial.
@inlinable @inline(__always)
public func forEachVector(in range: Range<Int>, _ body: (Int, Int) -> Void) {
    var index = range.lowerBound
    while index + FloatVector.scalarCount <= range.upperBound {
        body(index, FloatVector.scalarCount)
        index += FloatVector.scalarCount
    }
    if index < range.upperBound { body(index, range.upperBound - index) }
}

/// The square root of each lane. `SIMD16.squareRoot()` compiles to sixteen scalar square
/// roots on the baseline x86-64 target; this is four `sqrtps` (the same correctly rounded
/// results).
@inlinable @inline(__always)
public func squareRoot(_ x: FloatVector) -> FloatVector {
    #if arch(x86_64)
    FloatVector(lowHalf: SIMD8(lowHalf: _mm_sqrt_ps(x.lowHalf.lowHalf), highHalf: _mm_sqrt_ps(x.lowHalf.highHalf)),
                highHalf: SIMD8(lowHalf: _mm_sqrt_ps(x.highHalf.lowHalf), highHalf: _mm_sqrt_ps(x.highHalf.highHalf)))
    #else
    x.squareRoot()
    #endif
}
