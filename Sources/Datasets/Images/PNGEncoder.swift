/// Writing PNG files: gray, gray+alpha, RGB or RGBA, 8 or 16 bits, non-interlaced, one
/// zlib-compressed IDAT chunk, each row filtered with the filter that minimizes the sum of
/// absolute filtered values (the usual heuristic).
extension PNGImage {
    /// The PNG file bytes.
    public func encoded(compressionLevel: Int32 = 6) -> [UInt8] {
        let colorType: UInt8 = [0, 4, 2, 6][channels - 1]
        let bytesPerSample = bitDepth / 8
        let bytesPerPixel = channels * bytesPerSample
        let rowSize = width * bytesPerPixel
        // Raw rows, big-endian samples.
        var raw = [UInt8](repeating: 0, count: rowSize * height)
        raw.withUnsafeMutableBufferPointer { rawBuffer in
            samples.withUnsafeBufferPointer { sampleBuffer in
                let destination = rawBuffer.baseAddress!, source = sampleBuffer.baseAddress!
                if bytesPerSample == 1 {
                    for index in 0..<sampleBuffer.count { destination[index] = UInt8(truncatingIfNeeded: source[index]) }
                } else {
                    for index in 0..<sampleBuffer.count {
                        destination[2 * index] = UInt8(source[index] >> 8)
                        destination[2 * index + 1] = UInt8(truncatingIfNeeded: source[index])
                    }
                }
            }
        }
        var filtered = [UInt8](repeating: 0, count: (rowSize + 1) * height)
        var candidate = [UInt8](repeating: 0, count: rowSize)
        raw.withUnsafeBufferPointer { rawBuffer in
            filtered.withUnsafeMutableBufferPointer { filteredBuffer in
                candidate.withUnsafeMutableBufferPointer { candidateBuffer in
                    let rows = rawBuffer.baseAddress!, output = filteredBuffer.baseAddress!
                    let trial = candidateBuffer.baseAddress!
                    for row in 0..<height {
                        let current = rows + row * rowSize
                        let previous: UnsafePointer<UInt8>? = row > 0 ? current - rowSize : nil
                        let target = output + row * (rowSize + 1)
                        var bestCost = Int.max
                        for type: UInt8 in 0...4 {
                            PNGFilter.filter(type: type, row: current, previous: previous, output: trial,
                                             count: rowSize, bytesPerPixel: bytesPerPixel)
                            var cost = 0
                            for index in 0..<rowSize { cost += abs(Int(Int8(bitPattern: trial[index]))) }
                            if cost < bestCost {
                                bestCost = cost
                                target[0] = type
                                (target + 1).update(from: trial, count: rowSize)
                            }
                        }
                    }
                }
            }
        }
        var output: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [UInt8(bitDepth), colorType, 0, 0, 0]
        output.appendChunk("IHDR", header)
        output.appendChunk("IDAT", Zlib.compress(filtered, level: compressionLevel))
        output.appendChunk("IEND", [])
        return output
    }

    /// Writes the PNG file to `path` atomically.
    public func write(to path: String) throws {
        try DatasetError.writeFile(encoded(), to: path)
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }

    /// Appends a PNG chunk: length, type, data, CRC-32 of type and data.
    mutating func appendChunk(_ type: String, _ data: [UInt8]) {
        appendBigEndian(UInt32(data.count))
        let typeAndData = Array(type.utf8) + data
        append(contentsOf: typeAndData)
        appendBigEndian(typeAndData.withUnsafeBytes { Zlib.crc32($0) })
    }
}
