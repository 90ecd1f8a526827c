import Datasets
import Foundation
@testable import Metrics
import NN
import TensorCore
import XCTest

/// The evaluator's save/load path, the reference cache and the whole image pipeline, on
/// tiny inputs (training the real evaluator is a release step: `gankit evaluator train`).
final class EvaluatorTests: XCTestCase {
    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "metrics-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    private func randomImages(_ count: Int, seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.uniform([count, 1, 28, 28], low: -1, high: 1, generator: &generator)
    }

    func testTrainingIsSeededAndSavesAndLoads() throws {
        guard (try? FashionMNIST(split: .test)) != nil else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
        var configuration = EvaluatorTrainingConfiguration()
        configuration.maximumSteps = 2
        configuration.batchSize = 16
        configuration.checkImageCount = 500
        var steps = 0
        let (trained, result) = try FashionMNISTEvaluator.train(configuration) { event in
            if case .step = event { steps += 1 }
        }
        XCTAssertEqual(steps, 2)
        XCTAssertEqual(result.metadata["steps"], "2")
        let again = try FashionMNISTEvaluator.train(configuration).evaluator
        for ((name, a), (_, b)) in zip(trained.network.state(), again.network.state()) {
            XCTAssertEqual(a.scalars, b.scalars, "\(name) differs between two runs with the same seed")
        }
        let path = try temporaryFolder() + "/evaluator.safetensors"
        try trained.save(to: path, metadata: result.metadata)
        let loaded = try FashionMNISTEvaluator(contentsOf: path)
        XCTAssertEqual(loaded.testAccuracy, Double(result.metadata["test_accuracy"]!))
        let images = randomImages(8, seed: 4)
        XCTAssertEqual(loaded.outputs(for: images).features.scalars, trained.outputs(for: images).features.scalars)
        XCTAssertEqual(loaded.outputs(for: images).probabilities.scalars, trained.outputs(for: images).probabilities.scalars)
    }

    func testFeatureNormalizationKeepsPredictions() {
        let evaluator = FashionMNISTEvaluator(seed: 10)
        let images = randomImages(32, seed: 11)
        let before = evaluator.outputs(for: images)
        let rootMeanSquare = evaluator.normalizeFeatures(on: images)
        XCTAssertGreaterThan(rootMeanSquare, 0)
        let after = evaluator.outputs(for: images)
        let squares = after.features.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }
        XCTAssertEqual(squares / Double(after.features.count), 1, accuracy: 1e-4)
        for (a, b) in zip(after.probabilities.scalars, before.probabilities.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        for (a, b) in zip(after.features.scalars, before.features.scalars) {
            XCTAssertEqual(Double(a), Double(b) / rootMeanSquare, accuracy: 1e-4)
        }
    }

    func testMissingEvaluatorNamesTheCommandThatMakesIt() throws {
        let path = try temporaryFolder() + "/absent.safetensors"
        XCTAssertThrowsError(try FashionMNISTEvaluator(contentsOf: path)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains(path), message)
            XCTAssertTrue(message.contains("gankit evaluator train --evaluator \(path)"), message)
        }
    }

    func testForeignCheckpointIsRefused() throws {
        let path = try temporaryFolder() + "/other.safetensors"
        try SafeTensors.write([("weight", Tensor.zeros([2]))], to: path)
        XCTAssertThrowsError(try FashionMNISTEvaluator(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains("not a GANKit Fashion-MNIST evaluator"), "\(error)")
        }
    }

    func testReferenceCacheRoundTripsExactly() throws {
        let folder = try temporaryFolder()
        let evaluator = FashionMNISTEvaluator(seed: 5)
        let evaluatorPath = folder + "/evaluator.safetensors"
        try evaluator.save(to: evaluatorPath, metadata: [:])
        let reference = ReferenceSet(name: "random", outputs: evaluator.outputs(for: randomImages(40, seed: 6)))
        let cache = try ReferenceSet.cacheFolder(forEvaluatorAt: evaluatorPath)
        try reference.write(to: cache)
        let read = try ReferenceSet.read(from: cache, name: "random")
        XCTAssertEqual(read.features, reference.features)
        XCTAssertEqual(read.statistics, reference.statistics)
        XCTAssertEqual(read.squaredRadii, reference.squaredRadii)
        XCTAssertEqual(read.probabilities.scalars, reference.probabilities.scalars)
        // A different evaluator file gets a different cache, and writing it retires the old one.
        try FashionMNISTEvaluator(seed: 7).save(to: evaluatorPath, metadata: [:])
        let newCache = try ReferenceSet.cacheFolder(forEvaluatorAt: evaluatorPath)
        XCTAssertNotEqual(newCache, cache)
        try reference.write(to: newCache)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cache))
    }

    func testImageEvaluationOfTheReferenceItself() throws {
        let evaluator = FashionMNISTEvaluator(seed: 8)
        let images = randomImages(60, seed: 9)
        let reference = ReferenceSet(name: "random", outputs: evaluator.outputs(for: images))
        let result = ImageEvaluation(images: images, evaluator: evaluator, reference: reference)
        // 60 samples in 128 dimensions: a singular covariance, whose rounding-level eigenvalues
        // contribute their square roots; still zero to rounding relative to the trace.
        XCTAssertEqual(result.fid, 0, accuracy: 1e-6 * reference.statistics.covarianceTrace)
        XCTAssertEqual(result.manifold.precision, 1)
        XCTAssertEqual(result.manifold.recall, 1)
        XCTAssertEqual(result.classHistogram, result.referenceClassHistogram)
        XCTAssertEqual(result.classDivergence, 0)
        XCTAssertNil(result.classConsistency)
        XCTAssertEqual(result.sampleCount, 60)
    }

    func testSampleValidationNamesTheFileAndTheProblem() {
        XCTAssertThrowsError(try ImageEvaluation.validate(Tensor.zeros([10, 3, 32, 32]), source: "s.npy")) { error in
            XCTAssertTrue("\(error)".contains("s.npy") && "\(error)".contains("[10, 3, 32, 32]"), "\(error)")
        }
        XCTAssertThrowsError(try ImageEvaluation.validate(Tensor.full([10, 1, 28, 28], 255), source: "s.npy")) { error in
            XCTAssertTrue("\(error)".contains("[-1, 1]"), "\(error)")
        }
        XCTAssertNoThrow(try ImageEvaluation.validate(Tensor.full([10, 1, 28, 28], -1), source: "s.npy"))
    }
}
