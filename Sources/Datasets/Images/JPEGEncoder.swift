import CTurboJPEG

/// Writing JPEG files through libjpeg-turbo's `tjCompress2`.
extension JPEGImage {
    /// The JPEG file bytes at `quality` (1...100, as libjpeg's quality scale), baseline or
    /// progressive. Color images use 4:2:0 chroma subsampling unless `chromaSubsampling` is
    /// false (4:4:4); gray images are written as single-channel JPEGs.
    public func encoded(quality: Int = 95, chromaSubsampling: Bool = true, progressive: Bool = false) -> [UInt8] {
        precondition((1...100).contains(quality), "JPEGImage.encoded: quality must be 1...100, not \(quality)")
        guard let handle = tjInitCompress() else {
            preconditionFailure("JPEGImage.encoded: libjpeg-turbo could not start a compressor (out of memory)")
        }
        defer { tjDestroy(handle) }
        let pixelFormat = channels == 1 ? TJPF_GRAY : TJPF_RGB
        let subsampling = channels == 1 ? TJSAMP_GRAY : (chromaSubsampling ? TJSAMP_420 : TJSAMP_444)
        var output: UnsafeMutablePointer<UInt8>? = nil
        var outputSize: UInt = 0
        let flags = TJFLAG_ACCURATEDCT | (progressive ? TJFLAG_PROGRESSIVE : 0)
        let status = samples.withUnsafeBufferPointer { source in
            tjCompress2(handle, source.baseAddress, Int32(width), 0, Int32(height), Int32(pixelFormat.rawValue),
                        &output, &outputSize, Int32(subsampling.rawValue), Int32(quality), flags)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            preconditionFailure("JPEGImage.encoded: libjpeg-turbo failed: \(Self.errorMessage(handle))")
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(outputSize)))
    }

    /// Writes the image to `path` as a JPEG file at `quality`, atomically.
    public func write(to path: String, quality: Int = 95, chromaSubsampling: Bool = true, progressive: Bool = false) throws {
        try DatasetError.writeFile(encoded(quality: quality, chromaSubsampling: chromaSubsampling, progressive: progressive), to: path)
    }
}
