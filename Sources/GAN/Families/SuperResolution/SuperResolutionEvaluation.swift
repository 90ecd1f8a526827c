import Datasets
import Foundation
import Metrics
import TensorCore

/// The super-resolution benchmark protocol of the literature on a folder of photos: each photo
/// cut to a multiple of the scale (HR), shrunk by MATLAB bicubic and saved as 8 bits (LR), then
/// upscaled by bicubic interpolation and by the generator (both saved as 8 bits); PSNR and SSIM
/// on the Y channel (BT.601) with `scale` pixels cut from every border.
public enum SuperResolutionEvaluation {
    /// The scores of one photo.
    public struct ImageScore: Codable, Sendable, Equatable {
        public var file: String
        public var height: Int, width: Int
        public var bicubicPSNR: Double, bicubicSSIM: Double
        public var psnr: Double, ssim: Double
        /// The same scores of the comparison generator (an srgan run's initial SRResNet), if any.
        public var comparisonPSNR: Double?, comparisonSSIM: Double?
    }

    /// All scores and their means.
    public struct Report: Codable, Sendable {
        public var run: String
        public var family: String
        public var comparisonRun: String?
        public var photos: String
        public var scale: Int
        public var protocolDescription: String
        public var images: [ImageScore]
        public var meanBicubicPSNR: Double, meanBicubicSSIM: Double, meanPSNR: Double, meanSSIM: Double
        public var meanComparisonPSNR: Double?, meanComparisonSSIM: Double?
        public var seconds: Double
    }

    /// The HR photo cut to a multiple of `scale`, its 8-bit LR version and the 8-bit bicubic upscaling.
    public static func prepare(_ photo: ImageBuffer, scale: Int) -> (high: ImageBuffer, low: ImageBuffer, bicubic: ImageBuffer) {
        let high = photo.cropped(top: 0, left: 0, height: photo.height / scale * scale, width: photo.width / scale * scale)
        let low = SuperResolution.quantized(high.resizedLikeMATLAB(scale: 1 / Double(scale)))
        let bicubic = SuperResolution.quantized(low.resizedLikeMATLAB(scale: Double(scale)))
        return (high, low, bicubic)
    }

    /// Scores every photo of `photos` (those of at least 4 scale x 4 scale pixels).
    public static func evaluate(generator: SRResNetGenerator, comparison: SRResNetGenerator?, photos: PhotoFolder,
                                run: String, family: String, comparisonRun: String?,
                                progress: (ImageScore) -> Void = { _ in }) -> Report {
        let started = Date()
        let scale = generator.scale
        var scores: [ImageScore] = []
        for index in 0..<photos.count {
            let (height, width) = photos.size(at: index)
            guard height >= 4 * scale && width >= 4 * scale else { continue }
            let (high, low, bicubic) = prepare(photos.image(at: index), scale: scale)
            let output = SuperResolution.quantized(SuperResolution.upscale(low, with: generator))
            let other = comparison.map { SuperResolution.quantized(SuperResolution.upscale(low, with: $0)) }
            func psnr(_ image: ImageBuffer) -> Double { PeakSignalToNoiseRatio.between(image, high, channels: .luma, border: scale) }
            func ssim(_ image: ImageBuffer) -> Double { StructuralSimilarity.between(image, high, channels: .luma, border: scale) }
            let score = ImageScore(file: (photos.files[index] as NSString).lastPathComponent, height: high.height, width: high.width,
                                   bicubicPSNR: psnr(bicubic), bicubicSSIM: ssim(bicubic), psnr: psnr(output), ssim: ssim(output),
                                   comparisonPSNR: other.map(psnr), comparisonSSIM: other.map(ssim))
            scores.append(score)
            progress(score)
        }
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
        return Report(run: run, family: family, comparisonRun: comparisonRun, photos: photos.directory, scale: scale,
                      protocolDescription: "HR cut to a multiple of the scale; LR = MATLAB bicubic imresize, 8-bit; outputs 8-bit; PSNR and SSIM on BT.601 Y with \(scale) border pixels cut",
                      images: scores, meanBicubicPSNR: mean(scores.map(\.bicubicPSNR)), meanBicubicSSIM: mean(scores.map(\.bicubicSSIM)),
                      meanPSNR: mean(scores.map(\.psnr)), meanSSIM: mean(scores.map(\.ssim)),
                      meanComparisonPSNR: comparison == nil ? nil : mean(scores.compactMap(\.comparisonPSNR)),
                      meanComparisonSSIM: comparison == nil ? nil : mean(scores.compactMap(\.comparisonSSIM)),
                      seconds: Date().timeIntervalSince(started))
    }

    /// Side-by-side crops, one row per photo of `indices`: bicubic | each generator (in order)
    /// | original, each `cropSize` HR pixels square from the photo's centre.
    public static func comparisonPicture(generators: [SRResNetGenerator], photos: PhotoFolder, indices: [Int],
                                         cropSize: Int = 128) -> PNGImage {
        let scale = generators[0].scale
        var tiles: [Tensor] = []
        var rows = 0
        for index in indices where index < photos.count {
            let (height, width) = photos.size(at: index)
            let side = min(cropSize, height, width) / scale * scale
            guard side >= 4 * scale else { continue }
            let top = (height - side) / 2 / scale * scale, left = (width - side) / 2 / scale * scale
            // The LR crop is cut from the whole LR photo, so its borders see real neighbours.
            let (high, low, bicubic) = prepare(photos.image(at: index), scale: scale)
            let lowTop = top / scale, lowLeft = left / scale, lowSide = side / scale
            let margin = generators.map(\.receptiveRadius).max()!
            let regionTop = max(0, lowTop - margin), regionLeft = max(0, lowLeft - margin)
            let region = low.cropped(top: regionTop, left: regionLeft, height: min(low.height, lowTop + lowSide + margin) - regionTop,
                                     width: min(low.width, lowLeft + lowSide + margin) - regionLeft)
            var row = [bicubic.cropped(top: top, left: left, height: side, width: side)]
            for generator in generators {
                let output = SuperResolution.upscale(region, with: generator)
                row.append(SuperResolution.quantized(output.cropped(top: (lowTop - regionTop) * scale, left: (lowLeft - regionLeft) * scale,
                                                                    height: side, width: side)))
            }
            row.append(high.cropped(top: top, left: left, height: side, width: side))
            // Rows of equal size only: resize odd ones out to the first row's side.
            let target = tiles.first?.shape[2] ?? side
            for image in row {
                let fitted = image.height == target ? image : image.resized(height: target, width: target, method: .bilinear)
                tiles.append(fitted.tensor().reshape([1, 3, target, target]))
            }
            rows += 1
        }
        precondition(rows > 0, "SuperResolutionEvaluation.comparisonPicture: no photo large enough for a crop")
        return PNGImage(ImageGrid.make(Tensor.concat(tiles, axis: 0), rows: rows), range: 0...1)
    }
}
