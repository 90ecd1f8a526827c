import Foundation

/// Reading and writing the `.npy` format: a magic string, a version, a header length, a
/// Python-dictionary header (`descr`, `fortran_order`, `shape`), then the raw elements.
extension NumpyArray {
    /// Reads a `.npy` file.
    public init(contentsOf path: String) throws {
        self = try DatasetError.decodeFile(path, Self.init(fileBytes:))
    }

    /// Parses `.npy` bytes.
    public init(fileBytes bytes: [UInt8]) throws {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw DatasetError(file: nil, "not a .npy file (the magic string \\x93NUMPY is missing)")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw DatasetError(file: nil, ".npy header is truncated") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw DatasetError(file: nil, ".npy format version \(major).\(bytes[7]) is not supported (1.0, 2.0 and 3.0 are)")
        }
        guard bytes.count >= headerStart + headerLength else {
            throw DatasetError(file: nil, ".npy header is truncated (says \(headerLength) bytes, file has \(bytes.count - headerStart) after the preamble)")
        }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw DatasetError(file: nil, ".npy header is not valid text")
        }
        let fields = try NumpyHeader(parsing: header)
        if fields.fortranOrder {
            throw DatasetError(file: nil, ".npy array is in Fortran order, which is not supported; save it with numpy.ascontiguousarray first")
        }
        guard let elementType = ElementType(rawValue: fields.descriptor)
                ?? (fields.descriptor == "<u1" ? .uint8 : nil) else {
            if fields.descriptor.hasPrefix(">") {
                throw DatasetError(file: nil, ".npy array is big-endian ('\(fields.descriptor)'), which is not supported; convert it with .astype('<\(fields.descriptor.dropFirst())')")
            }
            throw DatasetError(file: nil, ".npy element type '\(fields.descriptor)' is not supported (use <f4, <f8, |u1 or <i8)")
        }
        var elementCount = 1
        for size in fields.shape {
            let (product, overflow) = elementCount.multipliedReportingOverflow(by: size)
            guard !overflow, product <= Int(Int32.max) * 8 else {
                throw DatasetError(file: nil, ".npy header has implausible shape \(fields.shape)")
            }
            elementCount = product
        }
        let dataStart = headerStart + headerLength
        let expected = elementCount * elementType.size
        guard bytes.count - dataStart == expected else {
            let problem = bytes.count - dataStart < expected ? "truncated" : "longer than its header says"
            throw DatasetError(file: nil, ".npy data is \(problem): shape \(fields.shape) of \(elementType.rawValue) needs \(expected) bytes, found \(bytes.count - dataStart)")
        }
        self.init(elementType: elementType, shape: fields.shape, bytes: Array(bytes[dataStart...]))
    }

    /// The file bytes, version 1.0 when the header fits its 16-bit length field, else 2.0
    /// (or 2.0 always when `version` is 2). The header is padded so the data starts on a
    /// 64-byte boundary, as NumPy does.
    public func encoded(version: Int = 1) -> [UInt8] {
        precondition(version == 1 || version == 2, "NumpyArray.encoded: version must be 1 or 2, not \(version)")
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        var header = "{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        var useVersion = version
        if useVersion == 1 && header.utf8.count + 11 + 63 > 65535 { useVersion = 2 }
        let preambleSize = useVersion == 1 ? 10 : 12
        let unpadded = preambleSize + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var output: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, UInt8(useVersion), 0]
        let length = header.utf8.count
        output += [UInt8(length & 0xFF), UInt8((length >> 8) & 0xFF)]
        if useVersion == 2 { output += [UInt8((length >> 16) & 0xFF), UInt8((length >> 24) & 0xFF)] }
        output += Array(header.utf8)
        output += bytes
        return output
    }

    /// Writes the array to `path` atomically.
    public func write(to path: String, version: Int = 1) throws {
        try DatasetError.writeFile(encoded(version: version), to: path)
    }
}

/// The three fields of a `.npy` header dictionary, parsed strictly enough to reject nonsense.
struct NumpyHeader {
    var descriptor = ""
    var fortranOrder = false
    var shape: [Int] = []

    init(parsing text: String) throws {
        let malformed = { (why: String) in DatasetError(file: nil, ".npy header is malformed (\(why)): \(text.prefix(120))") }
        var scanner = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines))
        guard scanner.first == "{", scanner.last == "}" else { throw malformed("not a dictionary") }
        scanner = scanner.dropFirst().dropLast()
        var seen: Set<String> = []
        while true {
            scanner = scanner.drop { $0 == " " || $0 == "," }
            if scanner.isEmpty { break }
            guard let quote = scanner.first, quote == "'" || quote == "\"",
                  let keyEnd = scanner.dropFirst().firstIndex(of: quote) else { throw malformed("expected a quoted key") }
            let key = String(scanner[scanner.index(after: scanner.startIndex)..<keyEnd])
            scanner = scanner[scanner.index(after: keyEnd)...].drop { $0 == " " }
            guard scanner.first == ":" else { throw malformed("expected ':' after '\(key)'") }
            scanner = scanner.dropFirst().drop { $0 == " " }
            switch key {
            case "descr":
                guard let valueQuote = scanner.first, valueQuote == "'" || valueQuote == "\"",
                      let valueEnd = scanner.dropFirst().firstIndex(of: valueQuote) else {
                    throw malformed("'descr' must be a quoted type string")
                }
                descriptor = String(scanner[scanner.index(after: scanner.startIndex)..<valueEnd])
                scanner = scanner[scanner.index(after: valueEnd)...]
            case "fortran_order":
                if scanner.hasPrefix("True") { fortranOrder = true; scanner = scanner.dropFirst(4) }
                else if scanner.hasPrefix("False") { fortranOrder = false; scanner = scanner.dropFirst(5) }
                else { throw malformed("'fortran_order' must be True or False") }
            case "shape":
                guard scanner.first == "(", let close = scanner.firstIndex(of: ")") else {
                    throw malformed("'shape' must be a tuple")
                }
                let inside = scanner[scanner.index(after: scanner.startIndex)..<close]
                shape = []
                for part in inside.split(separator: ",") {
                    let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
                    if trimmed.isEmpty { continue }
                    guard let size = Int(trimmed), size >= 0 else { throw malformed("bad dimension '\(trimmed)' in shape") }
                    shape.append(size)
                }
                scanner = scanner[scanner.index(after: close)...]
            default:
                throw malformed("unknown key '\(key)'")
            }
            seen.insert(key)
        }
        guard seen == ["descr", "fortran_order", "shape"] else {
            throw malformed("needs the keys descr, fortran_order and shape")
        }
    }
}
