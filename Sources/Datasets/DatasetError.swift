import Foundation

/// An error reading or writing dataset files: it names the file (when there is one) and
/// says what is wrong with it, so a command-line tool can print it as is.
public struct DatasetError: Error, CustomStringConvertible, LocalizedError, Sendable, Equatable {
    /// The path of the file or directory concerned, or `nil` for in-memory data.
    public let file: String?
    /// What is wrong, in words a user can act on.
    public let problem: String

    /// An error about `file` describing `problem`.
    public init(file: String?, _ problem: String) {
        self.file = file
        self.problem = problem
    }

    /// The same problem attributed to `file` (used when bytes read from memory turn out bad).
    public func naming(_ file: String) -> DatasetError {
        DatasetError(file: file, problem)
    }

    public var description: String {
        if let file { return "\(file): \(problem)" }
        return problem
    }

    public var errorDescription: String? { description }
}

extension DatasetError {
    /// Reads the whole file at `path`, turning I/O failures into a `DatasetError`.
    static func readFile(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatasetError(file: path, "file not found")
        }
        if isDirectory.boolValue { throw DatasetError(file: path, "is a directory, expected a file") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DatasetError(file: path, "cannot be read (permission denied or I/O error)")
        }
        return [UInt8](data)
    }

    /// Reads the file at `path` and decodes its bytes with `decode`; a `DatasetError` from the
    /// decoder is attributed to the file.
    static func decodeFile<Value>(_ path: String, _ decode: ([UInt8]) throws -> Value) throws -> Value {
        let bytes = try readFile(path)
        do {
            return try decode(bytes)
        } catch let error as DatasetError {
            throw error.naming(path)
        }
    }

    /// Writes `bytes` to `path` atomically (a temporary file renamed into place).
    static func writeFile(_ bytes: [UInt8], to path: String) throws {
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw DatasetError(file: path, "cannot be written: \(error.localizedDescription)")
        }
    }
}
