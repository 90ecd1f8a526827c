import CTurboJPEG

/// Reading JPEG files through libjpeg-turbo: baseline and progressive (Huffman or arithmetic
/// coded) files in the gray, YCbCr, RGB, CMYK and YCCK color spaces. A corrupt or truncated
/// file throws a `DatasetError` that names the file and the problem; libjpeg-turbo's warnings
/// (such as "Premature end of JPEG file") count as errors, so a damaged file is never returned
/// half gray.
extension JPEGImage {
    /// The most pixels a file may declare (guards against absurd headers).
    static let maximumPixelCount = 1 << 28

    /// Reads a JPEG file.
    public init(contentsOf path: String) throws {
        self = try DatasetError.decodeFile(path, Self.init(fileBytes:))
    }

    /// Decodes JPEG bytes.
    ///
    /// CMYK and YCCK files are converted to RGB the way Adobe applications write them (and
    /// Pillow reads them): the stored values are inverted ink amounts, so with stored `c` and
    /// `k` in 0...255, red is `c * k / 255` (rounded), and likewise green from `m` and blue from `y`.
    public init(fileBytes bytes: [UInt8]) throws {
        guard bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF else {
            throw DatasetError(file: nil, "not a JPEG file (the start-of-image marker FF D8 FF is missing)")
        }
        guard let handle = tjInitDecompress() else {
            throw DatasetError(file: nil, "libjpeg-turbo could not start a decompressor (out of memory)")
        }
        defer { tjDestroy(handle) }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorSpace: Int32 = 0
        let headerStatus = bytes.withUnsafeBufferPointer { buffer in
            tjDecompressHeader3(handle, buffer.baseAddress, UInt(buffer.count), &width, &height, &subsampling, &colorSpace)
        }
        guard headerStatus == 0 else {
            throw DatasetError(file: nil, "corrupt JPEG header: \(Self.errorMessage(handle))")
        }
        guard width > 0, height > 0, Int(width) * Int(height) <= Self.maximumPixelCount else {
            throw DatasetError(file: nil, "JPEG declares an unsupported size \(width)x\(height)")
        }
        let isGray = colorSpace == Int32(TJCS_GRAY.rawValue)
        let isCMYK = colorSpace == Int32(TJCS_CMYK.rawValue) || colorSpace == Int32(TJCS_YCCK.rawValue)
        let pixelFormat = isGray ? TJPF_GRAY : (isCMYK ? TJPF_CMYK : TJPF_RGB)
        let decodedChannels = isGray ? 1 : (isCMYK ? 4 : 3)
        var decoded = [UInt8](repeating: 0, count: Int(width) * Int(height) * decodedChannels)
        let status = bytes.withUnsafeBufferPointer { source in
            decoded.withUnsafeMutableBufferPointer { destination in
                tjDecompress2(handle, source.baseAddress, UInt(source.count), destination.baseAddress,
                              width, 0, height, Int32(pixelFormat.rawValue), TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING)
            }
        }
        guard status == 0 else {
            throw DatasetError(file: nil, "corrupt or truncated JPEG data: \(Self.errorMessage(handle))")
        }
        let samples = isCMYK ? Self.rgb(fromInvertedCMYK: decoded) : decoded
        self.init(width: Int(width), height: Int(height), channels: isGray ? 1 : 3, samples: samples)
    }

    /// libjpeg-turbo's message for the last failure of `handle`.
    static func errorMessage(_ handle: tjhandle) -> String {
        guard let message = tjGetErrorStr2(handle) else { return "unknown error" }
        return String(cString: message)
    }

    /// RGB from Adobe-style (inverted) CMYK samples: `r = c * k / 255`, rounded.
    private static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        cmyk.withUnsafeBufferPointer { sourceBuffer in
            rgb.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                for pixel in 0..<pixelCount {
                    let key = UInt32(source[pixel * 4 + 3])
                    for channel in 0..<3 {
                        let product = UInt32(source[pixel * 4 + channel]) * key
                        destination[pixel * 3 + channel] = UInt8((product + 127) / 255)
                    }
                }
            }
        }
        return rgb
    }
}
