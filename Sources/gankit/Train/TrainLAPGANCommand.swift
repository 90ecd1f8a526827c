import ArgumentParser
import GAN

/// `gankit train lapgan`: a Laplacian pyramid of conditional GANs.
struct TrainLAPGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lapgan", abstract: LaplacianGAN.descriptor.summary + ".",
        discussion: """
            Level 0 is the full image; each level below halves the side (28 -> 14 -> 7 for Fashion-MNIST, \
            32 -> 16 -> 8 for 32x32 data). The coarsest level is a plain GAN on the low-resolution image; \
            every finer level a conditional GAN making the Laplacian residual from the upsampled coarser image. \
            The levels train together on the pyramid of each real batch; each level's G and D are saved as \
            checkpoints/levelK_generator.safetensors and levelK_discriminator.safetensors.
            """)
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var adversarial: AdversarialTrainingOptions
    @Option(help: "Pyramid levels (default 3); the coarsest must stay at least 4x4.") var levels: Int?
    @Flag(name: .customLong("class-conditional"), help: "Condition every level on the class label (CC-LAPGAN; labelled data).")
    var classConditional = false

    func run() throws {
        try common.train(family: "lapgan") { configuration in
            adversarial.apply(to: &configuration)
            if let levels { configuration.options["levels"] = String(levels) }
            if classConditional { configuration.options["class-conditional"] = "true" }
        }
    }
}
