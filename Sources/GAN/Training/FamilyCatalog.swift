import Foundation

/// How to build one family: what `gankit train NAME`, `gankit sample` and `gankit eval` look up
/// by the name saved in a run's `config.json`.
public struct FamilyDescriptor: Sendable {
    /// The name on the command line and in `config.json`.
    public let name: String
    /// One line for help texts.
    public let summary: String
    /// Opens the training data a configuration names.
    public let openData: @Sendable (TrainingConfiguration) throws -> TrainingSet
    /// Builds the family with fresh weights from the configuration's seed. The configuration
    /// has its `sampleShape` (and `classCount`, for labelled data) recorded.
    public let make: @Sendable (TrainingConfiguration) throws -> any GANFamily
    /// The smallest `--batch` the family trains with: 2 where BatchNorm needs two samples, 1 for
    /// families without it (CycleGAN, instance norm, batch 1 as its paper).
    public let minimumBatchSize: Int
    /// Whether the learning rates decay from half the run when `--decay-from` is not given
    /// (CycleGAN, as its paper); otherwise they stay constant unless it is.
    public let decaysLearningRateByDefault: Bool

    public init(name: String, summary: String,
                openData: @escaping @Sendable (TrainingConfiguration) throws -> TrainingSet = TrainingData.open,
                minimumBatchSize: Int = 2, decaysLearningRateByDefault: Bool = false,
                make: @escaping @Sendable (TrainingConfiguration) throws -> any GANFamily) {
        self.name = name
        self.summary = summary
        self.openData = openData
        self.minimumBatchSize = minimumBatchSize
        self.decaysLearningRateByDefault = decaysLearningRateByDefault
        self.make = make
    }
}

/// Every family GANKit trains, by name.
public enum FamilyCatalog {
    /// The families in the order help texts list them.
    public static let all: [FamilyDescriptor] = [
        UnconditionalFamilies.vanilla,
        UnconditionalFamilies.dcgan,
        ConditionalFamily.descriptor,
        LaplacianGAN.descriptor,
        AnomalyFamily.descriptor,
        Pix2Pix.descriptor,
        CycleGAN.descriptor,
        SuperResolutionFamily.srresnet,
        SuperResolutionFamily.srgan,
        TextToImageGAN.descriptor,
    ]

    /// The family called `name`, or an error listing the known names.
    public static func descriptor(_ name: String) throws -> FamilyDescriptor {
        guard let descriptor = all.first(where: { $0.name == name }) else {
            throw TrainingError.invalidConfiguration(
                "unknown model family \(name); the families are \(all.map(\.name).joined(separator: ", "))")
        }
        return descriptor
    }
}
