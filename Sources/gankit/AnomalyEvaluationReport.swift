import ArgumentParser
import Foundation
import GAN
import Metrics

/// `gankit eval --run R` on an anomaly run: AUROC and average precision on the labelled test
/// split, the normal class against the rest.
enum AnomalyEvaluationReport {
    /// Whether `runFolder` holds an anomaly run.
    static func handles(_ runFolder: String) -> Bool {
        (try? RunDirectory(runFolder).loadConfiguration().family) == AnomalyFamily.descriptor.name
    }

    static func run(_ runFolder: String, jsonPath: String?) throws {
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        guard let detector = trained.model as? any AnomalyDetecting else {
            throw ValidationError("\(runFolder) does not hold an anomaly detector")
        }
        let result = try AnomalyEvaluation(detector: detector, configuration: trained.configuration)
        print("run: \(runFolder) (\(result.method), normal class \(result.normalClass) of \(trained.configuration.dataset))")
        print("test images: \(result.imageCount) (\(result.imageCount - result.anomalousCount) normal, \(result.anomalousCount) anomalous)")
        print(String(format: "AUROC                     %.4f", result.areaUnderROC))
        print(String(format: "average precision         %.4f (anomalous = positive)", result.averagePrecision))
        print(String(format: "scored in %.1f s", result.seconds))
        let path = jsonPath ?? runFolder + "/eval.json"
        try writeJSONReport(result, to: path)
        print("wrote \(path)")
    }
}
