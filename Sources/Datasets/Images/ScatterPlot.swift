import TensorCore

/// Draws 2-D points as a scatter plot image: white background, light axes through the
/// origin, points as small blue dots and (optionally) mixture means as red crosses.
public enum ScatterPlot {
    /// Renders `points` (`[N, 2]`) into a `size` x `size` RGB image with values in [0, 1].
    /// - Parameters:
    ///   - means: drawn as red crosses; they also set the plotted region when given.
    ///   - range: the plotted `x` and `y` interval; by default it fits the means (or points)
    ///     with a margin.
    public static func render(_ points: Tensor, means: [SIMD2<Float>] = [], size: Int = 512,
                              range: ClosedRange<Float>? = nil) -> ImageBuffer {
        precondition(points.shape.count == 2 && points.shape[1] == 2, "ScatterPlot.render: expects [N, 2] points, got \(points.shape)")
        precondition(size >= 16, "ScatterPlot.render: size must be at least 16")
        let scalars = points.scalars
        let plotted = range ?? fittedRange(means.isEmpty ? stride(from: 0, to: scalars.count, by: 2).map { SIMD2(scalars[$0], scalars[$0 + 1]) } : means)
        var image = ImageBuffer(channels: 3, height: size, width: size, filledWith: 1)
        let planeSize = size * size
        func pixel(_ value: Float) -> Int? {
            let position = (value - plotted.lowerBound) / (plotted.upperBound - plotted.lowerBound) * Float(size - 1)
            guard position.isFinite, position >= 0, position <= Float(size - 1) else { return nil }
            return Int(position.rounded())
        }
        func paint(row: Int, column: Int, _ color: SIMD3<Float>) {
            guard row >= 0, row < size, column >= 0, column < size else { return }
            let offset = row * size + column
            image.pixels[offset] = color.x
            image.pixels[planeSize + offset] = color.y
            image.pixels[2 * planeSize + offset] = color.z
        }
        if let zero = pixel(0) {
            for index in 0..<size {
                paint(row: size - 1 - zero, column: index, SIMD3(0.85, 0.85, 0.85))
                paint(row: index, column: zero, SIMD3(0.85, 0.85, 0.85))
            }
        }
        for index in 0..<(scalars.count / 2) {
            guard let column = pixel(scalars[2 * index]), let row = pixel(scalars[2 * index + 1]).map({ size - 1 - $0 }) else { continue }
            for dy in -1...1 { for dx in -1...1 { paint(row: row + dy, column: column + dx, SIMD3(0.1, 0.3, 0.8)) } }
        }
        for mean in means {
            guard let column = pixel(mean.x), let row = pixel(mean.y).map({ size - 1 - $0 }) else { continue }
            for step in -5...5 {
                paint(row: row + step, column: column, SIMD3(0.9, 0.1, 0.1))
                paint(row: row, column: column + step, SIMD3(0.9, 0.1, 0.1))
            }
        }
        return image
    }

    /// A square interval holding every point with a margin of a quarter of the span (at least 0.5).
    static func fittedRange(_ points: [SIMD2<Float>]) -> ClosedRange<Float> {
        let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
        guard let first = finite.first else { return -1...1 }
        var low = min(first.x, first.y), high = max(first.x, first.y)
        for point in finite {
            low = min(low, point.x, point.y)
            high = max(high, point.x, point.y)
        }
        let margin = max(0.5, (high - low) / 4)
        return (low - margin)...(high + margin)
    }
}
