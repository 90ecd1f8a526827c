import ArgumentParser
import Datasets
import Foundation
import GAN

/// `gankit augment`: generated, labelled images from a conditional run, as a dataset.
struct AugmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment",
        abstract: "Write generated, labelled images of a conditional run as a dataset that --data DIR (or torchvision's ImageFolder) reads.")

    @Option(name: .customLong("run"), help: "A conditional run folder (gankit train cgan).") var runFolder: String
    @Option(name: .customLong("per-class"), help: "Images per class.") var perClass: Int
    @Option(help: "The folder to create: one PNG subfolder per class (0, 1, ...).") var out: String
    @Option(help: "Seed of the noise.") var seed: UInt64 = 0
    @Flag(help: "Use the trained generator's own weights, not their moving average (runs trained with --ema).") var noEma = false

    func validate() throws {
        guard perClass >= 1 else { throw ValidationError("--per-class must be at least 1, not \(perClass)") }
    }

    func run() throws {
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        let dataset = try GeneratedDataset.draw(from: trained, perClass: perClass, seed: seed, useAverage: !noEma)
        try GeneratedDataset.writeImageFolder(dataset, to: out)
        print("wrote \(dataset.count) images of \(dataset.classCount ?? 1) classes to \(out); train on them with --dataset \(out)")
    }
}

/// `gankit augment-experiment`: does a GAN help a classifier with few labels?
struct AugmentExperimentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "augment-experiment",
        abstract: "Measure on Fashion-MNIST whether cgan samples help a small classifier trained on K labelled images per class (against classic augmentation), and the Classification Accuracy Score of a run.")

    @Option(name: .customLong("per-class"), help: "Real labelled images per class (default 100).") var perClass = 100
    @Option(help: "Number of seeds (default 3: seeds 0, 1, 2; 0 with --cas-run measures the Classification Accuracy Score alone).") var seeds = 3
    @Option(name: .customLong("gan-steps"), help: "Training steps of each seed's cgan (default 2000).") var ganSteps = 2000
    @Option(name: .customLong("generated-per-class"), help: "Generated images per class added (default 500).") var generatedPerClass = 500
    @Option(name: .customLong("classifier-steps"), help: "Training steps of every classifier (default 1500).") var classifierSteps = 1500
    @Option(name: .customLong("cas-run"), help: "Also report the Classification Accuracy Score of this conditional run (trained on the full set).")
    var casRun: String?
    @Option(help: "Folder for the subsets and the seeds' cgan runs (default runs/augment-experiment-K); rerunning resumes them.")
    var out: String?
    @Option(name: .customLong("data"), help: "Folder of the Fashion-MNIST files, when not the default location.") var directory: String?

    func validate() throws {
        guard perClass >= 1, seeds >= 0, ganSteps >= 1, generatedPerClass >= 1, classifierSteps >= 1 else {
            throw ValidationError("--per-class, --gan-steps, --generated-per-class and --classifier-steps must be at least 1, --seeds at least 0")
        }
        if seeds == 0 && casRun == nil { throw ValidationError("--seeds 0 measures nothing without --cas-run RUN") }
    }

    func run() throws {
        var settings = AugmentationExperiment.Settings()
        settings.perClass = perClass
        settings.seeds = (0..<seeds).map { UInt64($0) }
        settings.ganSteps = ganSteps
        settings.generatedPerClass = generatedPerClass
        settings.classifier.steps = classifierSteps
        settings.dataDirectory = directory
        let started = Date()
        if seeds > 0 { try runExperiment(settings) }
        if let casRun {
            let trained = try TrainedModel(run: RunDirectory(casRun))
            let (generated, real) = try AugmentationExperiment.classificationAccuracyScore(
                of: trained, settings: settings.classifier, seed: 0, dataDirectory: directory)
            print(String(format: "Classification Accuracy Score of %@: %.2f%% (trained on 60,000 generated; the same classifier on 60,000 real: %.2f%%)",
                         casRun, 100 * generated, 100 * real))
        }
        print(String(format: "done in %.0f s", Date().timeIntervalSince(started)))
    }

    func runExperiment(_ settings: AugmentationExperiment.Settings) throws {
        let rows = try AugmentationExperiment.run(settings, workDirectory: out ?? "runs/augment-experiment-\(perClass)") { line in
            print(line)
            fflush(nil)
        }
        print("\ntest accuracy of the small classifier, \(perClass) real images per class, mean ± std over \(seeds) seeds:")
        for row in rows {
            print(row.condition.padding(toLength: 24, withPad: " ", startingAt: 0)
                  + String(format: "%6.2f%% ± %.2f   (%@)", 100 * row.mean, 100 * row.standardDeviation,
                           row.accuracies.map { String(format: "%.2f", 100 * $0) }.joined(separator: ", ")))
        }
    }
}
