import TensorCore

/// An array read from or written to a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0 read,
/// 1.0 or 2.0 written). Element types: little-endian `f4`, `f8`, `u1`, `i4`, `i8`. Fortran-order and
/// big-endian files are refused with a message saying so.
public struct NumpyArray: Sendable, Equatable {
    /// The element types GANKit reads and writes.
    public enum ElementType: String, Sendable {
        case float32 = "<f4", float64 = "<f8", uint8 = "|u1", int32 = "<i4", int64 = "<i8"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .float32, .int32: return 4
            case .float64, .int64: return 8
            case .uint8: return 1
            }
        }
    }

    /// The element type.
    public let elementType: ElementType
    /// The shape (empty for a scalar).
    public let shape: [Int]
    /// The element bytes, little-endian, C order.
    public let bytes: [UInt8]

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// An array of `elementType` and `shape` over `bytes` (little-endian, C order).
    public init(elementType: ElementType, shape: [Int], bytes: [UInt8]) {
        precondition(bytes.count == shape.reduce(1, *) * elementType.size,
                     "NumpyArray: \(bytes.count) bytes do not fit shape \(shape) of \(elementType.rawValue)")
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
    }

    /// A float32 array holding a tensor's scalars and shape.
    public init(_ tensor: Tensor) {
        self.init(float32: tensor.scalars, shape: tensor.shape)
    }

    /// A float32 array of `values` with `shape`.
    public init(float32 values: [Float], shape: [Int]) {
        self.init(elementType: .float32, shape: shape, bytes: Self.littleEndianBytes(of: values))
    }

    /// A float64 array of `values` with `shape`.
    public init(float64 values: [Double], shape: [Int]) {
        self.init(elementType: .float64, shape: shape, bytes: Self.littleEndianBytes(of: values))
    }

    /// An int64 array of `values` with `shape` (e.g. labels).
    public init(int64 values: [Int], shape: [Int]) {
        self.init(elementType: .int64, shape: shape, bytes: Self.littleEndianBytes(of: values.map { Int64($0) }))
    }

    /// A uint8 array of `values` with `shape`.
    public init(uint8 values: [UInt8], shape: [Int]) {
        self.init(elementType: .uint8, shape: shape, bytes: values)
    }

    /// The elements converted to `Float`.
    public func floatValues() -> [Float] {
        var values = [Float](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            values.withUnsafeMutableBufferPointer { destination in
                let output = destination.baseAddress!
                switch elementType {
                case .float32:
                    for index in 0..<destination.count {
                        output[index] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)))
                    }
                case .float64:
                    for index in 0..<destination.count {
                        output[index] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))))
                    }
                case .uint8:
                    for index in 0..<destination.count { output[index] = Float(raw[index]) }
                case .int64:
                    for index in 0..<destination.count {
                        output[index] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: Int64.self)))
                    }
                case .int32:
                    for index in 0..<destination.count {
                        output[index] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * index, as: Int32.self)))
                    }
                }
            }
        }
        return values
    }

    /// The elements converted to `Int` (floats are truncated toward zero; NaN and out-of-range
    /// values become 0).
    public func integerValues() -> [Int] {
        switch elementType {
        case .int64:
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
            }
        case .int32:
            return bytes.withUnsafeBytes { raw in
                (0..<count).map { Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
            }
        case .uint8:
            return bytes.map { Int($0) }
        case .float32, .float64:
            var values: [Int] = []
            values.reserveCapacity(count)
            if elementType == .float64 {
                bytes.withUnsafeBytes { raw in
                    for index in 0..<count {
                        let value = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)))
                        values.append(Int(exactly: value.rounded(.towardZero)) ?? 0)
                    }
                }
            } else {
                for value in floatValues() { values.append(Int(exactly: value.rounded(.towardZero)) ?? 0) }
            }
            return values
        }
    }

    /// The array as a tensor (elements converted to float32).
    public func tensor() -> Tensor { Tensor(floatValues(), shape: shape) }

    static func littleEndianBytes<Element: FixedWidthInteger>(of values: [Element]) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: values.count * MemoryLayout<Element>.size)
        bytes.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: index * MemoryLayout<Element>.size, as: Element.self)
            }
        }
        return bytes
    }

    static func littleEndianBytes(of values: [Float]) -> [UInt8] {
        littleEndianBytes(of: values.map { $0.bitPattern })
    }

    static func littleEndianBytes(of values: [Double]) -> [UInt8] {
        littleEndianBytes(of: values.map { $0.bitPattern })
    }
}
