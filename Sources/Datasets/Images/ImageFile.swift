/// Reading an image file whose format is told by its first bytes, not its name: PNG or JPEG.
extension ImageBuffer {
    /// Reads a PNG or JPEG file as planar floats, mapping the sample range (0...255, or
    /// 0...65535 for 16-bit PNGs) to `range`. Channels are kept as stored: 1 gray, 2 gray+alpha,
    /// 3 RGB, 4 RGBA (JPEG gives 1 or 3; CMYK JPEGs become RGB).
    public init(contentsOf path: String, range: ClosedRange<Float> = -1...1) throws {
        self = try DatasetError.decodeFile(path) { bytes in
            switch ImageFileFormat(signature: bytes) {
            case .png: return try PNGImage(fileBytes: bytes).imageBuffer(range: range)
            case .jpeg: return try JPEGImage(fileBytes: bytes).imageBuffer(range: range)
            case nil: throw ImageFileFormat.unknownFormatError
            }
        }
    }
}

/// The image file formats GANKit reads, recognized by their signatures.
enum ImageFileFormat {
    case png, jpeg

    /// The format whose signature `bytes` start with, or nil.
    init?(signature bytes: [UInt8]) {
        if bytes.count >= 8 && bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
            self = .jpeg
        } else {
            return nil
        }
    }

    /// Whether a file name has an image extension GANKit reads (.png, .jpg, .jpeg, any case).
    static func hasImageExtension(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: ".") else { return false }
        return ["png", "jpg", "jpeg"].contains(name[name.index(after: dot)...].lowercased())
    }

    static let unknownFormatError = DatasetError(file: nil, "is neither a PNG nor a JPEG file (unrecognized signature); convert it to PNG or JPEG")
}
