import Datasets
import Foundation

/// The structural similarity index (Wang et al. 2004) as the super-resolution literature and
/// scikit-image compute it: `structural_similarity(gaussian_weights=True, sigma=1.5,
/// use_sample_covariance=False, data_range=255)`.
///
/// Local means, variances and the covariance come from an 11 x 11 Gaussian window (σ = 1.5,
/// radius 5, weights normalized to sum 1); with C1 = (0.01 · 255)² and C2 = (0.03 · 255)²,
///
///     SSIM = (2 μx μy + C1)(2 σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2))
///
/// averaged over the positions where the window lies inside the image (scikit-image filters the
/// whole image and then drops 5 pixels at every edge, which is the same). The planes are the Y
/// channel (BT.601) or every channel on a 0...255 scale, after cutting `border` pixels from
/// every side; with several channels the result is the mean of the per-channel values
/// (scikit-image's `channel_axis`). Computed in Float64.
public enum StructuralSimilarity {
    /// The Gaussian window's radius: scikit-image's `int(3.5 * 1.5 + 0.5)`.
    public static let windowRadius = 5
    /// The Gaussian window's standard deviation.
    public static let windowSigma = 1.5

    /// The SSIM of `output` against `reference` (same shape), whose values span `range`.
    /// Both must be at least 11 x 11 after cutting the border.
    public static func between(_ output: ImageBuffer, _ reference: ImageBuffer, channels: QualityChannels = .luma,
                               border: Int = 0, range: ClosedRange<Float> = -1...1) -> Double {
        precondition(output.shape == reference.shape,
                     "StructuralSimilarity: output shape \(output.shape) and reference shape \(reference.shape) differ")
        let first = QualityPlanes(output, channels: channels, border: border, range: range)
        let second = QualityPlanes(reference, channels: channels, border: border, range: range)
        let window = 2 * windowRadius + 1
        precondition(first.height >= window && first.width >= window,
                     "StructuralSimilarity: a \(first.height)x\(first.width) image (after a border of \(border)) is smaller than the \(window)x\(window) window")
        let planeSize = first.height * first.width
        var total = 0.0
        for plane in 0..<first.count {
            let x = Array(first.values[(plane * planeSize)..<((plane + 1) * planeSize)])
            let y = Array(second.values[(plane * planeSize)..<((plane + 1) * planeSize)])
            total += planeSimilarity(x, y, height: first.height, width: first.width)
        }
        return total / Double(first.count)
    }

    /// The normalized Gaussian weights of the window.
    static var windowWeights: [Double] {
        let raw = (-windowRadius...windowRadius).map { offset in
            let x = Double(offset)
            return exp(-0.5 * x * x / (windowSigma * windowSigma))
        }
        let sum = raw.reduce(0, +)
        return raw.map { $0 / sum }
    }

    /// The mean SSIM of one pair of planes over the valid window positions.
    static func planeSimilarity(_ x: [Double], _ y: [Double], height: Int, width: Int) -> Double {
        let c1 = (0.01 * 255.0) * (0.01 * 255.0), c2 = (0.03 * 255.0) * (0.03 * 255.0)
        let xx = zip(x, x).map(*), yy = zip(y, y).map(*), xy = zip(x, y).map(*)
        let meanX = filtered(x, height: height, width: width), meanY = filtered(y, height: height, width: width)
        let meanXX = filtered(xx, height: height, width: width), meanYY = filtered(yy, height: height, width: width)
        let meanXY = filtered(xy, height: height, width: width)
        var sum = 0.0
        for index in 0..<meanX.count {
            let ux = meanX[index], uy = meanY[index]
            let varianceX = meanXX[index] - ux * ux, varianceY = meanYY[index] - uy * uy
            let covariance = meanXY[index] - ux * uy
            sum += ((2 * ux * uy + c1) * (2 * covariance + c2)) / ((ux * ux + uy * uy + c1) * (varianceX + varianceY + c2))
        }
        return sum / Double(meanX.count)
    }

    /// The plane filtered by the separable Gaussian window at the valid positions only:
    /// `(height - 10) x (width - 10)` values.
    static func filtered(_ plane: [Double], height: Int, width: Int) -> [Double] {
        let weights = windowWeights, taps = weights.count
        let outputHeight = height - taps + 1, outputWidth = width - taps + 1
        var horizontal = [Double](repeating: 0, count: height * outputWidth)
        var output = [Double](repeating: 0, count: outputHeight * outputWidth)
        plane.withUnsafeBufferPointer { source in
            weights.withUnsafeBufferPointer { weight in
                horizontal.withUnsafeMutableBufferPointer { middle in
                    for row in 0..<height {
                        let input = source.baseAddress! + row * width, result = middle.baseAddress! + row * outputWidth
                        for column in 0..<outputWidth {
                            var sum = 0.0
                            for tap in 0..<taps { sum += input[column + tap] * weight[tap] }
                            result[column] = sum
                        }
                    }
                }
                horizontal.withUnsafeBufferPointer { middle in
                    output.withUnsafeMutableBufferPointer { destination in
                        for row in 0..<outputHeight {
                            let result = destination.baseAddress! + row * outputWidth
                            for tap in 0..<taps {
                                let input = middle.baseAddress! + (row + tap) * outputWidth, w = weight[tap]
                                for column in 0..<outputWidth { result[column] += input[column] * w }
                            }
                        }
                    }
                }
            }
        }
        return output
    }
}
