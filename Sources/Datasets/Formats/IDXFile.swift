/// An array read from an IDX file (the format of MNIST, Fashion-MNIST, KMNIST and EMNIST):
/// a big-endian header with a magic number, the element type and the dimensions, then the
/// elements in row-major order.
public struct IDXArray: Sendable {
    /// The element types IDX files can hold (the third byte of the magic number).
    public enum ElementType: UInt8, Sendable {
        case unsignedByte = 0x08, signedByte = 0x09, short = 0x0B, int = 0x0C, float = 0x0D, double = 0x0E

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .unsignedByte, .signedByte: return 1
            case .short: return 2
            case .int, .float: return 4
            case .double: return 8
            }
        }
    }

    /// The element type.
    public let elementType: ElementType
    /// The dimensions, outermost first (e.g. `[60000, 28, 28]` for MNIST images).
    public let dimensions: [Int]
    /// The raw element bytes (big-endian for multi-byte types), after the header.
    public let bytes: [UInt8]

    /// Number of elements.
    public var count: Int { dimensions.reduce(1, *) }

    /// Reads an IDX file, gzip-compressed (detected from its first bytes) or raw.
    public init(contentsOf path: String) throws {
        self = try DatasetError.decodeFile(path, Self.init(fileBytes:))
    }

    /// Parses IDX bytes, gzip-compressed or raw.
    public init(fileBytes: [UInt8]) throws {
        var bytes = fileBytes
        if fileBytes.count >= 2 && fileBytes[0] == 0x1f && fileBytes[1] == 0x8b {
            // The gzip trailer holds the uncompressed size modulo 2^32: a good first buffer size.
            var sizeHint = 0
            if fileBytes.count >= 18 {
                let tail = fileBytes.count - 4
                sizeHint = Int(fileBytes[tail]) | Int(fileBytes[tail + 1]) << 8
                    | Int(fileBytes[tail + 2]) << 16 | Int(fileBytes[tail + 3]) << 24
                if sizeHint > 2000 * fileBytes.count { sizeHint = 0 }
            }
            bytes = try Zlib.decompress(fileBytes, sizeHint: sizeHint)
        }
        try self.init(decompressed: bytes)
    }

    private init(decompressed bytes: [UInt8]) throws {
        guard bytes.count >= 4 else {
            throw DatasetError(file: nil, "IDX data is too short (\(bytes.count) bytes) to hold a header")
        }
        guard bytes[0] == 0, bytes[1] == 0 else {
            let magic = bytes[0..<4].map { String($0, radix: 16) }.joined(separator: " ")
            throw DatasetError(file: nil, "not an IDX file: wrong magic number (bytes \(magic), expected 00 00 <type> <rank>)")
        }
        guard let elementType = ElementType(rawValue: bytes[2]) else {
            throw DatasetError(file: nil, "not an IDX file: unknown element type 0x\(String(bytes[2], radix: 16)) in the magic number")
        }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw DatasetError(file: nil, "IDX header has rank 0") }
        let headerSize = 4 + 4 * rank
        guard bytes.count >= headerSize else {
            throw DatasetError(file: nil, "IDX data is truncated inside the header (\(bytes.count) bytes, header needs \(headerSize))")
        }
        var dimensions: [Int] = []
        var elementCount = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            dimensions.append(size)
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) else {
                throw DatasetError(file: nil, "IDX header has implausible dimensions \(dimensions)")
            }
            elementCount = product
        }
        let expected = headerSize + elementCount * elementType.size
        guard bytes.count >= expected else {
            throw DatasetError(file: nil, "IDX data is truncated: dimensions \(dimensions) need \(expected) bytes, found \(bytes.count)")
        }
        guard bytes.count == expected else {
            throw DatasetError(file: nil, "IDX data has \(bytes.count - expected) unexpected bytes after the \(dimensions) elements")
        }
        self.elementType = elementType
        self.dimensions = dimensions
        self.bytes = Array(bytes[headerSize...])
    }

    /// Builds an IDX array in memory (for writing files and for tests).
    public init(elementType: ElementType, dimensions: [Int], bytes: [UInt8]) {
        precondition(bytes.count == dimensions.reduce(1, *) * elementType.size,
                     "IDXArray: \(bytes.count) bytes do not fit dimensions \(dimensions) of \(elementType)")
        self.elementType = elementType
        self.dimensions = dimensions
        self.bytes = bytes
    }

    /// The file bytes (header and elements), uncompressed.
    public func encoded() -> [UInt8] {
        var output: [UInt8] = [0, 0, elementType.rawValue, UInt8(dimensions.count)]
        for size in dimensions {
            output += [UInt8(truncatingIfNeeded: size >> 24), UInt8(truncatingIfNeeded: size >> 16),
                       UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size)]
        }
        return output + bytes
    }

    /// The elements as integers (for label files of any integer type).
    public func integerValues() -> [Int] {
        var values = [Int](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { source in
            values.withUnsafeMutableBufferPointer { destination in
                let input = source.baseAddress!, output = destination.baseAddress!
                switch elementType {
                case .unsignedByte:
                    for index in 0..<destination.count { output[index] = Int(input[index]) }
                case .signedByte:
                    for index in 0..<destination.count { output[index] = Int(Int8(bitPattern: input[index])) }
                case .short:
                    for index in 0..<destination.count {
                        output[index] = Int(Int16(bitPattern: UInt16(input[2 * index]) << 8 | UInt16(input[2 * index + 1])))
                    }
                case .int:
                    for index in 0..<destination.count {
                        let word = UInt32(input[4 * index]) << 24 | UInt32(input[4 * index + 1]) << 16
                            | UInt32(input[4 * index + 2]) << 8 | UInt32(input[4 * index + 3])
                        output[index] = Int(Int32(bitPattern: word))
                    }
                case .float, .double:
                    for index in 0..<destination.count { output[index] = 0 }
                }
            }
        }
        if elementType == .float || elementType == .double {
            return floatingValues().map { Int(exactly: $0.rounded()) ?? 0 }
        }
        return values
    }

    /// The elements of a `.float` or `.double` array as `Double`.
    private func floatingValues() -> [Double] {
        var values: [Double] = []
        values.reserveCapacity(count)
        for index in 0..<count {
            var word: UInt64 = 0
            for byte in 0..<elementType.size { word = word << 8 | UInt64(bytes[index * elementType.size + byte]) }
            values.append(elementType == .float ? Double(Float(bitPattern: UInt32(word))) : Double(bitPattern: word))
        }
        return values
    }
}
