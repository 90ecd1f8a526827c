import NN
import TensorCore

/// GAN-CLS's objectives (Reed et al. 2016, Algorithm 1) on any `AdversarialLoss`:
/// D must call (real image, right text) real, and both (real image, wrong text) and
/// (fake image, right text) fake, the two fake kinds weighing half each; G wants its images
/// called real with their text (right or interpolated).
public enum MatchingAwareLoss {
    /// D's loss: `loss.discriminatorLoss` with the real-right scores as real and the
    /// real-wrong and fake-right scores (equally many) together as fake, so each of the two
    /// counts half, as in the paper's `log(s_r) + (log(1 − s_w) + log(1 − s_f)) / 2`.
    public static func discriminator(_ loss: AdversarialLoss, realRight: Tensor, realWrong: Tensor, fakeRight: Tensor,
                                     smoothing: Float = 0) -> Tensor {
        require(realWrong.shape == fakeRight.shape, "MatchingAwareLoss: wrong-text scores \(realWrong.shape) and fake scores \(fakeRight.shape) differ")
        return loss.discriminatorLoss(real: realRight, fake: Tensor.concat([realWrong, fakeRight], axis: 0), smoothing: smoothing)
    }

    /// G's loss on D's scores of its images with their texts.
    public static func generator(_ loss: AdversarialLoss, fake: Tensor) -> Tensor { loss.generatorLoss(fake: fake) }

    /// The symmetric contrastive (InfoNCE / CLIP) loss of matching image and text embeddings
    /// (row i of each belongs together), unit-length rows, logits scaled by 1 / `temperature`:
    /// the mean of the image-to-text and text-to-image cross-entropies.
    public static func contrastive(images: Tensor, texts: Tensor, temperature: Float) -> Tensor {
        let logits = images.matmul(texts.transposed()) / temperature
        let targets = Array(0..<images.shape[0])
        return (crossEntropy(logits, labels: targets) + crossEntropy(logits.transposed(), labels: targets)) * 0.5
    }
}
