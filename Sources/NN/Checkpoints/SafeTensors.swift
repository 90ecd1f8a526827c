import Foundation
import TensorCore

/// The safetensors format (an 8-byte little-endian header length, a JSON header of names,
/// dtypes, shapes and byte ranges, then the raw little-endian data), as written and read by
/// the `safetensors` library for PyTorch.
///
/// Tensors are read as Float32 (F32, F64, F16, BF16 and the integer types convert); names in
/// `integerNames` are written as I64 (e.g. BatchNorm's `num_batches_tracked`).
public enum SafeTensors {
    /// Element types this reader understands.
    public enum DataType: String, Sendable {
        case float32 = "F32", float64 = "F64", float16 = "F16", bfloat16 = "BF16"
        case int64 = "I64", int32 = "I32", uint8 = "U8"

        var byteCount: Int {
            switch self {
            case .float64, .int64: return 8
            case .float32, .int32: return 4
            case .float16, .bfloat16: return 2
            case .uint8: return 1
            }
        }
    }

    /// A decoded file.
    public struct Contents {
        /// The tensors by name, converted to Float32.
        public var tensors: [String: Tensor]
        /// The stored element type of each tensor.
        public var dataTypes: [String: DataType]
        /// The `__metadata__` strings.
        public var metadata: [String: String]
    }

    /// Largest header accepted (the format's own limit is 100 MB).
    static let maximumHeaderBytes = 100_000_000

    /// Reads and validates a file.
    public static func read(from path: String) throws -> Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CheckpointError.invalid("\(path): cannot read the file (does it exist?)")
        }
        return try decode(data, source: path)
    }

    /// Decodes the bytes of a file; `source` names it in error messages.
    public static func decode(_ data: Data, source: String) throws -> Contents {
        let bytes = [UInt8](data)
        func fail(_ problem: String) -> CheckpointError { .invalid("\(source): not a valid safetensors file: \(problem)") }
        guard bytes.count >= 8 else { throw fail("only \(bytes.count) bytes, shorter than the 8-byte header length") }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(maximumHeaderBytes), headerLength <= UInt64(bytes.count - 8) else {
            throw fail("header length \(headerLength) exceeds the file size \(bytes.count)")
        }
        let dataStart = 8 + Int(headerLength)
        let header: [String: Any]
        do {
            guard let parsed = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart])) as? [String: Any] else {
                throw fail("the header is not a JSON object")
            }
            header = parsed
        } catch let error as CheckpointError {
            throw error
        } catch {
            throw fail("the header is not valid JSON")
        }
        var contents = Contents(tensors: [:], dataTypes: [:], metadata: [:])
        if let metadata = header["__metadata__"] {
            guard let strings = metadata as? [String: String] else { throw fail("__metadata__ is not a map of strings") }
            contents.metadata = strings
        }
        let dataLength = bytes.count - dataStart
        var ranges: [(Int, Int, String)] = []
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any], let typeName = entry["dtype"] as? String,
                  let shapeValues = entry["shape"] as? [NSNumber], let offsets = entry["data_offsets"] as? [NSNumber], offsets.count == 2
            else { throw fail("entry \(name) lacks dtype, shape or data_offsets") }
            guard let type = DataType(rawValue: typeName) else { throw fail("entry \(name) has unsupported dtype \(typeName)") }
            let shape = shapeValues.map(\.intValue)
            guard shape.allSatisfy({ $0 >= 0 }), zip(shape, shapeValues).allSatisfy({ Double($0) == $1.doubleValue }) else {
                throw fail("entry \(name) has an invalid shape \(shapeValues)")
            }
            let begin = offsets[0].intValue, end = offsets[1].intValue
            guard Double(begin) == offsets[0].doubleValue, Double(end) == offsets[1].doubleValue,
                  begin >= 0, begin <= end, end <= dataLength else {
                throw fail("entry \(name) has data offsets \(offsets) outside the \(dataLength) data bytes")
            }
            let (count, overflow) = shape.reduce((1, false)) { acc, size in
                let (product, o) = acc.0.multipliedReportingOverflow(by: size)
                return (product, acc.1 || o)
            }
            let (byteCount, bytesOverflow) = count.multipliedReportingOverflow(by: type.byteCount)
            guard !overflow, !bytesOverflow, byteCount == end - begin else {
                throw fail("entry \(name) of shape \(shape) and dtype \(typeName) does not fit its \(end - begin) bytes")
            }
            ranges.append((begin, end, name))
            contents.tensors[name] = convert(bytes, from: dataStart + begin, count: count, type: type, shape: shape)
            contents.dataTypes[name] = type
        }
        ranges.sort { $0.0 < $1.0 }
        for (previous, next) in zip(ranges, ranges.dropFirst()) where next.0 < previous.1 {
            throw fail("entries \(previous.2) and \(next.2) overlap")
        }
        return contents
    }

    private static func convert(_ bytes: [UInt8], from start: Int, count: Int, type: DataType, shape: [Int]) -> Tensor {
        bytes.withUnsafeBytes { raw in
            let base = raw.baseAddress! + start
            return Tensor(shape: shape) { out in
                for i in 0..<count {
                    switch type {
                    case .float32: out[i] = Float(bitPattern: base.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self).littleEndian)
                    case .float64: out[i] = Float(Double(bitPattern: base.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self).littleEndian))
                    case .float16: out[i] = Float(halfBits: base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian)
                    case .bfloat16: out[i] = Float(bitPattern: UInt32(base.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self).littleEndian) << 16)
                    case .int64: out[i] = Float(Int64(littleEndian: base.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self)))
                    case .int32: out[i] = Float(Int32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self)))
                    case .uint8: out[i] = Float(base.load(fromByteOffset: i, as: UInt8.self))
                    }
                }
            }
        }
    }

    /// The bytes of a file holding `tensors` (F32, or I64 for `integerNames`) and `metadata`.
    public static func encode(_ tensors: [(name: String, value: Tensor)], integerNames: Set<String> = [],
                              metadata: [String: String] = [:]) -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        let sorted = tensors.sorted { $0.name < $1.name }
        for (name, value) in sorted {
            let size = value.count * (integerNames.contains(name) ? 8 : 4)
            header[name] = ["dtype": integerNames.contains(name) ? "I64" : "F32", "shape": value.shape, "data_offsets": [offset, offset + size]]
            offset += size
        }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (8 + json.count) % 8 != 0 { json.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(json)
        for (name, value) in sorted {
            if integerNames.contains(name) {
                for x in value.scalars { withUnsafeBytes(of: Int64(x).littleEndian) { data.append(contentsOf: $0) } }
            } else {
                data.append(UnsafeBufferPointer(start: value.storage.base, count: value.count))
            }
        }
        return data
    }

    /// Writes a file atomically: a temporary file in the same folder, then a rename, so a
    /// crash never leaves a half-written checkpoint under `path`.
    public static func write(_ tensors: [(name: String, value: Tensor)], integerNames: Set<String> = [],
                             metadata: [String: String] = [:], to path: String) throws {
        let data = encode(tensors, integerNames: integerNames, metadata: metadata)
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw CheckpointError.invalid("\(path): cannot write the checkpoint: \(error.localizedDescription)")
        }
    }
}

extension Float {
    /// The value of IEEE 754 half-precision bits.
    init(halfBits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int((bits >> 10) & 0x1F), mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            let magnitude = Float(mantissa) * 0x1p-24  // subnormal (or zero)
            self = sign != 0 ? -magnitude : magnitude
        case 0x1F:
            self = Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            self = Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | mantissa << 13)
        }
    }
}
