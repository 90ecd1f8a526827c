import ArgumentParser
import Datasets
import Foundation
import GAN
import TensorCore

/// `gankit generate`: pictures of captions from a text2image run.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Draw images of captions from a text2image run: .npy samples ([N, C, H, W] in [-1, 1]) and a PNG grid.",
        discussion: """
            --text draws --count samples of one caption. --captions FILE draws one sample per line, in order \
            (blank lines are errors); with --count smaller than the number of lines only the first --count \
            lines are drawn (a note says how many were left out). --per-caption K draws K samples of every caption \
            (one grid row per caption). --interpolate-to "caption" with --text draws --count samples whose caption \
            embedding moves from --text to it (GAN-INT), one noise vector per row. Unknown words are left out with \
            a warning; a caption that is empty or has no known word is an error.
            """)

    @Option(name: .customLong("run"), help: "The text2image run folder.") var runFolder: String
    @Option(help: "One caption, such as \"a dark ankle boot\".") var text: String?
    @Option(help: "A UTF-8 text file of captions, one a line, one sample a line.") var captions: String?
    @Option(help: "Samples of --text (default 8), or the first N lines of --captions.") var count: Int?
    @Option(name: .customLong("per-caption"), help: "Samples drawn for every caption (default 1; one grid row per caption).") var perCaption: Int = 1
    @Option(name: .customLong("interpolate-to"), help: "A second caption: interpolate from --text to it in --count steps.") var interpolateTo: String?
    @Option(help: "Seed of the noise.") var seed: UInt64 = 0
    @Option(help: "Where to write the samples as .npy.") var out: String?
    @Option(help: "Where to write a PNG grid.") var grid: String?

    func validate() throws {
        guard (text == nil) != (captions == nil) else { throw ValidationError("give exactly one of --text \"a caption\" and --captions FILE") }
        guard out != nil || grid != nil else { throw ValidationError("give --out samples.npy, --grid grid.png, or both") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1, not \(count)") }
        if perCaption < 1 { throw ValidationError("--per-caption must be at least 1, not \(perCaption)") }
        if interpolateTo != nil && text == nil { throw ValidationError("--interpolate-to goes with --text (the caption to start from)") }
        if interpolateTo != nil, let count, count < 2 { throw ValidationError("--count must be at least 2 to interpolate, not \(count)") }
    }

    func run() throws {
        // Read the captions first: a mistake there is reported before the model loads.
        var lines: [String]
        let describe: (Int) -> String
        if let captions {
            guard let data = FileManager.default.contents(atPath: captions) else { throw GenerateError("\(captions): cannot read the captions file") }
            guard let contents = String(data: data, encoding: .utf8) else { throw GenerateError("\(captions): not UTF-8 text") }
            lines = contents.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
            if lines.last == "" { lines.removeLast() }
            guard !lines.isEmpty else { throw GenerateError("\(captions): holds no caption (one caption a line)") }
            if let count, count < lines.count {
                print("note: \(captions) has \(lines.count) captions; drawing the first \(count) (--count), \(lines.count - count) left out")
                lines = Array(lines.prefix(count))
            } else if let count, count > lines.count {
                throw GenerateError("\(captions) has \(lines.count) captions, fewer than --count \(count); one sample is drawn per line (use --per-caption for more of each)")
            }
            describe = { "\(captions) line \($0 + 1)" }
        } else {
            lines = interpolateTo.map { [text!, $0] } ?? [text!]
            describe = { $0 == 0 ? "--text" : "--interpolate-to" }
        }
        let model: TextToImageModel
        let tokens: TextToImageModel.Tokens
        do {
            model = try TextToImageModel(run: RunDirectory(runFolder))
            tokens = try model.tokenize(lines, describe: describe)
        } catch let error as TrainingError {
            throw GenerateError("\(error)")
        }
        for warning in tokens.warnings { printError("warning: \(warning)") }
        let samples: Tensor
        let rows: Int
        if interpolateTo != nil {
            samples = model.interpolation(from: tokens.ids[0], to: tokens.ids[1], steps: count ?? 8, rows: perCaption, seed: seed)
            rows = perCaption
        } else if captions != nil {
            samples = model.samples(tokens.ids, perCaption: perCaption, seed: seed)
            rows = perCaption > 1 ? tokens.ids.count : Int(Double(tokens.ids.count).squareRoot().rounded(.up))
        } else {
            samples = model.samples(Array(repeating: tokens.ids[0], count: count ?? 8), perCaption: perCaption, seed: seed)
            rows = perCaption > 1 ? (count ?? 8) : Int(Double(count ?? 8).squareRoot().rounded(.up))
        }
        if let out {
            try NumpyArray(samples).write(to: out)
            print("wrote \(samples.shape) samples to \(out)")
        }
        if let grid {
            try SamplePictures.png(samples, rows: min(rows, samples.shape[0])).write(to: grid)
            print("wrote \(grid)")
        }
    }
}

/// A mistake in what `generate` was given, printed as one line.
struct GenerateError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write((text + "\n").data(using: .utf8)!)
}
