/// Reading PNG files: every color type (gray, gray+alpha, RGB, RGBA, palette), every legal bit
/// depth (1, 2, 4, 8, 16), every filter type and Adam7 interlacing. Chunk CRCs are checked;
/// a truncated or corrupt file throws a `DatasetError` that names the file and the problem.
extension PNGImage {
    /// The most pixels a file may declare (guards against absurd headers).
    static let maximumPixelCount = 1 << 28

    /// Reads a PNG file.
    public init(contentsOf path: String) throws {
        self = try DatasetError.decodeFile(path, Self.init(fileBytes:))
    }

    /// Decodes PNG bytes.
    public init(fileBytes bytes: [UInt8]) throws {
        let header = try PNGChunks(bytes)
        let raw = try PNGDecoding.decodePixels(header)
        self = raw
    }
}

/// The parsed chunk structure of a PNG file: header fields, palette, transparency, image data.
struct PNGChunks {
    var width = 0, height = 0, bitDepth = 0, colorType: UInt8 = 0, interlaced = false
    var palette: [UInt8] = []
    var paletteAlpha: [UInt8] = []
    var imageData: [UInt8] = []

    init(_ bytes: [UInt8]) throws {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count >= 8, Array(bytes[0..<8]) == signature else {
            throw DatasetError(file: nil, "not a PNG file (the 8-byte PNG signature is missing)")
        }
        var offset = 8
        var sawHeader = false, sawEnd = false
        while offset < bytes.count {
            guard bytes.count - offset >= 12 else {
                throw DatasetError(file: nil, "PNG is truncated: \(bytes.count - offset) stray bytes where a chunk should start")
            }
            let length = Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            let typeBytes = Array(bytes[(offset + 4)..<(offset + 8)])
            let typeIsText = typeBytes.allSatisfy { (65...90).contains($0) || (97...122).contains($0) }
            let type = typeIsText ? String(decoding: typeBytes, as: UTF8.self) : typeBytes.map { String($0) }.joined(separator: ",")
            guard typeIsText else { throw DatasetError(file: nil, "PNG is corrupt: invalid chunk type [\(type)] at byte \(offset + 4)") }
            guard length <= Int(Int32.max), offset + 12 + length <= bytes.count else {
                throw DatasetError(file: nil, "PNG is truncated: chunk \(type) at byte \(offset) says \(length) bytes, only \(max(0, bytes.count - offset - 12)) remain")
            }
            let dataStart = offset + 8, dataEnd = dataStart + length
            let storedCRC = UInt32(bytes[dataEnd]) << 24 | UInt32(bytes[dataEnd + 1]) << 16 | UInt32(bytes[dataEnd + 2]) << 8 | UInt32(bytes[dataEnd + 3])
            let computedCRC = bytes.withUnsafeBytes { Zlib.crc32(UnsafeRawBufferPointer(rebasing: $0[(offset + 4)..<dataEnd])) }
            guard storedCRC == computedCRC else {
                throw DatasetError(file: nil, "PNG is corrupt: bad CRC in chunk \(type) at byte \(offset) (stored \(String(storedCRC, radix: 16)), computed \(String(computedCRC, radix: 16)))")
            }
            let data = bytes[dataStart..<dataEnd]
            if !sawHeader && type != "IHDR" { throw DatasetError(file: nil, "PNG is corrupt: first chunk is \(type), not IHDR") }
            switch type {
            case "IHDR":
                guard !sawHeader else { throw DatasetError(file: nil, "PNG is corrupt: two IHDR chunks") }
                try readHeader(Array(data))
                sawHeader = true
            case "PLTE":
                guard length % 3 == 0, length > 0, length <= 768 else {
                    throw DatasetError(file: nil, "PNG is corrupt: PLTE chunk of \(length) bytes (must be 3 to 768, a multiple of 3)")
                }
                palette = Array(data)
            case "tRNS":
                if colorType == 3 { paletteAlpha = Array(data) } // gray/RGB color keys are ignored
            case "IDAT":
                imageData.append(contentsOf: data)
            case "IEND":
                sawEnd = true
            default:
                // Ancillary chunks (lowercase first letter) are skipped; unknown critical ones are refused.
                if (65...90).contains(typeBytes[0]) {
                    throw DatasetError(file: nil, "PNG uses unknown critical chunk \(type), which this reader cannot decode")
                }
            }
            offset = dataEnd + 4
            if sawEnd { break }
        }
        guard sawHeader else { throw DatasetError(file: nil, "PNG is truncated: no IHDR chunk") }
        guard sawEnd else { throw DatasetError(file: nil, "PNG is truncated: the file ends before the IEND chunk") }
        guard !imageData.isEmpty else { throw DatasetError(file: nil, "PNG has no IDAT (image data) chunk") }
        if colorType == 3 && palette.isEmpty { throw DatasetError(file: nil, "PNG palette image has no PLTE chunk") }
    }

    private mutating func readHeader(_ data: [UInt8]) throws {
        guard data.count == 13 else { throw DatasetError(file: nil, "PNG is corrupt: IHDR has \(data.count) bytes, not 13") }
        width = Int(data[0]) << 24 | Int(data[1]) << 16 | Int(data[2]) << 8 | Int(data[3])
        height = Int(data[4]) << 24 | Int(data[5]) << 16 | Int(data[6]) << 8 | Int(data[7])
        bitDepth = Int(data[8])
        colorType = data[9]
        guard width > 0, height > 0, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw DatasetError(file: nil, "PNG has invalid size \(width)x\(height)")
        }
        guard width * height <= PNGImage.maximumPixelCount else {
            throw DatasetError(file: nil, "PNG is too large (\(width)x\(height) pixels)")
        }
        let allowedDepths: [UInt8: [Int]] = [0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16]]
        guard let depths = allowedDepths[colorType] else {
            throw DatasetError(file: nil, "PNG has invalid color type \(colorType)")
        }
        guard depths.contains(bitDepth) else {
            throw DatasetError(file: nil, "PNG has invalid bit depth \(bitDepth) for color type \(colorType)")
        }
        guard data[10] == 0, data[11] == 0 else {
            throw DatasetError(file: nil, "PNG uses unknown compression method \(data[10]) or filter method \(data[11])")
        }
        guard data[12] <= 1 else { throw DatasetError(file: nil, "PNG has unknown interlace method \(data[12])") }
        interlaced = data[12] == 1
    }
}

/// Decompression, unfiltering, de-interlacing and color expansion of PNG image data.
enum PNGDecoding {
    /// The Adam7 passes: first row, first column, row step, column step.
    static let adam7: [(row: Int, column: Int, rowStep: Int, columnStep: Int)] = [
        (0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4), (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1),
    ]

    static func decodePixels(_ chunks: PNGChunks) throws -> PNGImage {
        let samplesPerPixel = [0: 1, 2: 3, 3: 1, 4: 2, 6: 4][Int(chunks.colorType)]!
        let bitsPerPixel = samplesPerPixel * chunks.bitDepth
        let bytesPerPixel = max(1, bitsPerPixel / 8)
        let passes = chunks.interlaced ? adam7 : [(0, 0, 1, 1)]
        // Size of the filtered data every pass needs.
        var expectedSize = 0
        for pass in passes {
            let passWidth = (chunks.width - pass.column + pass.columnStep - 1) / pass.columnStep
            let passHeight = (chunks.height - pass.row + pass.rowStep - 1) / pass.rowStep
            if passWidth > 0 && passHeight > 0 { expectedSize += passHeight * (1 + (passWidth * bitsPerPixel + 7) / 8) }
        }
        var filtered: [UInt8]
        do {
            filtered = try Zlib.decompress(chunks.imageData, sizeHint: expectedSize + 1)
        } catch let error as DatasetError {
            throw DatasetError(file: nil, "PNG image data (IDAT) is unreadable: \(error.problem)")
        }
        guard filtered.count >= expectedSize else {
            throw DatasetError(file: nil, "PNG image data (IDAT) is truncated: \(filtered.count) bytes after decompression, \(expectedSize) needed")
        }
        // Raw samples, one UInt16 per sample (palette indices for palette images).
        var raw = [UInt16](repeating: 0, count: chunks.width * chunks.height * samplesPerPixel)
        var failure: DatasetError?
        filtered.withUnsafeMutableBufferPointer { filteredBuffer in
            raw.withUnsafeMutableBufferPointer { rawBuffer in
                var position = filteredBuffer.baseAddress!
                let destination = rawBuffer.baseAddress!
                for pass in passes {
                    let passWidth = (chunks.width - pass.column + pass.columnStep - 1) / pass.columnStep
                    let passHeight = (chunks.height - pass.row + pass.rowStep - 1) / pass.rowStep
                    guard passWidth > 0 && passHeight > 0 else { continue }
                    let rowSize = (passWidth * bitsPerPixel + 7) / 8
                    var previous: UnsafePointer<UInt8>? = nil
                    for passRow in 0..<passHeight {
                        let filterType = position[0]
                        let row = position + 1
                        guard PNGFilter.unfilter(type: filterType, row: row, previous: previous, count: rowSize, bytesPerPixel: bytesPerPixel) else {
                            failure = DatasetError(file: nil, "PNG is corrupt: unknown filter type \(filterType) in row \(passRow)")
                            return
                        }
                        let imageRow = pass.row + passRow * pass.rowStep
                        unpack(row: row, count: passWidth * samplesPerPixel, bitDepth: chunks.bitDepth,
                               into: destination, samplesPerPixel: samplesPerPixel,
                               firstPixel: imageRow * chunks.width + pass.column, pixelStep: pass.columnStep)
                        previous = UnsafePointer(row)
                        position += rowSize + 1
                    }
                }
            }
        }
        if let failure { throw failure }
        return try expandColors(raw, chunks: chunks, samplesPerPixel: samplesPerPixel)
    }

    /// Reads `count` samples of `bitDepth` bits from `row` and stores them for pixels
    /// `firstPixel`, `firstPixel + pixelStep`, ... of the image.
    private static func unpack(row: UnsafePointer<UInt8>, count: Int, bitDepth: Int,
                               into destination: UnsafeMutablePointer<UInt16>, samplesPerPixel: Int,
                               firstPixel: Int, pixelStep: Int) {
        for sampleIndex in 0..<count {
            let value: UInt16
            switch bitDepth {
            case 8: value = UInt16(row[sampleIndex])
            case 16: value = UInt16(row[2 * sampleIndex]) << 8 | UInt16(row[2 * sampleIndex + 1])
            default:
                let bitOffset = sampleIndex * bitDepth
                let byte = row[bitOffset >> 3]
                let shift = 8 - bitDepth - (bitOffset & 7)
                value = UInt16((byte >> UInt8(shift)) & UInt8((1 << bitDepth) - 1))
            }
            let pixel = sampleIndex / samplesPerPixel, channel = sampleIndex - pixel * samplesPerPixel
            destination[(firstPixel + pixel * pixelStep) * samplesPerPixel + channel] = value
        }
    }

    /// Turns raw samples into 8- or 16-bit gray, gray+alpha, RGB or RGBA.
    private static func expandColors(_ raw: [UInt16], chunks: PNGChunks, samplesPerPixel: Int) throws -> PNGImage {
        let pixelCount = chunks.width * chunks.height
        if chunks.colorType == 3 {
            let entries = chunks.palette.count / 3
            let hasAlpha = !chunks.paletteAlpha.isEmpty
            let channels = hasAlpha ? 4 : 3
            if let bad = raw.first(where: { Int($0) >= entries }) {
                throw DatasetError(file: nil, "PNG is corrupt: palette index \(bad) but the palette has \(entries) entries")
            }
            // The palette as ready-made RGB(A) entries, so the pixel loop only copies.
            var table = [UInt16](repeating: 255, count: 256 * channels)
            for index in 0..<entries {
                for channel in 0..<3 { table[index * channels + channel] = UInt16(chunks.palette[3 * index + channel]) }
                if hasAlpha && index < chunks.paletteAlpha.count { table[index * channels + 3] = UInt16(chunks.paletteAlpha[index]) }
            }
            var samples = [UInt16](repeating: 0, count: pixelCount * channels)
            raw.withUnsafeBufferPointer { indexBuffer in
                table.withUnsafeBufferPointer { tableBuffer in
                    samples.withUnsafeMutableBufferPointer { sampleBuffer in
                        let indices = indexBuffer.baseAddress!, entriesBase = tableBuffer.baseAddress!
                        let destination = sampleBuffer.baseAddress!
                        for pixel in 0..<pixelCount {
                            (destination + pixel * channels).update(from: entriesBase + Int(indices[pixel]) * channels, count: channels)
                        }
                    }
                }
            }
            return PNGImage(width: chunks.width, height: chunks.height, channels: channels, bitDepth: 8, samples: samples)
        }
        var samples = raw
        if chunks.bitDepth < 8 {
            let scale = UInt16(255 / ((1 << chunks.bitDepth) - 1))
            for index in 0..<samples.count { samples[index] &*= scale }
        }
        return PNGImage(width: chunks.width, height: chunks.height, channels: samplesPerPixel,
                        bitDepth: chunks.bitDepth == 16 ? 16 : 8, samples: samples)
    }
}
