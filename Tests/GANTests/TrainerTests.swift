import Foundation
import XCTest
import Datasets
import GAN
import NN
import TensorCore

/// The trainer on a small 2-D mixture: learning, exact resumption, interruption, the stop on a
/// non-finite loss, and the files a run writes.
final class TrainerTests: XCTestCase {
    var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    func newRun() -> RunDirectory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-run-\(UUID().uuidString)").path
        folders.append(path)
        return RunDirectory(path)
    }

    /// vanilla on ring8 with 640 points: 10 steps per epoch.
    func smallConfiguration(epochs: Int = 2) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: "ring8")
        configuration.mixtureSampleCount = 640
        configuration.epochs = epochs
        configuration.latentSize = 8
        configuration.gridSize = 16
        return configuration
    }


    func gan(_ trainer: Trainer) throws -> AdversarialGAN { try XCTUnwrap(trainer.model as? AdversarialGAN) }

    func testTrainingStepsReduceTheDiscriminatorLossOnAFixedBatch() throws {
        var configuration = smallConfiguration(epochs: 1)
        configuration.learningRateD = 2e-3
        let trainer = try Trainer(configuration: configuration, run: newRun(), resume: false)
        let model = try gan(trainer)
        let D = try XCTUnwrap(model.discriminator as? Sequential), G = try XCTUnwrap(model.generator as? Sequential)
        var rng = RandomGenerator(seed: 42)
        let real = GaussianMixture.ring8.sample(count: 64, generator: &rng).points
        let fake = stopGradient(G(model.noise(64, generator: &rng)))
        func lossOnFixedBatch() -> Float {
            D.eval()
            defer { D.train() }
            return AdversarialLoss.nonSaturating.discriminatorLoss(real: D(real), fake: D(fake)).scalar
        }
        let before = lossOnFixedBatch()
        // D-only steps on the same two batches: its loss on them must fall.
        for _ in 0..<60 {
            let (_, gradients) = valueAndGrad(model: D) { D in
                AdversarialLoss.nonSaturating.discriminatorLoss(real: D(real), fake: D(fake))
            }
            model.optimizerD.update(D, gradients: gradients)
        }
        let after = lossOnFixedBatch()
        XCTAssertLessThan(after, before - 0.05, "D loss \(before) -> \(after)")
        // And the full alternating loop runs and logs finite losses.
        try trainer.train()
        XCTAssertEqual(trainer.step, 10)
    }

    func testResumingGivesTheSameWeightsAsOneRun() throws {
        let straight = try Trainer(configuration: smallConfiguration(epochs: 2), run: newRun(), resume: false)
        try straight.train()

        let run = newRun()
        try Trainer(configuration: smallConfiguration(epochs: 1), run: run, resume: false).train()
        let resumed = try Trainer(configuration: smallConfiguration(epochs: 2), run: run, resume: true)
        XCTAssertEqual(resumed.step, 10)
        try resumed.train()
        XCTAssertEqual(resumed.step, 20)
        XCTAssertEqual(resumed.networkWeights, straight.networkWeights, "1 epoch + resume must equal 2 epochs exactly")

        // An interruption mid-epoch saves a checkpoint; resuming still ends at the same weights.
        let interruptedRun = newRun()
        var calls = 0
        let outcome = try Trainer(configuration: smallConfiguration(epochs: 2), run: interruptedRun, resume: false)
            .train(shouldStop: { calls += 1; return calls > 13 })
        XCTAssertEqual(outcome, .interrupted(step: 13))
        // Lines logged after the checkpoint (whole or cut short by a crash) are dropped on resume.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: interruptedRun.metricsPath))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"epoch":2,"fakeScore":0,"gradientNormD":0,"gradientNormG":0,"imagesPerSecond":1,"lossD":0,"lossG":0,"realScore":0,"step":14}"#.utf8 + [10]))
        handle.write(Data(#"{"epoch":2,"fakeSc"#.utf8))  // a line cut short by a crash
        try handle.close()
        let continued = try Trainer(configuration: smallConfiguration(epochs: 2), run: interruptedRun, resume: true)
        XCTAssertEqual(continued.step, 13)
        try continued.train()
        XCTAssertEqual(continued.networkWeights, straight.networkWeights, "interrupt + resume must equal one run")
        let steps = try String(contentsOfFile: interruptedRun.metricsPath, encoding: .utf8).split(separator: "\n").map { line in
            try JSONDecoder().decode(StepMetrics.self, from: Data(line.utf8)).step
        }
        XCTAssertEqual(steps, Array(1...20), "each step logged once")
    }

    func testDecayFromLowersEveryRateLinearlyAndResumesExactly() throws {
        var decaying = smallConfiguration(epochs: 2)
        decaying.options["decay-from"] = "12"
        let straight = try Trainer(configuration: decaying, run: newRun(), resume: false)
        XCTAssertEqual(straight.learningRateSchedule, .linearDecay(start: 12, end: 20))
        try straight.train()
        // After the last of 20 steps each optimizer is at 1/9 of its rate (steps 13...20 decay).
        let model = try gan(straight)
        XCTAssertEqual(model.optimizerG.learningRate, decaying.learningRateG / 9, accuracy: 1e-10)
        XCTAssertEqual(model.optimizerD.learningRate, decaying.learningRateD / 9, accuracy: 1e-10)
        let constant = try Trainer(configuration: smallConfiguration(epochs: 2), run: newRun(), resume: false)
        XCTAssertEqual(constant.learningRateSchedule, .constant, "no decay unless asked (vanilla)")
        try constant.train()
        XCTAssertEqual(try gan(constant).optimizerG.learningRate, decaying.learningRateG)
        XCTAssertNotEqual(constant.networkWeights, straight.networkWeights, "the decay changes the updates")
        // Interrupted inside the decay and resumed: the same rates, the same weights.
        let run = newRun()
        var calls = 0
        let outcome = try Trainer(configuration: decaying, run: run, resume: false).train(shouldStop: { calls += 1; return calls > 15 })
        XCTAssertEqual(outcome, .interrupted(step: 15))
        let resumed = try Trainer(configuration: decaying, run: run, resume: true)
        try resumed.train()
        XCTAssertEqual(resumed.networkWeights, straight.networkWeights, "interrupt inside the decay + resume must equal one run")
        // The schedule may change on resume, as the length may: the new one is used and recorded.
        var other = decaying
        other.options["decay-from"] = "5"
        other.steps = 24
        let rescheduled = try Trainer(configuration: other, run: run, resume: true)
        XCTAssertEqual(rescheduled.learningRateSchedule, .linearDecay(start: 5, end: 24))
        XCTAssertEqual(try run.loadConfiguration().options["decay-from"], "5")
        XCTAssertEqual(try run.loadConfiguration().steps, 24)
        other.options["decay-from"] = "soon"
        XCTAssertThrowsError(try Trainer(configuration: other, run: newRun(), resume: false)) {
            XCTAssertTrue("\($0)".contains("--decay-from") && "\($0)".contains("not soon"), "\($0)")
        }
    }

    func testMovingAverageGeneratorResumesAndSamples() throws {
        var configuration = smallConfiguration(epochs: 2)
        configuration.emaDecay = 0.9
        let straight = try Trainer(configuration: configuration, run: newRun(), resume: false)
        try straight.train()
        let run = newRun()
        var first = configuration
        first.epochs = 1
        try Trainer(configuration: first, run: run, resume: false).train()
        let resumed = try Trainer(configuration: configuration, run: run, resume: true)
        try resumed.train()
        let average = try XCTUnwrap(try gan(resumed).averageGenerator?.values)
        let reference = try XCTUnwrap(try gan(straight).averageGenerator?.values)
        XCTAssertEqual(average.mapValues(\.scalars), reference.mapValues(\.scalars), "the average resumes exactly")
        XCTAssertNotEqual(average["0.weight"]?.scalars, try gan(resumed).generator.parameter(named: "0.weight").scalars)
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.averageGeneratorCheckpointPath))
        let trained = try TrainedModel(run: run)
        XCTAssertTrue(try trained.noiseSampler().hasAverageGenerator)
        XCTAssertNotEqual(try trained.samples(count: 4, seed: 1).scalars, try trained.samples(count: 4, seed: 1, useAverage: false).scalars)
        var invalid = configuration
        invalid.emaDecay = 1.5
        XCTAssertThrowsError(try Trainer(configuration: invalid, run: newRun(), resume: false)) { error in
            XCTAssertTrue("\(error)".contains("--ema"), "\(error)")
        }
    }

    func testRunFolderContents() throws {
        let run = newRun()
        try Trainer(configuration: smallConfiguration(epochs: 2), run: run, resume: false).train()
        let fm = FileManager.default
        for file in ["config.json", "metrics.jsonl", "samples/epoch-001.png", "samples/epoch-002.png",
                     "checkpoints/training.safetensors", "checkpoints/generator.safetensors", "checkpoints/discriminator.safetensors"] {
            XCTAssertTrue(fm.fileExists(atPath: run.path + "/" + file), file)
        }
        let lines = try String(contentsOfFile: run.metricsPath, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 20)
        let last = try JSONDecoder().decode(StepMetrics.self, from: Data(lines.last!.utf8))
        XCTAssertEqual(last.step, 20)
        XCTAssertEqual(last.values.map(\.name), ["fakeScore", "gradientNormD", "gradientNormG", "lossD", "lossG", "realScore"])
        XCTAssertTrue(try XCTUnwrap(last["lossD"]).isFinite && (last["gradientNormG"] ?? 0) > 0)
        let events = try XCTUnwrap(fm.contentsOfDirectory(atPath: run.path).first { $0.hasPrefix("events.out.tfevents.") })
        let records = try TensorBoardRecords.read(run.path + "/" + events)
        XCTAssertEqual(records.count, 1 + 20 + 2, "file version, one scalar event per step, one image per epoch")
        XCTAssertTrue(records[0].contains(Array("brain.Event:2".utf8)))
        // The generator checkpoint loads into a fresh network of the same architecture.
        let generator = try TrainedModel(run: run)
        XCTAssertEqual(try generator.samples(count: 7, seed: 1).shape, [7, 2])
        XCTAssertThrowsError(try generator.samples(latent: Tensor.zeros([3, 5])))
        XCTAssertThrowsError(try generator.samples(count: 3, seed: 1, labels: [0, 1, 2])) { error in
            XCTAssertTrue("\(error)".contains("unconditional"), "\(error)")
        }
        XCTAssertThrowsError(try Trainer(configuration: smallConfiguration(), run: run, resume: false)) { error in
            XCTAssertTrue(String(describing: error).contains("--resume"))
        }
    }

    func testNonFiniteLossStopsAndKeepsTheLastCheckpoint() throws {
        let run = newRun()
        try Trainer(configuration: smallConfiguration(epochs: 1), run: run, resume: false).train()
        let saved = try Data(contentsOf: URL(fileURLWithPath: run.trainingCheckpointPath))
        // Resume with an absurd learning rate: the run must stop on a non-finite loss.
        var configuration = smallConfiguration(epochs: 3)
        configuration.learningRateD = 1e30
        configuration.learningRateG = 1e30
        var saved2 = try run.loadConfiguration()
        saved2.learningRateD = 1e30
        saved2.learningRateG = 1e30
        try run.save(saved2)
        let trainer = try Trainer(configuration: configuration, run: run, resume: true)
        XCTAssertThrowsError(try trainer.train()) { error in
            guard case TrainingError.nonFiniteLoss = error else { return XCTFail("\(error)") }
            XCTAssertTrue(String(describing: error).contains("last good checkpoint is kept"))
        }
        XCTAssertTrue((10..<20).contains(trainer.step), "it stopped before the next checkpoint, at step \(trainer.step)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: run.trainingCheckpointPath)), saved)
    }
}

/// Reads TFRecord framing back, checking both CRCs of every record.
enum TensorBoardRecords {
    static func maskedCRC(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0x82F6_3B78 ^ (crc >> 1) : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }

    static func read(_ path: String) throws -> [[UInt8]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func word<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            bytes[offset..<(offset + MemoryLayout<T>.size)].reversed().reduce(0) { $0 << 8 | T($1) }
        }
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let length = Int(word(offset, UInt64.self))
            XCTAssertEqual(word(offset + 8, UInt32.self), maskedCRC(Array(bytes[offset..<(offset + 8)])), "length CRC")
            let data = Array(bytes[(offset + 12)..<(offset + 12 + length)])
            XCTAssertEqual(word(offset + 12 + length, UInt32.self), maskedCRC(data), "data CRC")
            records.append(data)
            offset += 16 + length
        }
        return records
    }
}
