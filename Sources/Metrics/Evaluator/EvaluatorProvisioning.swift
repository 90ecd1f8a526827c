import Foundation

/// What happened when an evaluator was asked for.
public enum EvaluatorProvisioningEvent: Sendable {
    /// The evaluator file is missing and is being trained now; the message says where and how long.
    case trainingStarted(note: String)
    /// Progress of that training.
    case training(EvaluatorTrainingEvent)
    /// The freshly trained evaluator was saved.
    case saved(path: String, testAccuracy: Double, seconds: Double)
}

extension FashionMNISTEvaluator {
    /// The one place every command that needs the evaluator gets it from (`gankit eval`, the
    /// training monitor, pix2pix's evaluation): loads it from `path`, and when no file is there
    /// (a fresh machine) trains it first with `training`, saves it at `path` and reports the
    /// training through `events`. A file that exists but is not an evaluator still throws: a
    /// user's file is never overwritten.
    public static func loadOrTrain(at path: String = defaultPath, dataDirectory: String? = nil,
                                   training: EvaluatorTrainingConfiguration = EvaluatorTrainingConfiguration(),
                                   events: (EvaluatorProvisioningEvent) -> Void = { _ in }) throws -> FashionMNISTEvaluator {
        if FileManager.default.fileExists(atPath: path) { return try FashionMNISTEvaluator(contentsOf: path) }
        var configuration = training
        if configuration.dataDirectory == nil { configuration.dataDirectory = dataDirectory }
        events(.trainingStarted(note: "note: no evaluator at \(path); training it once now (\(configuration.epochs) epochs on Fashion-MNIST, "
            + "about six minutes on 2 cores); later commands load it"))
        let (trained, result) = try train(configuration) { events(.training($0)) }
        try trained.save(to: path, metadata: result.metadata)
        events(.saved(path: path, testAccuracy: result.testAccuracy, seconds: result.seconds))
        return trained
    }
}
