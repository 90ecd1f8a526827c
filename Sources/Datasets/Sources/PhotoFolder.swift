import Foundation
import TensorCore

/// Every PNG and JPEG photo under a directory (searched recursively, in sorted path order),
/// each at its own size, as 8-bit RGB: the source of super-resolution training patches.
///
/// Loading is eager: every photo is decoded once, in parallel, and kept as interleaved 8-bit
/// RGB (3 bytes a pixel, so 148 photos of 0.5 MP hold about 210 MB); crops are converted to
/// floats on demand. Gray photos become RGB (the gray value in each channel), alpha is
/// dropped, 16-bit PNGs are rounded to 8 bits. A file with a `.png`, `.jpg` or `.jpeg`
/// name (any case) that cannot be decoded is skipped with a warning naming it; files with
/// other names and hidden files (names starting with ".") are ignored. The folder is only read.
///
/// ```swift
/// let photos = try PhotoFolder(directory: "photos")
/// let patch = photos.crop(at: 0, top: 10, left: 20, height: 96, width: 96)   // [3, 96, 96] in [-1, 1]
/// ```
public struct PhotoFolder: Sendable {
    /// One decoded photo: interleaved 8-bit RGB samples, row by row.
    public struct Photo: Sendable, Equatable {
        /// Height in pixels.
        public let height: Int
        /// Width in pixels.
        public let width: Int
        /// `height * width * 3` samples, pixel by pixel (red, green, blue).
        public let samples: [UInt8]
    }

    /// The directory searched.
    public let directory: String
    /// The path of every photo, sorted, in index order.
    public let files: [String]
    /// The decoded photos, in index order.
    public let photos: [Photo]
    /// The image files that could not be read, each error naming its file and the problem.
    public let skippedFiles: [DatasetError]

    /// Loads every PNG and JPEG under `directory`, recursively.
    /// - Parameter warn: called once for each skipped file with a one-line message naming it
    ///   (by default printed to standard error).
    /// - Throws: a `DatasetError` naming `directory` when it does not exist or no image in it
    ///   can be read.
    public init(directory: String, warn: (String) -> Void = PhotoFolder.printWarning) throws {
        let candidates = try Self.imageFiles(under: directory)
        guard !candidates.isEmpty else {
            throw DatasetError(file: directory, "holds no .png, .jpg or .jpeg images (searched recursively)")
        }
        let results = Self.decodeAll(candidates)
        var files: [String] = [], photos: [Photo] = [], skipped: [DatasetError] = []
        for (file, result) in zip(candidates, results) {
            switch result {
            case .success(let photo):
                files.append(file)
                photos.append(photo)
            case .failure(let error):
                skipped.append(error)
                warn("warning: skipping \(error.description)")
            }
        }
        guard !photos.isEmpty else {
            throw DatasetError(file: directory, "none of its \(candidates.count) image files can be read (first problem: \(skipped[0].description))")
        }
        self.directory = directory
        self.files = files
        self.photos = photos
        self.skippedFiles = skipped
    }

    /// Prints `message` to standard error.
    public static func printWarning(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Number of photos.
    public var count: Int { photos.count }

    /// The size of photo `index`.
    public func size(at index: Int) -> (height: Int, width: Int) {
        (photos[index].height, photos[index].width)
    }

    /// Photo `index` as a `[3, height, width]` image with samples 0...255 mapped to `range`.
    public func image(at index: Int, range: ClosedRange<Float> = -1...1) -> ImageBuffer {
        let photo = photos[index]
        return crop(at: index, top: 0, left: 0, height: photo.height, width: photo.width, range: range)
    }

    /// The `height` x `width` region of photo `index` whose top-left corner is (`top`, `left`),
    /// as a `[3, height, width]` image with samples 0...255 mapped to `range`.
    public func crop(at index: Int, top: Int, left: Int, height: Int, width: Int,
                     range: ClosedRange<Float> = -1...1) -> ImageBuffer {
        let photo = photos[index]
        precondition(top >= 0 && left >= 0 && height > 0 && width > 0 && top + height <= photo.height && left + width <= photo.width,
                     "PhotoFolder.crop: region \(height)x\(width) at (\(top), \(left)) is outside the \(photo.height)x\(photo.width) photo \(files[index])")
        var output = ImageBuffer(channels: 3, height: height, width: width)
        let scale = (range.upperBound - range.lowerBound) / 255, offset = range.lowerBound
        let planeSize = height * width, photoWidth = photo.width
        photo.samples.withUnsafeBufferPointer { sourceBuffer in
            output.pixels.withUnsafeMutableBufferPointer { destinationBuffer in
                let destination = destinationBuffer.baseAddress!
                for row in 0..<height {
                    let input = sourceBuffer.baseAddress! + ((top + row) * photoWidth + left) * 3
                    let result = destination + row * width
                    for column in 0..<width {
                        result[column] = Float(input[column * 3]) * scale + offset
                        result[planeSize + column] = Float(input[column * 3 + 1]) * scale + offset
                        result[2 * planeSize + column] = Float(input[column * 3 + 2]) * scale + offset
                    }
                }
            }
        }
        return output
    }

    /// The image files under `directory`, recursively, sorted by path.
    static func imageFiles(under directory: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(file: directory, "photo folder not found (expected a directory of PNG or JPEG images)")
        }
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else {
            throw DatasetError(file: directory, "cannot list the directory")
        }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) { continue }
            guard ImageFileFormat.hasImageExtension(relative) else { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            var entryIsDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &entryIsDirectory), !entryIsDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// Decodes `files` on the worker threads (file `i` on worker `i % workers`, which balances
    /// folders whose large photos come last).
    static func decodeAll(_ files: [String]) -> [Result<Photo, DatasetError>] {
        var results = [Result<Photo, DatasetError>?](repeating: nil, count: files.count)
        let workers = min(Parallel.threadCount, files.count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let destination = buffer  // workers write disjoint elements
            Parallel.forEachChunk(workers, costPerItem: Parallel.minimumParallelWork) { range in
                for worker in range {
                    for index in stride(from: worker, to: files.count, by: workers) {
                        do {
                            destination[index] = .success(try decodePhoto(files[index]))
                        } catch let error as DatasetError {
                            destination[index] = .failure(error)
                        } catch {
                            destination[index] = .failure(DatasetError(file: files[index], "\(error)"))
                        }
                    }
                }
            }
        }
        return results.map { $0! }
    }

    /// Reads one PNG or JPEG file as 8-bit RGB.
    static func decodePhoto(_ path: String) throws -> Photo {
        try DatasetError.decodeFile(path) { bytes in
            switch ImageFileFormat(signature: bytes) {
            case .jpeg:
                let image = try JPEGImage(fileBytes: bytes)
                return Photo(height: image.height, width: image.width,
                             samples: image.channels == 3 ? image.samples : image.samples.flatMap { [$0, $0, $0] })
            case .png:
                let image = try PNGImage(fileBytes: bytes)
                return Photo(height: image.height, width: image.width, samples: rgb8(image))
            case nil:
                throw ImageFileFormat.unknownFormatError
            }
        }
    }

    /// Interleaved 8-bit RGB from a PNG of any channel count and depth.
    private static func rgb8(_ image: PNGImage) -> [UInt8] {
        let pixelCount = image.width * image.height, channels = image.channels
        let sixteenBits = image.bitDepth == 16
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        image.samples.withUnsafeBufferPointer { sourceBuffer in
            rgb.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                for pixel in 0..<pixelCount {
                    for channel in 0..<3 {
                        // Gray (1 or 2 channels) repeats its first sample; alpha is never read.
                        let value = source[pixel * channels + (channels >= 3 ? channel : 0)]
                        destination[pixel * 3 + channel] = sixteenBits ? UInt8((UInt32(value) * 255 + 32767) / 65535) : UInt8(value)
                    }
                }
            }
        }
        return rgb
    }
}
