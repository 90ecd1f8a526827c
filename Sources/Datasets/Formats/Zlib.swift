import CZlib

/// Compression and decompression through zlib: gzip or zlib streams in, zlib streams out.
public enum Zlib {
    /// Decompresses a gzip or zlib stream (detected from its header). Concatenated gzip members
    /// are joined. Truncated or corrupt input throws a `DatasetError` without a file name;
    /// callers attach theirs with `naming(_:)`.
    /// - Parameter sizeHint: expected output size, used only to size the first buffer.
    public static func decompress(_ input: [UInt8], sizeHint: Int = 0) throws -> [UInt8] {
        if input.isEmpty { throw DatasetError(file: nil, "compressed data is empty") }
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw DatasetError(file: nil, "zlib could not start decompressing")
        }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: max(sizeHint, 4 * input.count, 1024))
        var produced = 0
        try input.withUnsafeBufferPointer { inputBuffer in
            stream.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress!)
            stream.avail_in = UInt32(inputBuffer.count)
            while true {
                if produced == output.count {
                    output.append(contentsOf: repeatElement(0, count: output.count))
                }
                let status: Int32 = output.withUnsafeMutableBufferPointer { outputBuffer in
                    let room = min(outputBuffer.count - produced, Int(UInt32.max))
                    stream.next_out = outputBuffer.baseAddress! + produced
                    stream.avail_out = UInt32(room)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    produced += room - Int(stream.avail_out)
                    return status
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another gzip member may follow (as `cat a.gz b.gz` produces).
                    if stream.avail_in == 0 { return }
                    if stream.next_in[0] == 0x1f && stream.avail_in >= 2 && stream.next_in[1] == 0x8b {
                        inflateReset(&stream)
                        continue
                    }
                    return // trailing bytes after the stream (padding) are ignored, as gzip does
                case Z_BUF_ERROR:
                    if stream.avail_in == 0 {
                        throw DatasetError(file: nil, "compressed data is truncated (ends after \(produced) decompressed bytes)")
                    }
                    continue // output buffer full; grown at the top of the loop
                case Z_NEED_DICT:
                    throw DatasetError(file: nil, "compressed data needs a preset dictionary, which is not supported")
                case Z_MEM_ERROR:
                    throw DatasetError(file: nil, "out of memory while decompressing")
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                    throw DatasetError(file: nil, "compressed data is corrupt (\(reason))")
                }
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `input` into a zlib stream (the format of PNG's IDAT data).
    public static func compress(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        deflate(input, level: level, windowBits: 15)
    }

    /// Compresses `input` into a gzip stream (the format of `.gz` files).
    public static func gzip(_ input: [UInt8], level: Int32 = 6) -> [UInt8] {
        deflate(input, level: level, windowBits: 15 + 16)
    }

    /// The CRC-32 of `bytes` (the checksum of gzip and PNG chunks).
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return UInt32(CZlib.crc32(0, base.assumingMemoryBound(to: UInt8.self), UInt32(bytes.count)))
    }

    private static func deflate(_ input: [UInt8], level: Int32, windowBits: Int32) -> [UInt8] {
        var stream = z_stream()
        let started = deflateInit2_(&stream, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY,
                                    ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(started == Z_OK, "Zlib.deflate: deflateInit2 failed with \(started)")
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count))) + 32
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)
                stream.avail_in = UInt32(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress!
                stream.avail_out = UInt32(outputBuffer.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "Zlib.deflate: deflate returned \(status)")
                return outputBuffer.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }
}
