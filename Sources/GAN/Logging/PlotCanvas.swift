import Datasets
import Foundation

/// An RGB picture to draw plots on: pixels, lines, rectangles, text in `BitmapFont`, other
/// pictures, and line-plot panels with axes and tick labels. Written out as a `PNGImage`.
public struct PlotCanvas {
    /// An 8-bit RGB color.
    public struct Color: Sendable, Equatable {
        public var red: UInt8, green: UInt8, blue: UInt8
        public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) { (self.red, self.green, self.blue) = (red, green, blue) }
        public static let white = Color(255, 255, 255)
        public static let black = Color(0, 0, 0)
        public static let gray = Color(120, 120, 120)
        public static let lightGray = Color(225, 225, 225)
        /// The same hue mixed with white: `amount` 0 keeps it, 1 is white.
        public func lightened(_ amount: Double) -> Color {
            func mix(_ value: UInt8) -> UInt8 { UInt8((Double(value) + (255 - Double(value)) * amount).rounded()) }
            return Color(mix(red), mix(green), mix(blue))
        }
    }

    public let width: Int
    public let height: Int
    /// Row by row, three bytes a pixel.
    public private(set) var pixels: [UInt8]

    public init(width: Int, height: Int, background: Color = .white) {
        precondition(width > 0 && height > 0, "PlotCanvas: size \(width)x\(height) must be positive")
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            pixels[3 * index] = background.red
            pixels[3 * index + 1] = background.green
            pixels[3 * index + 2] = background.blue
        }
    }

    /// The canvas as an 8-bit RGB PNG image.
    public var image: PNGImage { PNGImage(width: width, height: height, channels: 3, samples: pixels.map(UInt16.init)) }

    /// The color at (`x`, `y`).
    public func color(x: Int, y: Int) -> Color {
        let offset = 3 * (y * width + x)
        return Color(pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }

    /// Sets one pixel; points outside the canvas are ignored.
    public mutating func set(x: Int, y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let offset = 3 * (y * width + x)
        pixels[offset] = color.red
        pixels[offset + 1] = color.green
        pixels[offset + 2] = color.blue
    }

    /// Fills the rectangle with top-left corner (`x`, `y`).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ color: Color) {
        for row in max(0, y)..<min(height, y + h) where w > 0 {
            for column in max(0, x)..<min(width, x + w) { set(x: column, y: row, color) }
        }
    }

    /// A one-pixel line between two points (Bresenham).
    public mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int), _ color: Color) {
        var (x, y) = start
        let dx = abs(end.x - x), dy = -abs(end.y - y)
        let stepX = x < end.x ? 1 : -1, stepY = y < end.y ? 1 : -1
        var error = dx + dy
        while true {
            set(x: x, y: y, color)
            if x == end.x && y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += stepX }
            if doubled <= dx { error += dx; y += stepY }
        }
    }

    /// `text` in the bitmap font with its top-left corner at (`x`, `y`).
    public mutating func text(_ text: String, x: Int, y: Int, _ color: Color = .black) {
        for (index, character) in text.enumerated() {
            let left = x + index * BitmapFont.advance
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth where BitmapFont.isSet(character, column: column, row: row) {
                    set(x: left + column, y: y + row, color)
                }
            }
        }
    }

    /// Draws `picture` (gray or RGB, with or without alpha) scaled by nearest neighbour to
    /// fit in `boxWidth` x `boxHeight` at (`x`, `y`), keeping its aspect ratio.
    public mutating func draw(_ picture: PNGImage, x: Int, y: Int, boxWidth: Int, boxHeight: Int) {
        let scale = min(Double(boxWidth) / Double(picture.width), Double(boxHeight) / Double(picture.height))
        let drawnWidth = max(1, Int(Double(picture.width) * scale)), drawnHeight = max(1, Int(Double(picture.height) * scale))
        let maximum = Double(picture.maximumValue)
        for row in 0..<drawnHeight {
            let sourceRow = min(picture.height - 1, Int(Double(row) / scale))
            for column in 0..<drawnWidth {
                let sourceColumn = min(picture.width - 1, Int(Double(column) / scale))
                let offset = (sourceRow * picture.width + sourceColumn) * picture.channels
                func sample(_ channel: Int) -> UInt8 { UInt8((Double(picture.samples[offset + channel]) / maximum * 255).rounded()) }
                let color = picture.channels >= 3 ? Color(sample(0), sample(1), sample(2)) : Color(sample(0), sample(0), sample(0))
                set(x: x + column, y: y + row, color)
            }
        }
    }

    /// A line-plot panel in the rectangle at (`x`, `y`): the title on top, a frame with three
    /// tick labels on each axis, the points of `series` (x ascending) joined in `color`. With
    /// more points than pixel columns, each column shows the points' range in a light tone
    /// and their mean as the line; a few points are marked with small squares.
    /// `steps` fixes the x range (panels of one run share it); by default it is the series' own.
    public mutating func linePlot(_ series: [(x: Double, y: Double)], title: String, x left: Int, y top: Int,
                                  width panelWidth: Int, height panelHeight: Int, color: Color, steps: ClosedRange<Double>? = nil) {
        let plotLeft = left + 46, plotTop = top + 13
        let plotWidth = panelWidth - 46 - 8, plotHeight = panelHeight - 13 - 14
        text(title, x: left + 46, y: top + 2)
        guard plotWidth > 4, plotHeight > 4 else { return }
        // The frame.
        line(from: (plotLeft, plotTop), to: (plotLeft, plotTop + plotHeight), .gray)
        line(from: (plotLeft, plotTop + plotHeight), to: (plotLeft + plotWidth, plotTop + plotHeight), .gray)
        let points = series.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = points.first, let last = points.last else {
            text("no values", x: plotLeft + 6, y: plotTop + plotHeight / 2 - 3, .gray)
            return
        }
        let (low, high) = Self.valueRange(points.map(\.y))
        let xLow = steps?.lowerBound ?? first.x, xHigh = max(steps?.upperBound ?? last.x, xLow + 1)
        func column(_ value: Double) -> Int { plotLeft + Int(((value - xLow) / (xHigh - xLow) * Double(plotWidth - 1)).rounded()) }
        func row(_ value: Double) -> Int {
            let clamped = min(max(value, low), high)
            return plotTop + plotHeight - 1 - Int(((clamped - low) / (high - low) * Double(plotHeight - 1)).rounded())
        }
        // Ticks and labels: three on each axis, light grid lines across.
        for fraction in [0.0, 0.5, 1.0] {
            let value = low + (high - low) * fraction
            let y = row(value)
            if fraction > 0 { line(from: (plotLeft + 1, y), to: (plotLeft + plotWidth, y), .lightGray) }
            line(from: (plotLeft - 3, y), to: (plotLeft, y), .gray)
            let label = Self.tickLabel(value)
            text(label, x: plotLeft - 5 - BitmapFont.width(of: label), y: min(max(y - 3, plotTop - 3), plotTop + plotHeight - 4), .gray)
            let step = xLow + (xHigh - xLow) * fraction
            let x = column(step)
            line(from: (x, plotTop + plotHeight), to: (x, plotTop + plotHeight + 3), .gray)
            let stepLabel = Self.tickLabel(step.rounded())
            let labelX = fraction == 0 ? x : fraction == 1 ? x - BitmapFont.width(of: stepLabel) : x - BitmapFont.width(of: stepLabel) / 2
            text(stepLabel, x: labelX, y: plotTop + plotHeight + 5, .gray)
        }
        if points.count > plotWidth {
            // Bucket by pixel column: the range light, the mean dark.
            var buckets = [(low: Double, high: Double, sum: Double, count: Int)](repeating: (.infinity, -.infinity, 0, 0), count: plotWidth)
            for point in points {
                let index = min(plotWidth - 1, max(0, column(point.x) - plotLeft))
                buckets[index].low = min(buckets[index].low, point.y)
                buckets[index].high = max(buckets[index].high, point.y)
                buckets[index].sum += point.y
                buckets[index].count += 1
            }
            let light = color.lightened(0.7)
            var previous: (x: Int, y: Int)?
            for (index, bucket) in buckets.enumerated() where bucket.count > 0 {
                line(from: (plotLeft + index, row(bucket.low)), to: (plotLeft + index, row(bucket.high)), light)
            }
            for (index, bucket) in buckets.enumerated() where bucket.count > 0 {
                let point = (x: plotLeft + index, y: row(bucket.sum / Double(bucket.count)))
                if let previous { line(from: previous, to: point, color) } else { set(x: point.x, y: point.y, color) }
                previous = point
            }
        } else {
            var previous: (x: Int, y: Int)?
            for point in points {
                let position = (x: column(point.x), y: row(point.y))
                if let previous { line(from: previous, to: position, color) }
                if points.count <= 60 { fill(x: position.x - 1, y: position.y - 1, width: 3, height: 3, color) }
                previous = position
            }
            if points.count == 1 { fill(x: column(first.x) - 1, y: row(first.y) - 1, width: 3, height: 3, color) }
        }
    }

    /// The y range of a panel: from the 1st to the 99th percentile of many values (so a few
    /// spikes do not flatten the curve), the whole range of few, widened by 5% on each side.
    static func valueRange(_ values: [Double]) -> (Double, Double) {
        let sorted = values.sorted()
        var low = sorted.first!, high = sorted.last!
        if sorted.count >= 200 {
            low = sorted[sorted.count / 100]
            high = sorted[sorted.count - 1 - sorted.count / 100]
        }
        if high - low < 1e-12 * max(1, abs(high)) {
            let pad = max(abs(high) * 0.1, 1e-3)
            return (low - pad, high + pad)
        }
        let pad = (high - low) * 0.05
        return (low - pad, high + pad)
    }

    /// A short label: up to three significant digits, exponents for very large or small values.
    static func tickLabel(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude == 0 { return "0" }
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.1e", value) }
        if magnitude >= 100 { return String(format: "%.0f", value) }
        var text = String(format: magnitude >= 10 ? "%.1f" : magnitude >= 1 ? "%.2f" : "%.3f", value)
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
