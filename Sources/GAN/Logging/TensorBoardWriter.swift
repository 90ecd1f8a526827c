import Foundation

/// Writes TensorBoard event files (`events.out.tfevents.*`): TFRecord framing (length,
/// masked CRC-32C of the length, an `Event` protocol buffer, its masked CRC-32C) with
/// scalar and PNG image summaries. The protocol buffers are encoded by hand: only a few
/// fields of `Event`, `Summary` and `Summary.Image` are needed.
public final class TensorBoardWriter {
    public let path: String
    private let handle: FileHandle

    /// Creates a new event file in `directory`.
    public init(directory: String) throws {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        // A new file each time: a resumed run never truncates an earlier one.
        let stem = directory + "/events.out.tfevents.\(Int(Date().timeIntervalSince1970)).\(host)"
        var candidate = stem + ".gankit", number = 1
        while FileManager.default.fileExists(atPath: candidate) {
            number += 1
            candidate = stem + ".\(number).gankit"
        }
        path = candidate
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw TrainingError.invalidConfiguration("cannot create the TensorBoard file \(path)")
        }
        self.handle = handle
        var event = ProtocolBuffer()
        event.double(1, Date().timeIntervalSince1970)
        event.bytes(3, Array("brain.Event:2".utf8))
        try write(event)
    }

    deinit { try? handle.close() }

    /// Logs scalars at a step.
    public func scalars(_ values: [(name: String, value: Double)], step: Int) throws {
        var summary = ProtocolBuffer()
        for (name, value) in values {
            var entry = ProtocolBuffer()
            entry.bytes(1, Array(name.utf8))
            entry.float(2, Float(value))
            summary.bytes(1, entry.data)
        }
        try write(summaryEvent(summary, step: step))
    }

    /// Logs a PNG image at a step.
    public func image(_ name: String, png: [UInt8], height: Int, width: Int, channels: Int, step: Int) throws {
        var image = ProtocolBuffer()
        image.varint(1, UInt64(height))
        image.varint(2, UInt64(width))
        image.varint(3, UInt64(channels))
        image.bytes(4, png)
        var entry = ProtocolBuffer()
        entry.bytes(1, Array(name.utf8))
        entry.bytes(4, image.data)
        var summary = ProtocolBuffer()
        summary.bytes(1, entry.data)
        try write(summaryEvent(summary, step: step))
    }

    private func summaryEvent(_ summary: ProtocolBuffer, step: Int) -> ProtocolBuffer {
        var event = ProtocolBuffer()
        event.double(1, Date().timeIntervalSince1970)
        event.varint(2, UInt64(step))
        event.bytes(5, summary.data)
        return event
    }

    private func write(_ event: ProtocolBuffer) throws {
        var record: [UInt8] = []
        let length = withUnsafeBytes(of: UInt64(event.data.count).littleEndian, Array.init)
        record += length
        record += withUnsafeBytes(of: CRC32C.masked(length).littleEndian, Array.init)
        record += event.data
        record += withUnsafeBytes(of: CRC32C.masked(event.data).littleEndian, Array.init)
        do {
            try handle.write(contentsOf: Data(record))
        } catch {
            throw TrainingError.invalidConfiguration("cannot write the TensorBoard file \(path): \(error.localizedDescription)")
        }
    }
}

/// Protocol buffer wire encoding of the field kinds the event files use.
struct ProtocolBuffer {
    private(set) var data: [UInt8] = []

    private mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            data.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        data.append(UInt8(v))
    }

    mutating func varint(_ field: Int, _ value: UInt64) {
        appendVarint(UInt64(field << 3))
        appendVarint(value)
    }

    mutating func double(_ field: Int, _ value: Double) {
        appendVarint(UInt64(field << 3 | 1))
        data += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }

    mutating func float(_ field: Int, _ value: Float) {
        appendVarint(UInt64(field << 3 | 5))
        data += withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        appendVarint(UInt64(field << 3 | 2))
        appendVarint(UInt64(value.count))
        data += value
    }
}

/// CRC-32C (Castagnoli), as TFRecord framing uses, with TensorFlow's masking.
enum CRC32C {
    static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0x82F6_3B78 ^ (c >> 1) : c >> 1 }
        return c
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    static func masked(_ bytes: [UInt8]) -> UInt32 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
