/// How a conditional GAN feeds the class label to its networks (`--conditioning`).
public enum Conditioning: String, Sendable, CaseIterable, Codable {
    /// Mirza & Osindero (2014): a label embedding concatenated to G's noise and, as an extra
    /// image channel, to D's input.
    case concat
    /// Miyato & Koyama (2018): D adds the inner product of a label embedding with its
    /// features to its score; G uses class-conditional batch normalization.
    case projection
    /// Odena et al. (2017), AC-GAN: G as `concat`; D is unconditional but also classifies
    /// every sample, and both networks are trained on the classification loss too.
    case acgan
}
