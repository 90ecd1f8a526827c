import Datasets
import Foundation

/// Peak signal-to-noise ratio as the super-resolution literature reports it:
///
///     PSNR = 10 log10(255² / MSE)
///
/// with MSE the mean squared difference on a 0...255 scale, over the Y channel (BT.601,
/// `QualityChannels.luma`) or every channel, after cutting `border` pixels from every side (the
/// convention is `border` = the upscaling factor). Computed in Float64; identical images give
/// infinity. This is scikit-image's `peak_signal_noise_ratio(reference, output, data_range=255)`
/// on those planes. Values are used as given: to measure 8-bit outputs, quantize them first.
public enum PeakSignalToNoiseRatio {
    /// The PSNR in decibels of `output` against `reference` (same shape), whose values span
    /// `range` (black to white).
    public static func between(_ output: ImageBuffer, _ reference: ImageBuffer, channels: QualityChannels = .luma,
                               border: Int = 0, range: ClosedRange<Float> = -1...1) -> Double {
        precondition(output.shape == reference.shape,
                     "PeakSignalToNoiseRatio: output shape \(output.shape) and reference shape \(reference.shape) differ")
        let first = QualityPlanes(output, channels: channels, border: border, range: range)
        let second = QualityPlanes(reference, channels: channels, border: border, range: range)
        var sum = 0.0
        first.values.withUnsafeBufferPointer { a in
            second.values.withUnsafeBufferPointer { b in
                for index in 0..<a.count {
                    let difference = a[index] - b[index]
                    sum += difference * difference
                }
            }
        }
        let meanSquaredError = sum / Double(first.values.count)
        return 10 * log10(255 * 255 / meanSquaredError)
    }
}
