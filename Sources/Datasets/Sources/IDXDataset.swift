import Foundation

/// Labeled images from a pair of IDX files (MNIST, Fashion-MNIST, KMNIST, EMNIST), gzip or raw.
public enum IDXDataset {
    /// Reads an image file (rank 3, `[N, H, W]`, or rank 4, `[N, H, W, C]`, unsigned bytes)
    /// and a label file (rank 1, `[N]`) into memory.
    /// - Parameter transposed: EMNIST stores each image transposed; pass `true` to undo it.
    public static func load(imagesFile: String, labelsFile: String, transposed: Bool = false) throws -> ByteImageDataset {
        let images = try IDXArray(contentsOf: imagesFile)
        let labels = try IDXArray(contentsOf: labelsFile)
        guard images.elementType == .unsignedByte else {
            throw DatasetError(file: imagesFile, "images must be unsigned bytes (IDX type 0x08), found \(images.elementType)")
        }
        guard images.dimensions.count == 3 || images.dimensions.count == 4 else {
            throw DatasetError(file: imagesFile, "images must have 3 or 4 dimensions [N, H, W(, C)], found \(images.dimensions)")
        }
        guard labels.dimensions.count == 1, labels.elementType != .float, labels.elementType != .double else {
            throw DatasetError(file: labelsFile, "labels must be a one-dimensional integer array, found \(labels.elementType) \(labels.dimensions)")
        }
        let imageCount = images.dimensions[0]
        guard labels.dimensions[0] == imageCount else {
            throw DatasetError(file: labelsFile, "holds \(labels.dimensions[0]) labels but \(imagesFile) holds \(imageCount) images")
        }
        let height = images.dimensions[1], width = images.dimensions[2]
        let channels = images.dimensions.count == 4 ? images.dimensions[3] : 1
        let pixels: [UInt8]
        if channels == 1 && !transposed {
            pixels = images.bytes
        } else {
            pixels = planarPixels(images.bytes, count: imageCount, height: height, width: width,
                                  channels: channels, transposed: transposed)
        }
        return ByteImageDataset(pixels: pixels, labels: labels.integerValues(), channels: channels,
                                height: transposed ? width : height, width: transposed ? height : width)
    }

    /// Reorders interleaved `[N, H, W, C]` bytes (transposed per image when asked) to planar
    /// `[N, C, H', W']`.
    private static func planarPixels(_ bytes: [UInt8], count: Int, height: Int, width: Int,
                                     channels: Int, transposed: Bool) -> [UInt8] {
        let outputHeight = transposed ? width : height, outputWidth = transposed ? height : width
        var output = [UInt8](repeating: 0, count: bytes.count)
        bytes.withUnsafeBufferPointer { sourceBuffer in
            output.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                let imageSize = height * width * channels
                for image in 0..<count {
                    let input = source + image * imageSize, output = destination + image * imageSize
                    for row in 0..<height {
                        for column in 0..<width {
                            for channel in 0..<channels {
                                let value = input[(row * width + column) * channels + channel]
                                let target = transposed ? column * outputWidth + row : row * outputWidth + column
                                output[channel * outputHeight * outputWidth + target] = value
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
