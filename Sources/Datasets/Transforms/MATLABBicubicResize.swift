import Foundation

/// MATLAB's `imresize` with its default bicubic method, the resize that super-resolution papers
/// use to make low-resolution images (and to upscale them for the "bicubic" baseline).
///
/// Following `imresize.m`: Keys' cubic convolution with a = -0.5 (4 taps); when shrinking, the
/// kernel is widened by 1/scale and scaled by scale (antialiasing), so a x4 shrink averages 16
/// taps per axis; output pixel x (from 1) samples the input at x / scale + (1 - 1 / scale) / 2;
/// the weights of each output pixel are normalized to sum to 1; pixels outside the image are
/// read mirrored with the edge repeated (MATLAB's "symmetric" padding); the axis with the
/// smaller scale is resized first (rows on a tie). Computed in Float32 with Float64 weights.
extension ImageBuffer {
    /// The image scaled by `scale` (0.25 shrinks by 4, 2 doubles) as MATLAB's
    /// `imresize(image, scale)`: the output is `ceil(scale * height)` x `ceil(scale * width)`
    /// (a product within 1e-9 of a whole number counts as that number, so 300 x (1/3) is 100),
    /// and the kernel uses `scale` itself on both axes.
    public func resizedLikeMATLAB(scale: Double) -> ImageBuffer {
        precondition(scale > 0 && scale.isFinite, "ImageBuffer.resizedLikeMATLAB: scale must be positive, not \(scale)")
        let newHeight = Self.matlabOutputSize(height, scale: scale), newWidth = Self.matlabOutputSize(width, scale: scale)
        return resizedLikeMATLAB(height: newHeight, width: newWidth, verticalScale: scale, horizontalScale: scale)
    }

    /// The image resized to `height` x `width` as MATLAB's `imresize(image, [height width])`:
    /// each axis scales by its output size over its input size.
    public func resizedLikeMATLAB(height newHeight: Int, width newWidth: Int) -> ImageBuffer {
        precondition(newHeight > 0 && newWidth > 0, "ImageBuffer.resizedLikeMATLAB: size must be positive, not \(newHeight)x\(newWidth)")
        return resizedLikeMATLAB(height: newHeight, width: newWidth,
                                 verticalScale: Double(newHeight) / Double(height),
                                 horizontalScale: Double(newWidth) / Double(width))
    }

    private func resizedLikeMATLAB(height newHeight: Int, width newWidth: Int, verticalScale: Double,
                                   horizontalScale: Double) -> ImageBuffer {
        precondition(height > 0 && width > 0, "ImageBuffer.resizedLikeMATLAB: the image is empty (\(height)x\(width))")
        let vertical = ResamplingTable(inputSize: height, outputSize: newHeight, matlabScale: verticalScale)
        let horizontal = ResamplingTable(inputSize: width, outputSize: newWidth, matlabScale: horizontalScale)
        if verticalScale <= horizontalScale {
            return resampledAlongHeight(vertical).resampledAlongWidth(horizontal)
        }
        return resampledAlongWidth(horizontal).resampledAlongHeight(vertical)
    }

    /// `ceil(scale * size)`, ignoring a floating-point excess below 1e-9.
    static func matlabOutputSize(_ size: Int, scale: Double) -> Int {
        max(1, Int((scale * Double(size) - 1e-9).rounded(.up)))
    }
}

extension ResamplingTable {
    /// The taps and weights of MATLAB's `imresize` bicubic kernel along one axis (see
    /// `ImageBuffer.resizedLikeMATLAB(scale:)`); taps whose weight is zero for every output
    /// pixel are left out, as MATLAB does.
    init(inputSize: Int, outputSize: Int, matlabScale scale: Double) {
        let antialiased = scale < 1
        let kernelWidth = antialiased ? 4 / scale : 4
        let tapCount = Int(kernelWidth.rounded(.up)) + 2
        func kernel(_ x: Double) -> Double {
            antialiased ? scale * Self.keysCubic(scale * x) : Self.keysCubic(x)
        }
        // All weights first (MATLAB's P columns per output pixel), then drop the all-zero columns.
        var allWeights = [Double](repeating: 0, count: outputSize * tapCount)
        var allIndices = [Int](repeating: 0, count: outputSize * tapCount)
        var columnUsed = [Bool](repeating: false, count: tapCount)
        let period = 2 * inputSize
        for output in 0..<outputSize {
            let center = Double(output + 1) / scale + 0.5 * (1 - 1 / scale)
            let left = (center - kernelWidth / 2).rounded(.down)
            var total = 0.0
            for tap in 0..<tapCount {
                let weight = kernel(center - (left + Double(tap)))
                allWeights[output * tapCount + tap] = weight
                total += weight
                // 1-based index left + tap, mirrored with the edge repeated: [1...n, n...1] repeating.
                var position = (Int(left) + tap - 1) % period
                if position < 0 { position += period }
                allIndices[output * tapCount + tap] = position < inputSize ? position : period - 1 - position
            }
            for tap in 0..<tapCount {
                allWeights[output * tapCount + tap] /= total
                if allWeights[output * tapCount + tap] != 0 { columnUsed[tap] = true }
            }
        }
        offsets = [0]
        indices = []
        weights = []
        for output in 0..<outputSize {
            for tap in 0..<tapCount where columnUsed[tap] {
                indices.append(allIndices[output * tapCount + tap])
                weights.append(Float(allWeights[output * tapCount + tap]))
            }
            offsets.append(indices.count)
        }
    }

    /// Keys' cubic convolution kernel with a = -0.5 (MATLAB's `cubic`).
    static func keysCubic(_ x: Double) -> Double {
        let absolute = abs(x), squared = absolute * absolute, cubed = squared * absolute
        if absolute <= 1 { return 1.5 * cubed - 2.5 * squared + 1 }
        if absolute <= 2 { return -0.5 * cubed + 2.5 * squared - 4 * absolute + 2 }
        return 0
    }
}
