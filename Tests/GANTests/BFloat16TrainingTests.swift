import Foundation
import XCTest
@testable import Datasets
import GAN
import NN
import TensorCore

/// dcgan and vanilla training steps with bf16 matrix products: they run, and stay close to the
/// same steps in float32 (same weights, batch and randomness) without being identical; the
/// configuration records the precision, and runs saved before it read as fp32.
final class BFloat16TrainingTests: XCTestCase {
    override func tearDown() {
        try? MatmulPrecision.select(.float32)
    }

    struct Outcome {
        var scalars: [String: Float]
        var weights: [String: [Float]]
    }

    func steps(_ family: String, precision: MatmulPrecision, count: Int = 2) throws -> Outcome {
        var configuration = TrainingConfiguration(family: family, dataset: "fashion-mnist")
        configuration.sampleShape = [1, 28, 28]
        configuration.classCount = 10
        configuration.batchSize = 16
        configuration.precision = precision
        try configuration.selectPrecision()
        defer { try? MatmulPrecision.select(.float32) }
        let model = try FamilyCatalog.descriptor(family).make(configuration)
        var data = RandomGenerator(seed: 5), randomness = RandomGenerator(seed: 6)
        var scalars: [String: Float] = [:]
        for step in 1...count {
            let batch = Batch(samples: Tensor.randn([16, 1, 28, 28], generator: &data).tanh(), labels: Array(repeating: 0, count: 16),
                              epoch: 0, index: step - 1)
            let context = StepContext(step: step, totalSteps: count, stepsPerEpoch: count)
            for (name, value) in model.trainingStep(on: batch, context: context, randomness: &randomness) {
                scalars["\(step).\(name)"] = value
            }
        }
        var weights: [String: [Float]] = [:]
        for (network, module) in model.networks {
            for (name, value) in module.state() { weights["\(network).\(name)"] = value.scalars }
        }
        return Outcome(scalars: scalars, weights: weights)
    }

    func testBFloat16StepsStayCloseToFloat32() throws {
        guard MatmulPrecision.isBFloat16Available else { throw XCTSkip("this CPU has no AVX-512 BF16") }
        for family in ["dcgan", "vanilla"] {
            let float32 = try steps(family, precision: .float32)
            let bfloat16 = try steps(family, precision: .bfloat16)
            XCTAssertEqual(MatmulPrecision.current, .float32)
            XCTAssertEqual(Set(float32.scalars.keys), Set(bfloat16.scalars.keys))
            var largestScalarDifference: Float = 0
            for (name, value) in float32.scalars {
                let other = try XCTUnwrap(bfloat16.scalars[name])
                XCTAssertTrue(other.isFinite, "\(family) \(name)")
                largestScalarDifference = max(largestScalarDifference, abs(other - value))
                XCTAssertEqual(other, value, accuracy: 0.02 * max(1, abs(value)), "\(family) \(name)")
            }
            XCTAssertGreaterThan(largestScalarDifference, 0, "\(family): bf16 products change the losses a little")
            // Two Adam steps at lr 2e-4 move each weight by at most about 4e-4; bf16 may flip a
            // gradient's sign (a 4e-4 difference at most), and BatchNorm's running statistics
            // follow the activations closely.
            var changed = 0
            for (name, values) in float32.weights {
                let other = try XCTUnwrap(bfloat16.weights[name])
                XCTAssertEqual(values.count, other.count)
                for (a, b) in zip(values, other) {
                    XCTAssertEqual(a, b, accuracy: 1e-3 + 1e-2 * abs(a), "\(family) \(name)")
                    if a != b { changed += 1 }
                }
            }
            XCTAssertGreaterThan(changed, 0, "\(family): some weights differ")
        }
    }

    func testResumingABFloat16RunIsBitExact() throws {
        guard MatmulPrecision.isBFloat16Available else { throw XCTSkip("this CPU has no AVX-512 BF16") }
        var folders: [String] = []
        defer { for folder in folders { try? FileManager.default.removeItem(atPath: folder) } }
        func newRun() -> RunDirectory {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-bf16-\(UUID().uuidString)").path
            folders.append(path)
            return RunDirectory(path)
        }
        // vanilla on ring8 with 640 points: 10 steps per epoch.
        func configuration(epochs: Int, precision: MatmulPrecision = .bfloat16) -> TrainingConfiguration {
            var configuration = TrainingConfiguration(family: "vanilla", dataset: "ring8")
            configuration.mixtureSampleCount = 640
            configuration.epochs = epochs
            configuration.latentSize = 8
            configuration.gridSize = 16
            configuration.precision = precision
            return configuration
        }
        func weights(_ trainer: Trainer) -> [String: [Float]] {
            var result: [String: [Float]] = [:]
            for (network, module) in trainer.model.networks {
                for (name, value) in module.state() { result["\(network).\(name)"] = value.scalars }
            }
            return result
        }
        let straight = try Trainer(configuration: configuration(epochs: 2), run: newRun(), resume: false)
        try straight.train()
        XCTAssertEqual(MatmulPrecision.current, .bfloat16, "the trainer selected the run's precision")
        let run = newRun()
        try Trainer(configuration: configuration(epochs: 1), run: run, resume: false).train()
        try MatmulPrecision.select(.float32)
        let resumed = try Trainer(configuration: configuration(epochs: 2), run: run, resume: true)
        try resumed.train()
        XCTAssertEqual(weights(resumed), weights(straight), "1 epoch + resume must equal 2 epochs exactly in bf16")
        let float32 = try Trainer(configuration: configuration(epochs: 2, precision: .float32), run: newRun(), resume: false)
        try float32.train()
        XCTAssertNotEqual(weights(float32), weights(straight), "fp32 and bf16 runs differ")
    }

    func testThePrecisionIsRecordedAndOldRunsReadAsFloat32() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-precision-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let run = RunDirectory(folder)
        var configuration = TrainingConfiguration(family: "dcgan", dataset: "fashion-mnist")
        configuration.precision = .bfloat16
        try run.save(configuration)
        let saved = try String(contentsOfFile: run.configurationPath, encoding: .utf8)
        XCTAssertTrue(saved.contains(#""precision" : "bf16""#), saved)
        XCTAssertEqual(try run.loadConfiguration().precision, .bfloat16)
        // A config.json from before the setting.
        let old = saved.replacingOccurrences(of: #""precision" : "bf16","#, with: "")
        XCTAssertFalse(old.contains("precision"))
        try old.write(toFile: run.configurationPath, atomically: true, encoding: .utf8)
        var expected = configuration
        expected.precision = .float32
        XCTAssertEqual(try run.loadConfiguration(), expected)
        // The flag's values.
        XCTAssertEqual(try TrainingConfiguration.precision(flag: "fp32"), .float32)
        XCTAssertEqual(try TrainingConfiguration.precision(flag: "bf16"), .bfloat16)
        XCTAssertThrowsError(try TrainingConfiguration.precision(flag: "fp16")) { error in
            XCTAssertEqual("\(error)", "--precision must be fp32 or bf16, not fp16")
        }
    }
}
