import Datasets
import Foundation

/// Where `text2image` gets its captioned images and vocabulary.
///
/// `--dataset fashion-captions` is `FashionCaptions` (Fashion-MNIST from `--data`, or its
/// default location); `--dataset DIR` (or `--data DIR` holding `.txt` files) is the user's
/// `CaptionFolder`. The vocabulary is every word of the training captions: for
/// `fashion-captions` the words of the grammar's training phrasings, for a folder the words
/// of its caption files.
public enum TextToImageData {
    /// The caption folder a configuration names, or nil for `fashion-captions`.
    static func captionFolder(_ configuration: TrainingConfiguration) -> String? {
        if configuration.dataset != FashionCaptions.name { return configuration.dataset }
        guard let directory = configuration.dataDirectory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory),
              names.contains(where: { $0.hasSuffix(".txt") }) else { return nil }
        return directory
    }

    /// The captioned training images.
    public static func captionedImages(_ configuration: TrainingConfiguration) throws -> CaptionedImages {
        if let folder = captionFolder(configuration) { return try CaptionFolder.load(folder) }
        return try FashionCaptions.training(directory: configuration.dataDirectory, seed: configuration.seed)
    }

    @Sendable
    public static func open(_ configuration: TrainingConfiguration) throws -> TrainingSet {
        guard configuration.imageSize == nil else {
            throw TrainingError.invalidConfiguration("text2image trains on 28x28 images; --image-size does not apply")
        }
        return TrainingSet(dataset: try captionedImages(configuration))
    }

    /// The vocabulary of a run (what its text encoder's embedding table indexes).
    public static func vocabulary(_ configuration: TrainingConfiguration) throws -> Vocabulary {
        if let folder = captionFolder(configuration) { return Vocabulary(captions: try CaptionFolder.load(folder).allCaptions) }
        return Vocabulary(words: CaptionGrammar.trainingWords)
    }

    /// Captions drawn in the preview grid, one row each.
    static func previewCaptions(_ configuration: TrainingConfiguration) throws -> [String] {
        if let folder = captionFolder(configuration) {
            return Array(try CaptionFolder.load(folder).captions.prefix(10).map { $0[0] })
        }
        var rng = RandomGenerator(seed: 5)
        let values: [[GarmentAttribute: GarmentAttribute.Value]] = [
            [.tone: .low], [.size: .high], [.pattern: .high, .tone: .high], [.tone: .high], [.tone: .high, .size: .low],
            [.pattern: .low], [.tone: .low, .pattern: .high], [.size: .low], [.pattern: .high], [.tone: .low, .size: .high],
        ]
        return (0..<10).map { CaptionGrammar.render(CaptionContent(classIndex: $0, attributes: values[$0]), template: 0, generator: &rng) }
    }
}

import TensorCore
