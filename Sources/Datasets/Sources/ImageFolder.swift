import Foundation

/// PNG images from a directory, held in memory. Each subdirectory is a class (sorted by
/// name, label = position); without subdirectories every image has label 0.
///
/// ```
/// shoes/                     classNames ["boots", "sandals"]
///   boots/   a.png b.png     label 0
///   sandals/ c.png           label 1
/// ```
public struct ImageFolder: Dataset {
    /// The class names (subdirectory names), empty for a flat folder.
    public let classNames: [String]
    /// The path of every image, in sample order.
    public let files: [String]
    /// One label per image.
    public let labels: [Int]
    /// All pixels, image after image, `[C, H, W]` each, in [-1, 1].
    public let pixels: [Float]
    /// The shape of one image.
    public let sampleShape: [Int]

    /// Loads every PNG under `directory`.
    /// - Parameters:
    ///   - channels: 1 (gray) or 3 (RGB); by default 3 if any image has color, else 1.
    ///     Alpha is dropped.
    ///   - size: `(height, width)` every image is resized to; by default all images must share a size.
    ///   - method: the resampling method for `size`.
    public init(directory: String, channels: Int? = nil, size: (height: Int, width: Int)? = nil,
                method: ResamplingMethod = .area) throws {
        precondition(channels == nil || channels == 1 || channels == 3, "ImageFolder: channels must be 1 or 3")
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DatasetError(file: directory, "image folder not found (expected a directory of PNG files or of class subdirectories)")
        }
        let entries = try Self.visibleEntries(of: directory)
        let subdirectories = entries.filter { Self.isDirectory((directory as NSString).appendingPathComponent($0)) }
        var files: [String] = [], labels: [Int] = [], classNames: [String] = []
        if subdirectories.isEmpty {
            files = try Self.imageFiles(in: directory, entries: entries)
            labels = [Int](repeating: 0, count: files.count)
        } else {
            for (label, name) in subdirectories.enumerated() {
                let classDirectory = (directory as NSString).appendingPathComponent(name)
                let classFiles = try Self.imageFiles(in: classDirectory, entries: try Self.visibleEntries(of: classDirectory))
                classNames.append(name)
                files += classFiles
                labels += [Int](repeating: label, count: classFiles.count)
            }
        }
        guard !files.isEmpty else { throw DatasetError(file: directory, "holds no .png images") }
        let decoded = try files.map { try PNGImage(contentsOf: $0) }
        let outputChannels = channels ?? (decoded.contains { $0.channels >= 3 } ? 3 : 1)
        let height = size?.height ?? decoded[0].height, width = size?.width ?? decoded[0].width
        var pixels: [Float] = []
        pixels.reserveCapacity(files.count * outputChannels * height * width)
        for (file, image) in zip(files, decoded) {
            var buffer = image.imageBuffer(range: -1...1)
            buffer = outputChannels == 1 ? buffer.grayscale() : buffer.rgb()
            if buffer.height != height || buffer.width != width {
                guard size != nil else {
                    throw DatasetError(file: file, "is \(buffer.height)x\(buffer.width) but \(files[0]) is \(height)x\(width); pass a size to resize every image")
                }
                buffer = buffer.resized(height: height, width: width, method: method)
            }
            pixels += buffer.pixels
        }
        self.classNames = classNames
        self.files = files
        self.labels = labels
        self.pixels = pixels
        self.sampleShape = [outputChannels, height, width]
    }

    public var count: Int { labels.count }
    public func label(at index: Int) -> Int { labels[index] }
    /// The number of class subfolders, or nil for a flat folder.
    public var classCount: Int? { classNames.isEmpty ? nil : classNames.count }

    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        let size = sampleSize
        pixels.withUnsafeBufferPointer { destination.update(from: $0.baseAddress! + index * size, count: size) }
    }

    private static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw DatasetError(file: directory, "cannot list the directory: \(error.localizedDescription)")
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &flag) && flag.boolValue
    }

    /// The PNG files among `entries` of `directory`; other image formats are refused by name.
    private static func imageFiles(in directory: String, entries: [String]) throws -> [String] {
        var files: [String] = []
        for name in entries {
            let path = (directory as NSString).appendingPathComponent(name)
            if isDirectory(path) { continue }
            switch (name as NSString).pathExtension.lowercased() {
            case "png": files.append(path)
            case "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp":
                throw DatasetError(file: path, "only PNG images are supported; convert this file to PNG")
            default: continue
            }
        }
        return files
    }
}
