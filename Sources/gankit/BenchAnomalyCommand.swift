import ArgumentParser
import Datasets
import Foundation
import GAN

/// `gankit bench anomaly`: the one-class protocol, one run per normal class, and the table.
struct BenchAnomalyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anomaly",
        abstract: "One-class protocol: for each class K, train on class K alone, AUROC of K against the rest of the test set; the table and the mean.",
        discussion: """
            Each class trains into OUT/class-K (default OUT runs/anomaly-protocol) with the gankit train anomaly \
            flags given here; a class whose run exists is resumed or, when finished, only evaluated. \
            Writes OUT/protocol.json.
            """)

    @OptionGroup var training: AnomalyTrainingOptions
    @Option(help: "Comma-separated normal classes (default: every class of the dataset).") var classes: String?

    func run() throws {
        let common = training.common
        guard training.normalClass == nil else { throw ValidationError("give the classes with --classes, not --normal-class") }
        var configuration = TrainingConfiguration(family: AnomalyFamily.descriptor.name, dataset: common.dataset ?? "fashion-mnist")
        configuration.epochs = common.epochs ?? configuration.epochs
        configuration.steps = common.steps
        try common.apply(to: &configuration)
        training.apply(to: &configuration)
        let options = try AnomalyOptions(configuration)
        let classCount = try DatasetCatalog.load(configuration.dataset, directory: configuration.dataDirectory, split: .test).classCount ?? 0
        let list: [Int]
        if let classes {
            let parsed = classes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !parsed.isEmpty, parsed.allSatisfy({ $0.map { (0..<classCount).contains($0) } ?? false }) else {
                throw ValidationError("--classes must list classes 0...\(classCount - 1) separated by commas, not \(classes)")
            }
            list = parsed.map { $0! }
        } else {
            guard classCount > 1 else { throw ValidationError("\(configuration.dataset) has no class labels; the one-class protocol needs them") }
            list = Array(0..<classCount)
        }
        let root = common.out ?? "runs/anomaly-protocol"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let length = configuration.steps.map { "\($0) steps" } ?? "\(configuration.epochs) epochs"
        print("one-class protocol on \(configuration.dataset): \(options.method.rawValue), \(length) of batch \(configuration.batchSize) per class, seed \(configuration.seed), runs in \(root)")
        let geoTrans = configuration.dataset == "fashion-mnist" ? OneClassProtocol.geoTransFashionMNIST : []
        func line(_ result: OneClassProtocol.ClassResult) -> String {
            let reference = geoTrans.indices.contains(result.normalClass) ? String(format: "%8.1f", geoTrans[result.normalClass]) : "       -"
            return String(format: "%5d %8.1f %8.1f %@ %9.0f %7d", result.normalClass, 100 * result.evaluation.areaUnderROC,
                          100 * result.evaluation.averagePrecision, reference, result.trainingSeconds + result.evaluation.seconds, result.steps)
        }
        print("class    AUROC       AP GeoTrans   seconds   steps")
        fflush(nil)
        let started = Date()
        let results = try OneClassProtocol.run(template: configuration, classes: list, root: root) { result in
            print(line(result))
            fflush(nil)
        }
        let seconds = Date().timeIntervalSince(started)
        let mean = results.map(\.evaluation.areaUnderROC).reduce(0, +) / Double(results.count)
        let meanPrecision = results.map(\.evaluation.averagePrecision).reduce(0, +) / Double(results.count)
        let referenceMean = list.allSatisfy { geoTrans.indices.contains($0) } && !geoTrans.isEmpty
            ? String(format: "%8.1f", list.map { geoTrans[$0] }.reduce(0, +) / Double(list.count)) : "       -"
        print(String(format: " mean %8.1f %8.1f %@ %9.0f", 100 * mean, 100 * meanPrecision, referenceMean, seconds))
        if configuration.dataset == "fashion-mnist" {
            print("published Fashion-MNIST means: " + OneClassProtocol.publishedMeans.map { String(format: "%@ %.1f", $0.name, $0.auroc) }.joined(separator: ", "))
        }
        print(String(format: "wall clock %.1f minutes", seconds / 60))
        try writeJSONReport(results, to: root + "/protocol.json")
        print("wrote \(root)/protocol.json")
    }
}
