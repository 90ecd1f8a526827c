import Datasets

/// Which pixels a super-resolution quality measure compares.
public enum QualityChannels: String, Sendable, CaseIterable {
    /// The Y (luma) channel of YCbCr by ITU-R BT.601 as the super-resolution literature uses
    /// it: with R, G, B in [0, 1], Y = 16 + 65.481 R + 128.553 G + 24.966 B (range 16...235,
    /// not rounded), compared with a peak of 255. Needs RGB images.
    case luma
    /// Every channel as it is, scaled to 0...255 (for RGB images, "RGB PSNR").
    case allChannels
}

/// Planes of Float64 values on a 0...255 scale, cropped, ready for PSNR or SSIM.
struct QualityPlanes {
    let count: Int, height: Int, width: Int
    /// `count` planes of `height * width` values, plane after plane.
    let values: [Double]

    /// The planes of `image` for `channels`, with `border` pixels cut from every side and the
    /// values of `range` mapped to 0...255.
    init(_ image: ImageBuffer, channels: QualityChannels, border: Int, range: ClosedRange<Float>) {
        precondition(border >= 0, "QualityPlanes: border must be >= 0, not \(border)")
        precondition(image.height > 2 * border && image.width > 2 * border,
                     "QualityPlanes: a border of \(border) leaves nothing of a \(image.height)x\(image.width) image")
        precondition(channels == .allChannels || image.channels == 3,
                     "QualityPlanes: luma needs an RGB image, not \(image.channels) channel(s)")
        height = image.height - 2 * border
        width = image.width - 2 * border
        count = channels == .luma ? 1 : image.channels
        let scale = 1 / (Double(range.upperBound) - Double(range.lowerBound)), offset = Double(range.lowerBound)
        let planeSize = image.height * image.width
        let sourceWidth = image.width, croppedHeight = height, croppedWidth = width, planeCount = count
        var values = [Double](repeating: 0, count: planeCount * croppedHeight * croppedWidth)
        image.pixels.withUnsafeBufferPointer { sourceBuffer in
            values.withUnsafeMutableBufferPointer { destinationBuffer in
                let source = sourceBuffer.baseAddress!, destination = destinationBuffer.baseAddress!
                for row in 0..<croppedHeight {
                    let sourceRow = (row + border) * sourceWidth + border
                    if channels == .luma {
                        let red = source + sourceRow, green = red + planeSize, blue = green + planeSize
                        let result = destination + row * croppedWidth
                        for column in 0..<croppedWidth {
                            let r = (Double(red[column]) - offset) * scale
                            let g = (Double(green[column]) - offset) * scale
                            let b = (Double(blue[column]) - offset) * scale
                            result[column] = 16 + 65.481 * r + 128.553 * g + 24.966 * b
                        }
                    } else {
                        for plane in 0..<planeCount {
                            let input = source + plane * planeSize + sourceRow
                            let result = destination + (plane * croppedHeight + row) * croppedWidth
                            for column in 0..<croppedWidth { result[column] = (Double(input[column]) - offset) * scale * 255 }
                        }
                    }
                }
            }
        }
        self.values = values
    }
}
