import Foundation

/// The family options of `gankit train anomaly`, read from `TrainingConfiguration.options`
/// (keyed by flag name) and validated; the messages name the flag.
public struct AnomalyOptions: Sendable, Equatable {
    public var method: AnomalyMethod
    public var normalClass: Int?
    /// Channels of the first convolution (`--width`).
    public var width: Int
    /// GANomaly's loss weights (`--adversarial-weight`, `--reconstruction-weight`, `--latent-weight`):
    /// 1, 50, 1 in the paper.
    public var adversarialWeight: Float
    public var reconstructionWeight: Float
    public var latentWeight: Float
    /// f-AnoGAN: weight of the discriminator-feature residual (`--kappa`, 1 in the paper).
    public var kappa: Float
    /// f-AnoGAN: the share of the run's steps spent training the encoder after the GAN (`--encoder-fraction`).
    public var encoderFraction: Float
    /// f-AnoGAN: critic updates per generator update (`--critic-steps`, 5 as WGAN-GP).
    public var criticSteps: Int

    /// The flags this family reads, for error messages.
    public static let flags = ["method", "normal-class", "width", "adversarial-weight", "reconstruction-weight", "latent-weight",
                               "kappa", "encoder-fraction", "critic-steps"]

    public init(_ configuration: TrainingConfiguration) throws {
        func value<T: LosslessStringConvertible>(_ name: String, _ defaultValue: T) throws -> T {
            guard let text = configuration.options[name] else { return defaultValue }
            guard let parsed = T(text) else { throw TrainingError.invalidConfiguration("--\(name) must be a number, not \(text)") }
            return parsed
        }
        func check(_ condition: Bool, _ message: String) throws {
            if !condition { throw TrainingError.invalidConfiguration(message) }
        }
        if let unknown = configuration.options.keys.sorted().first(where: { !(Self.flags + TrainingConfiguration.trainerOptionNames).contains($0) }) {
            throw TrainingError.invalidConfiguration("anomaly has no option --\(unknown); its options are \(Self.flags.map { "--" + $0 }.joined(separator: ", "))")
        }
        try check(configuration.imageSize == nil, "anomaly trains at the images' own size; --image-size is not supported (resize the images beforehand)")
        let methodName = configuration.options["method"] ?? AnomalyMethod.default.rawValue
        guard let method = AnomalyMethod(rawValue: methodName) else {
            throw TrainingError.invalidConfiguration("--method must be one of \(AnomalyMethod.allCases.map(\.rawValue).joined(separator: ", ")), not \(methodName)")
        }
        self.method = method
        normalClass = try AnomalyData.normalClass(configuration)
        width = try value("width", 32)
        adversarialWeight = try value("adversarial-weight", 1)
        reconstructionWeight = try value("reconstruction-weight", 50)
        latentWeight = try value("latent-weight", 1)
        kappa = try value("kappa", 1)
        encoderFraction = try value("encoder-fraction", 0.5)
        criticSteps = try value("critic-steps", 5)
        try check((4...512).contains(width), "--width must be between 4 and 512, not \(width)")
        for (name, weight) in [("adversarial-weight", adversarialWeight), ("reconstruction-weight", reconstructionWeight),
                               ("latent-weight", latentWeight), ("kappa", kappa)] {
            try check(weight >= 0 && weight.isFinite, "--\(name) must be a non-negative number, not \(weight)")
        }
        try check(encoderFraction > 0 && encoderFraction < 1, "--encoder-fraction must be in (0, 1), not \(encoderFraction)")
        try check((1...100).contains(criticSteps), "--critic-steps must be between 1 and 100, not \(criticSteps)")
    }
}
