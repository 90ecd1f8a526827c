import ArgumentParser
import Foundation
import TensorCore

@main
struct GANKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gankit",
        abstract: "Generative adversarial networks in Swift.",
        subcommands: [TrainCommand.self, SampleCommand.self, BenchCommand.self, DataCommand.self,
                      EvalCommand.self, EvaluatorCommand.self, AugmentCommand.self, AugmentExperimentCommand.self,
                      DetectCommand.self, TranslateCommand.self, UpscaleCommand.self, GenerateCommand.self,
                      ReportCommand.self])

    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = TrainCommand.unknownFamilyMessage(arguments) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(64)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
    /// The one-line message `exit(withError:)` would print for `error`.
    static func message(for error: Error) -> String {
        let full = fullMessage(for: error)
        return full.hasPrefix("Error: ") ? String(full.dropFirst(7)) : full
    }
}
