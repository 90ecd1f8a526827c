import Datasets
import NN
import TensorCore

/// The anomaly-detection methods `gankit train anomaly --method` offers.
public enum AnomalyMethod: String, Sendable, CaseIterable {
    /// Akcay et al. 2018: encoder-decoder-encoder generator; score ‖z − ẑ‖².
    case ganomaly
    /// Schlegl et al. 2019: WGAN-GP, then an encoder trained image → z → image (izi_f);
    /// score = image residual + κ · discriminator-feature residual.
    case fAnoGAN = "f-anogan"

    /// The method that measured best on the Fashion-MNIST one-class protocol at the same budget
    /// (README: 87.7 against 79.1 AUROC on class 2 after 300 steps).
    public static let `default` = AnomalyMethod.ganomaly
}

/// A family that scores images by how anomalous they are (higher = more anomalous) and shows
/// what it made of them: what `gankit detect` and `gankit eval` use.
public protocol AnomalyDetecting: GANFamily {
    var method: AnomalyMethod { get }
    /// The shape of one image the networks take, `[C, H, W]`.
    var sampleShape: [Int] { get }
    /// Scores of a batch `[N, C, H, W]` in evaluation mode, one per image.
    func anomalyScoreBatch(_ images: Tensor) -> Tensor
    /// What the model reconstructs for a batch, in evaluation mode.
    func reconstructionBatch(_ images: Tensor) -> Tensor
    /// The networks to put in evaluation mode while scoring.
    var scoringNetworks: [Module] { get }
}

extension AnomalyDetecting {
    /// Scores `[N]` for images `[N, C, H, W]` in [-1, 1], in chunks of `chunkSize`.
    public func anomalyScores(_ images: Tensor, chunkSize: Int = 500) -> [Float] {
        inEvaluationMode { chunked(images, chunkSize: chunkSize) { anomalyScoreBatch($0).reshape([-1]) } }.scalars
    }

    /// Reconstructions of images `[N, C, H, W]`.
    public func reconstructions(_ images: Tensor, chunkSize: Int = 500) -> Tensor {
        inEvaluationMode { chunked(images, chunkSize: chunkSize, reconstructionBatch) }
    }

    func inEvaluationMode<T>(_ body: () -> T) -> T {
        let modes = scoringNetworks.map(\.isTraining)
        scoringNetworks.forEach { $0.eval() }
        defer { for (network, mode) in zip(scoringNetworks, modes) { network.train(mode) } }
        return body()
    }

    func chunked(_ images: Tensor, chunkSize: Int, _ f: (Tensor) -> Tensor) -> Tensor {
        let count = images.shape[0]
        let pieces = stride(from: 0, to: count, by: chunkSize).map { start in
            f(images.slice(axis: 0, start..<min(count, start + chunkSize))).detached()
        }
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
    }

    /// Held-out normal images in the top row pair, their reconstructions below.
    func reconstructionPicture(_ inputs: Tensor) -> PNGImage {
        let outputs = reconstructions(inputs)
        return PNGImage(ImageGrid.make(Tensor.concat([inputs, outputs], axis: 0), rows: 2), range: 0...1)
    }
}
