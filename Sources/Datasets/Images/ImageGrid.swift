import TensorCore

/// Tiles a batch of images into one sample sheet, like torchvision's `make_grid`.
public enum ImageGrid {
    /// Tiles an `[N, C, H, W]` batch (C = 1...4) into one image.
    ///
    /// - Parameters:
    ///   - images: the batch; values spanning `valueRange` (default [-1, 1], the samples contract).
    ///   - rows: number of rows of the grid; by default the grid is as square as possible.
    ///   - padding: pixels between images and around the border.
    ///   - valueRange: the values mapped to black and white; values outside are clamped.
    ///   - paddingValue: brightness of the padding, 0 (black) to 1 (white).
    /// - Returns: the grid with values in [0, 1], ready for `PNGImage(_:range: 0...1)`.
    public static func make(_ images: Tensor, rows: Int? = nil, padding: Int = 2,
                            valueRange: ClosedRange<Float> = -1...1, paddingValue: Float = 0) -> ImageBuffer {
        precondition(images.shape.count == 4, "ImageGrid.make: expects an [N, C, H, W] tensor, got \(images.shape)")
        let count = images.shape[0], channels = images.shape[1], height = images.shape[2], width = images.shape[3]
        precondition(count > 0 && (1...4).contains(channels), "ImageGrid.make: needs at least one image of 1...4 channels, got \(images.shape)")
        precondition(padding >= 0, "ImageGrid.make: padding must be >= 0, not \(padding)")
        let rowCount: Int
        if let rows {
            precondition(rows > 0, "ImageGrid.make: rows must be positive, not \(rows)")
            rowCount = min(rows, count)
        } else {
            var root = Int(Double(count).squareRoot())
            if root * root < count { root += 1 }
            rowCount = (count + root - 1) / root
        }
        let columnCount = (count + rowCount - 1) / rowCount
        let gridHeight = rowCount * (height + padding) + padding
        let gridWidth = columnCount * (width + padding) + padding
        var grid = ImageBuffer(channels: channels, height: gridHeight, width: gridWidth, filledWith: paddingValue)
        let scale = 1 / (valueRange.upperBound - valueRange.lowerBound), offset = valueRange.lowerBound
        let scalars = images.scalars
        scalars.withUnsafeBufferPointer { sourceBuffer in
            grid.pixels.withUnsafeMutableBufferPointer { gridBuffer in
                let source = sourceBuffer.baseAddress!, destination = gridBuffer.baseAddress!
                for index in 0..<count {
                    let top = padding + (index / columnCount) * (height + padding)
                    let left = padding + (index % columnCount) * (width + padding)
                    for channel in 0..<channels {
                        let plane = source + (index * channels + channel) * height * width
                        for row in 0..<height {
                            let input = plane + row * width
                            let output = destination + (channel * gridHeight + top + row) * gridWidth + left
                            for column in 0..<width {
                                let value = (input[column] - offset) * scale
                                output[column] = value > 0 ? min(value, 1) : 0
                            }
                        }
                    }
                }
            }
        }
        return grid
    }

    /// Tiles a batch into a grid and writes it as an 8-bit PNG (gray, gray+alpha, RGB or RGBA).
    public static func write(_ images: Tensor, to path: String, rows: Int? = nil, padding: Int = 2,
                             valueRange: ClosedRange<Float> = -1...1, paddingValue: Float = 0) throws {
        let grid = make(images, rows: rows, padding: padding, valueRange: valueRange, paddingValue: paddingValue)
        try PNGImage(grid, range: 0...1).write(to: path)
    }
}
