import Datasets
import TensorCore

/// Pictures of generated samples: an image grid for images, a scatter plot for 2-D points.
public enum SamplePictures {
    /// A PNG of `samples` ([N, C, H, W] images in [-1, 1], or [N, 2] points); the means of a
    /// mixture are drawn as crosses on scatter plots. Images are tiled in `rows` rows (by
    /// default as square as possible).
    public static func png(_ samples: Tensor, rows: Int? = nil, means: [SIMD2<Float>] = []) -> PNGImage {
        if samples.rank == 4 {
            return PNGImage(ImageGrid.make(samples, rows: rows, padding: 2), range: 0...1)
        }
        return PNGImage(ScatterPlot.render(samples, means: means), range: 0...1)
    }
}
