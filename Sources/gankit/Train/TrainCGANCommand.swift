import ArgumentParser
import GAN

extension Conditioning: ExpressibleByArgument {}

/// `gankit train cgan`.
struct TrainCGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cgan", abstract: ConditionalFamily.descriptor.summary + ".")
    @OptionGroup var common: CommonTrainingOptions
    @OptionGroup var adversarial: AdversarialTrainingOptions
    @OptionGroup(title: "Counters to mode collapse") var counters: ModeCollapseOptions
    @Option(help: "How G and D see the label: concat (Mirza & Osindero), projection (Miyato & Koyama, conditional BatchNorm in G), acgan (auxiliary classifier) (default \(ConditionalFamily.defaultConditioning.rawValue)).")
    var conditioning: Conditioning?
    @Option(name: .customLong("aux-weight"), help: "Weight of AC-GAN's classification loss (default 1).") var auxiliaryWeight: Float?

    func run() throws {
        try common.train(family: "cgan") { configuration in
            adversarial.apply(to: &configuration)
            counters.apply(to: &configuration)
            // Recorded even when defaulted, so a run keeps its model if a default changes.
            configuration.options["conditioning"] = (conditioning ?? ConditionalFamily.defaultConditioning).rawValue
            if let auxiliaryWeight { configuration.options["aux-weight"] = String(auxiliaryWeight) }
        }
    }
}
