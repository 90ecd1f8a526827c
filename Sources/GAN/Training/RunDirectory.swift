import Foundation

/// The folder of one training run:
/// `config.json`, `metrics.jsonl`, `samples/` (the family's preview pictures), `checkpoints/`
/// (`training.safetensors` for resuming and one `NAME.safetensors` PyTorch `state_dict` per
/// network: `generator`, `discriminator`, `generator_ema` with `--ema`, ...) and TensorBoard
/// event files.
public struct RunDirectory: Sendable {
    public let path: String

    public init(_ path: String) { self.path = path }

    public var configurationPath: String { path + "/config.json" }
    public var metricsPath: String { path + "/metrics.jsonl" }
    public var samplesPath: String { path + "/samples" }
    public var checkpointsPath: String { path + "/checkpoints" }
    public var trainingCheckpointPath: String { checkpointsPath + "/training.safetensors" }
    /// The PyTorch `state_dict` of the family's network called `name`.
    public func networkCheckpointPath(_ name: String) -> String { checkpointsPath + "/\(name).safetensors" }
    public var generatorCheckpointPath: String { networkCheckpointPath("generator") }
    public var discriminatorCheckpointPath: String { networkCheckpointPath("discriminator") }
    /// The averaged generator (runs trained with `--ema`).
    public var averageGeneratorCheckpointPath: String { networkCheckpointPath("generator_ema") }

    /// Whether a run was started here (it has a configuration).
    public var exists: Bool { FileManager.default.fileExists(atPath: configurationPath) }

    /// Creates the folders.
    public func create() throws {
        for folder in [path, samplesPath, checkpointsPath] {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw TrainingError.invalidConfiguration("cannot create \(folder): \(error.localizedDescription)")
            }
        }
    }

    /// The saved configuration.
    public func loadConfiguration() throws -> TrainingConfiguration {
        guard let data = FileManager.default.contents(atPath: configurationPath) else {
            throw TrainingError.noCheckpoint(path)
        }
        do {
            // Settings added after a run was saved read as what that run used.
            var data = data
            if var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] {
                let missing = TrainingConfiguration.laterSettings.filter { object[$0.key] == nil }
                if !missing.isEmpty {
                    object.merge(missing.mapValues { $0 as Any }) { saved, _ in saved }
                    data = try JSONSerialization.data(withJSONObject: object)
                }
            }
            return try JSONDecoder().decode(TrainingConfiguration.self, from: data)
        } catch {
            throw TrainingError.configurationMismatch("\(configurationPath) is not a valid GANKit run configuration: \(error)")
        }
    }

    /// Writes the configuration atomically.
    public func save(_ configuration: TrainingConfiguration) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(configuration).write(to: URL(fileURLWithPath: configurationPath), options: .atomic)
    }
}
