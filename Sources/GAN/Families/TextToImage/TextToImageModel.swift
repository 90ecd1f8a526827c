import Datasets
import Foundation
import TensorCore

/// A trained `text2image` run ready to draw pictures of captions: its networks and the
/// vocabulary saved beside them.
public struct TextToImageModel {
    public let trained: TrainedModel
    public let model: TextToImageGAN
    public let vocabulary: Vocabulary

    /// Loads the run in `run`; it must be a `text2image` run.
    public init(run: RunDirectory) throws {
        trained = try TrainedModel(run: run)
        guard let model = trained.model as? TextToImageGAN else {
            throw TrainingError.invalidConfiguration(
                "\(run.path) holds a \(trained.configuration.family) model; gankit generate draws from text2image runs (use gankit sample for the others)")
        }
        self.model = model
        let path = run.checkpointsPath + "/vocabulary.json"
        if FileManager.default.fileExists(atPath: path) {
            let saved = try Vocabulary(contentsOf: path)
            guard saved == model.vocabulary else {
                throw TrainingError.configurationMismatch("\(path) differs from the vocabulary of the run's training captions; the run's data changed since it was trained")
            }
        }
        vocabulary = model.vocabulary
    }

    /// What tokenizing captions found: the token ids the encoder reads (unknown words left
    /// out, as the encoder never saw the unknown token) and a warning per caption that had
    /// unknown words.
    public struct Tokens {
        public var ids: [[Int]]
        public var warnings: [String]
    }

    /// The captions as token ids. An empty caption, or one with no word of the vocabulary, is
    /// an error naming it through `describe(index)` ("--text", "FILE line 3").
    public func tokenize(_ captions: [String], describe: (Int) -> String) throws -> Tokens {
        var tokens = Tokens(ids: [], warnings: [])
        for (index, caption) in captions.enumerated() {
            let (ids, unknown) = vocabulary.encode(caption)
            if ids.isEmpty {
                throw TrainingError.invalidConfiguration("\(describe(index)): the caption is empty; write a few words such as \"a dark ankle boot\"")
            }
            let known = ids.filter { $0 != Vocabulary.unknownIndex }
            if known.isEmpty {
                throw TrainingError.invalidConfiguration(
                    "\(describe(index)): no word of \"\(caption)\" is in the model's vocabulary (\(vocabulary.count - 2) words, listed in checkpoints/vocabulary.json)")
            }
            if !unknown.isEmpty {
                tokens.warnings.append("\(describe(index)): unknown words ignored: \(unknown.joined(separator: ", "))")
            }
            tokens.ids.append(known)
        }
        return tokens
    }

    /// `perCaption` samples of every caption (caption-major order), noise drawn with `seed`.
    public func samples(_ ids: [[Int]], perCaption: Int = 1, seed: UInt64) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        let repeated = ids.flatMap { Array(repeating: $0, count: perCaption) }
        let latent = Tensor.randn([repeated.count, model.latentSize], generator: &rng)
        return model.samples(captions: repeated, latent: latent)
    }

    /// GAN-INT at inference: `steps` samples whose caption embedding moves in equal steps from
    /// `from` to `to` (both token ids) with one noise vector, for each of `rows` noise vectors
    /// drawn with `seed` (row-major).
    public func interpolation(from: [Int], to: [Int], steps: Int, rows: Int = 1, seed: UInt64) -> Tensor {
        precondition(steps >= 2 && rows >= 1, "TextToImageModel.interpolation: needs at least 2 steps and 1 row")
        let ends = model.textEmbeddings([from, to])
        let a = ends.slice(axis: 0, 0..<1), b = ends.slice(axis: 0, 1..<2)
        let path = Tensor.concat((0..<steps).map { step in
            let t = Float(step) / Float(steps - 1)
            return a * (1 - t) + b * t
        }, axis: 0)
        var rng = RandomGenerator(seed: seed)
        let noise = Tensor.randn([rows, model.latentSize], generator: &rng)
        let latent = Tensor.concat((0..<rows).map { row in
            Tensor.concat(Array(repeating: noise.slice(axis: 0, row..<(row + 1)), count: steps), axis: 0)
        }, axis: 0)
        return model.samples(embeddings: Tensor.concat(Array(repeating: path, count: rows), axis: 0), latent: latent)
    }
}
