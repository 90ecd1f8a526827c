import Datasets
import Foundation
@testable import Metrics
import XCTest

/// The evaluator on first use: a missing file is trained (here with a two-step budget in a
/// scratch location, never the real cache) and saved; the next call only loads it.
final class EvaluatorProvisioningTests: XCTestCase {
    func testAMissingEvaluatorIsTrainedOnceThenLoaded() throws {
        guard (try? FashionMNIST(split: .test)) != nil else {
            throw XCTSkip("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        }
        let folder = NSTemporaryDirectory() + "evaluator-provisioning-\(UUID().uuidString)"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/cache/evaluator.safetensors"
        XCTAssertNotEqual(path, FashionMNISTEvaluator.defaultPath)
        var budget = EvaluatorTrainingConfiguration()
        budget.maximumSteps = 2
        budget.batchSize = 16
        budget.checkImageCount = 200
        var notes: [String] = [], steps = 0, saved = 0
        let trained = try FashionMNISTEvaluator.loadOrTrain(at: path, training: budget) { event in
            switch event {
            case let .trainingStarted(note): notes.append(note)
            case .training(.step): steps += 1
            case .training: break
            case .saved: saved += 1
            }
        }
        XCTAssertEqual(notes.count, 1)
        XCTAssertTrue(notes[0].hasPrefix("note: no evaluator at \(path); training it once now"), notes[0])
        XCTAssertFalse(notes[0].contains("\n"))
        XCTAssertEqual(steps, 2)
        XCTAssertEqual(saved, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))

        var events = 0
        let loaded = try FashionMNISTEvaluator.loadOrTrain(at: path, training: budget) { _ in events += 1 }
        XCTAssertEqual(events, 0, "an existing evaluator is loaded, not trained again")
        XCTAssertEqual(loaded.metadata["steps"], "2")
        for ((name, a), (_, b)) in zip(trained.network.state(), loaded.network.state()) {
            XCTAssertEqual(a.scalars, b.scalars, name)
        }
    }

    func testAFileThatIsNoEvaluatorIsNotOverwritten() throws {
        let folder = NSTemporaryDirectory() + "evaluator-provisioning-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/evaluator.safetensors"
        try Data("not safetensors".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try FashionMNISTEvaluator.loadOrTrain(at: path) { _ in XCTFail("must not train") })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "not safetensors")
    }
}
