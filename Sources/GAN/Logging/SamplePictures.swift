import Datasets
import TensorCore

/// Pictures of generated samples: an image grid for images, a scatter plot for 2-D points.
public enum SamplePictures {
    /// A PNG of `samples` ([N, C, H, W] images in [-1, 1], or [N, 2] points); `modes` are drawn
    /// as red crosses on scatter plots.
    public static func png(_ samples: Tensor, modes: Tensor? = nil) -> PNGImage {
        if samples.rank == 4 {
            return PNGImage(ImageGrid.make(samples, padding: 2), range: 0...1)
        }
        return scatterPlot(samples, modes: modes)
    }

    /// Points on a 400x400 white canvas spanning [-6, 6]², dark gray dots, red crosses at `modes`.
    public static func scatterPlot(_ points: Tensor, modes: Tensor?, size: Int = 400, extent: Float = 6) -> PNGImage {
        var pixels = [UInt16](repeating: 255, count: size * size * 3)
        func pixel(_ x: Float, _ y: Float) -> (Int, Int)? {
            let column = Int((x + extent) / (2 * extent) * Float(size)), row = Int((extent - y) / (2 * extent) * Float(size))
            return (0..<size).contains(column) && (0..<size).contains(row) ? (row, column) : nil
        }
        func paint(_ row: Int, _ column: Int, _ color: (UInt16, UInt16, UInt16)) {
            guard (0..<size).contains(row), (0..<size).contains(column) else { return }
            let i = (row * size + column) * 3
            (pixels[i], pixels[i + 1], pixels[i + 2]) = color
        }
        let values = points.scalars
        for n in 0..<points.shape[0] {
            guard let (row, column) = pixel(values[2 * n], values[2 * n + 1]) else { continue }
            for dr in 0...1 { for dc in 0...1 { paint(row + dr, column + dc, (40, 40, 40)) } }
        }
        if let modes {
            let m = modes.scalars
            for k in 0..<modes.shape[0] {
                guard let (row, column) = pixel(m[2 * k], m[2 * k + 1]) else { continue }
                for d in -4...4 {
                    paint(row + d, column + d, (220, 30, 30))
                    paint(row + d, column - d, (220, 30, 30))
                }
            }
        }
        return PNGImage(width: size, height: size, channels: 3, samples: pixels)
    }
}
