import Datasets
import Foundation
import Metrics
import TensorCore

/// The metrics of a pix2pix run on the test split of its paired data: mean L1 distance, PSNR and
/// SSIM of the translations against the targets (all channels, values in [-1, 1] mapped to
/// 0...255, averaged over the images), and for `edges2fashion` the FID of the translated garments
/// (cropped back to 28x28) against the Fashion-MNIST test set and the share the evaluator
/// classifies as the true garment class (the paper's FCN-score idea), beside the same share for
/// the real targets. With `compareInput` (colorization), also L1, PSNR and SSIM of the input
/// itself against the target: the do-nothing baseline (the gray photo). Test-time dropout is
/// drawn from `seed`.
public struct PairedTranslationEvaluation: Codable, Sendable {
    public let sampleCount: Int
    public let l1: Double
    public let psnr: Double
    public let ssim: Double
    /// The input against the target (`compareInput` only).
    public let inputL1: Double?
    public let inputPSNR: Double?
    public let inputSSIM: Double?
    /// edges2fashion only.
    public let fid: Double?
    public let evaluatorAccuracy: Double?
    public let evaluatorAccuracyOnTargets: Double?
    public let seconds: Double

    /// Evaluates `model` on `pairs` (`[N, 2C, H, W]`, A and B stacked) with their class `labels`;
    /// with an `evaluator` and `reference` (edges2fashion), also FID and evaluator accuracy.
    public init(model: Pix2Pix, pairs: Tensor, labels: [Int], evaluator: FashionMNISTEvaluator?, reference: ReferenceSet?,
                seed: UInt64, compareInput: Bool = false) throws {
        let started = Date()
        let (input, target) = model.split(pairs)
        let output = try model.translate(input, direction: .aToB, seed: seed).clamped(min: -1, max: 1)
        sampleCount = pairs.shape[0]
        (l1, psnr, ssim) = Self.distances(output, target)
        if compareInput && input.shape == target.shape {
            (inputL1, inputPSNR, inputSSIM) = Self.distances(input, target)
        } else {
            (inputL1, inputPSNR, inputSSIM) = (nil, nil, nil)
        }
        if let evaluator, let reference {
            let garments = EdgesToFashion.crop(output)
            let result = evaluator.outputs(for: garments)
            fid = FrechetDistance.between(reference.statistics, FeatureStatistics(FeatureMatrix(result.features)))
            func accuracy(_ predicted: [Int]) -> Double {
                Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count)
            }
            evaluatorAccuracy = accuracy(result.predictedClasses)
            evaluatorAccuracyOnTargets = accuracy(evaluator.outputs(for: EdgesToFashion.crop(target)).predictedClasses)
        } else {
            fid = nil
            evaluatorAccuracy = nil
            evaluatorAccuracyOnTargets = nil
        }
        seconds = Date().timeIntervalSince(started)
    }

    /// Mean L1 (in [-1, 1] units), PSNR (capped at 100 dB) and SSIM of `images` against `targets`.
    static func distances(_ images: Tensor, _ targets: Tensor) -> (l1: Double, psnr: Double, ssim: Double) {
        let l1 = Double((images - targets).abs().mean().scalar)
        var psnrSum = 0.0, ssimSum = 0.0
        for (produced, expected) in zip(ImageBuffer.images(from: images), ImageBuffer.images(from: targets)) {
            psnrSum += min(PeakSignalToNoiseRatio.between(produced, expected, channels: .allChannels), 100)
            ssimSum += StructuralSimilarity.between(produced, expected, channels: .allChannels)
        }
        let count = Double(images.shape[0])
        return (l1, psnrSum / count, ssimSum / count)
    }
}
