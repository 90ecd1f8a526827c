import ArgumentParser
import TensorCore

@main
struct GANKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gankit",
        abstract: "Generative adversarial networks in Swift.",
        subcommands: [TrainCommand.self, SampleCommand.self, BenchCommand.self, DataCommand.self,
                      EvalCommand.self, EvaluatorCommand.self])
}
