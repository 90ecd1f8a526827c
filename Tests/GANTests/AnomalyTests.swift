@testable import Datasets
import Foundation
import GAN
import Metrics
import NN
import TensorCore
import XCTest

/// The anomaly family on tiny 8x8 images: the GANomaly and f-AnoGAN losses against their
/// definitions, learning on a fixed batch, the phases of f-AnoGAN, the held-out split, and
/// exact resumption.
final class AnomalyTests: XCTestCase {
    var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    func temporaryPath(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-\(name)-\(UUID().uuidString)").path
        folders.append(path)
        return path
    }

    /// A flat folder of `count` 8x8 gray PNGs: soft blobs at random places (the "normal" data).
    func normalImageFolder(count: Int = 40) throws -> String {
        let folder = temporaryPath("normal")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 3)
        for index in 0..<count {
            let centre = Tensor.uniform([2], low: 2, high: 5, generator: &rng).scalars
            var pixels: [Float] = []
            for row in 0..<8 {
                for column in 0..<8 {
                    let d = (Float(row) - centre[0]) * (Float(row) - centre[0]) + (Float(column) - centre[1]) * (Float(column) - centre[1])
                    pixels.append(2 * Foundation.exp(-d / 4) - 1)
                }
            }
            try PNGImage(ImageBuffer(channels: 1, height: 8, width: 8, pixels: pixels)).write(to: String(format: "%@/%03d.png", folder, index))
        }
        return folder
    }

    func configuration(_ method: AnomalyMethod, folder: String, steps: Int = 6, options: [String: String] = [:]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "anomaly", dataset: folder)
        configuration.options = ["method": method.rawValue, "width": "4"].merging(options) { $1 }
        configuration.latentSize = 3
        configuration.batchSize = 4
        configuration.steps = steps
        configuration.sampleShape = [1, 8, 8]
        return configuration
    }

    func tinyBatch() -> Tensor {
        var rng = RandomGenerator(seed: 9)
        return Tensor.uniform([4, 1, 8, 8], low: -1, high: 1, generator: &rng)
    }

    func weights(_ model: any GANFamily) -> [String: [Float]] {
        var result: [String: [Float]] = [:]
        for (network, module) in model.networks {
            for (name, value) in module.state() { result["\(network).\(name)"] = value.scalars }
        }
        return result
    }

    func meanSquaredDifference(_ a: [Float], _ b: [Float]) -> Float {
        var total: Float = 0
        for (u, v) in zip(a, b) { total += (u - v) * (u - v) }
        return total / Float(a.count)
    }

    func meanAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
        var total: Float = 0
        for (u, v) in zip(a, b) { total += abs(u - v) }
        return total / Float(a.count)
    }

    func assertClose(_ a: Float, _ b: Float, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a, b, accuracy: 1e-5 * max(1, abs(b)), message, file: file, line: line)
    }

    // MARK: GANomaly

    func testGANomalyLossesAndScoreFollowTheirDefinitions() throws {
        let model = try XCTUnwrap(try AnomalyFamily.make(configuration(.ganomaly, folder: normalImageFolder())) as? GANomaly)
        let x = tinyBatch()
        let G = model.generator, D = model.discriminator
        // Train mode (batch statistics), as the step sees them.
        let z = G.encoder1(x), reconstruction = G.decoder(z), zHat = G.encoder2(reconstruction)
        let featureReal = D.features(x).reshape([4, -1]).scalars, featureFake = D.features(reconstruction).reshape([4, -1]).scalars
        let adversarial = meanSquaredDifference(featureReal, featureFake)
        let contextual = meanAbsoluteDifference(x.scalars, reconstruction.scalars)
        let encoder = meanSquaredDifference(z.scalars, zHat.scalars)
        let losses = model.generatorLosses(x)
        assertClose(losses.adversarial.scalar, adversarial, "feature-matching loss")
        assertClose(losses.contextual.scalar, contextual, "L1 reconstruction loss")
        assertClose(losses.encoder.scalar, encoder, "latent loss")
        // D's loss: binary cross-entropy, x real and x̂ fake, averaged over the two.
        let realLogits = D(x).scalars, fakeLogits = D(reconstruction).scalars
        func softplus(_ v: Float) -> Float { Foundation.log(1 + Foundation.exp(v)) }
        let realTerm: Float = realLogits.map { softplus(-$0) }.reduce(0, +) / 4
        let fakeTerm: Float = fakeLogits.map { softplus($0) }.reduce(0, +) / 4
        let expectedD = 0.5 * (realTerm + fakeTerm)
        assertClose(model.discriminatorLoss(real: x, fake: reconstruction).scalar, expectedD, "D loss")
        // The step reports G's weighted loss: 1 · adversarial + 50 · contextual + 1 · latent.
        var rng = RandomGenerator(seed: 0)
        let before = weights(model)
        let scalars = Dictionary(uniqueKeysWithValues: model.trainingStep(
            on: Batch(samples: x, labels: [0, 0, 0, 0], epoch: 0, index: 0),
            context: StepContext(step: 1, totalSteps: 1, stepsPerEpoch: 1), randomness: &rng).map { ($0.name, $0.value) })
        let reportedG = try XCTUnwrap(scalars["lossG"])
        assertClose(reportedG, try XCTUnwrap(scalars["adversarial"]) + 50 * contextual + encoder, "weighted G loss")
        XCTAssertNotEqual(before, weights(model), "the step updates the networks")
        // The score: mean squared distance of the two codes, per image, in evaluation mode.
        G.eval()
        let codes = (G.encoder1(x), G.encoder2(G(x)))
        G.train()
        let (first, second) = (codes.0.scalars, codes.1.scalars)
        var expectedScores = [Float](repeating: 0, count: 4)
        for i in 0..<4 {
            for j in 0..<3 { expectedScores[i] += (first[i * 3 + j] - second[i * 3 + j]) * (first[i * 3 + j] - second[i * 3 + j]) / 3 }
        }
        let scores = model.anomalyScores(x)
        for i in 0..<4 { assertClose(scores[i], expectedScores[i], "score \(i)") }
        XCTAssertTrue(G.isTraining, "scoring restores training mode")
    }

    func testGANomalyLearnsToReconstructAFixedBatch() throws {
        var settings = configuration(.ganomaly, folder: try normalImageFolder(), options: ["width": "8"])
        settings.learningRateG = 2e-3
        let model = try XCTUnwrap(try AnomalyFamily.make(settings) as? GANomaly)
        let x = try AnomalyData.open(settings).dataset.samples(at: Array(0..<8))
        let first = model.generatorLosses(x).contextual.scalar
        var rng = RandomGenerator(seed: 0)
        for step in 1...40 {
            _ = model.trainingStep(on: Batch(samples: x, labels: [Int](repeating: 0, count: 8), epoch: 0, index: 0),
                                   context: StepContext(step: step, totalSteps: 40, stepsPerEpoch: 1), randomness: &rng)
        }
        let last = model.generatorLosses(x).contextual.scalar
        XCTAssertLessThan(last, 0.5 * first, "L1 reconstruction loss \(first) -> \(last)")
    }

    // MARK: f-AnoGAN

    func testFAnoGANTrainsTheGANThenTheEncoderWithTheIziFLoss() throws {
        let model = try XCTUnwrap(try AnomalyFamily.make(configuration(.fAnoGAN, folder: normalImageFolder(),
                                                                       options: ["kappa": "0.5", "critic-steps": "2"])) as? FAnoGAN)
        let x = tinyBatch()
        let batch = Batch(samples: x, labels: [0, 0, 0, 0], epoch: 0, index: 0)
        var rng = RandomGenerator(seed: 0)
        func parameters(_ module: Module) -> [[Float]] { module.namedParameters().map(\.value.scalars) }
        // Steps 1-2 of 4 (encoder fraction 0.5): the WGAN-GP game; the encoder is untouched.
        let encoderBefore = parameters(model.encoder), generatorBefore = parameters(model.generator)
        for step in 1...2 {
            let scalars = model.trainingStep(on: batch, context: StepContext(step: step, totalSteps: 4, stepsPerEpoch: 4), randomness: &rng)
            XCTAssertEqual(scalars.first?.name, "lossD")
        }
        XCTAssertEqual(model.adversarialSteps, 2)
        XCTAssertEqual(parameters(model.encoder), encoderBefore)
        XCTAssertNotEqual(parameters(model.generator), generatorBefore)
        // Step 3: the izi_f loss of the encoder, with G and the critic fixed.
        model.generator.eval()
        let reconstruction = model.generator(model.encoder(x))
        let imageResidual = meanSquaredDifference(x.scalars, reconstruction.scalars)
        let real = model.critic.features(x).scalars, fake = model.critic.features(reconstruction).scalars
        let featureResidual = meanSquaredDifference(real, fake)
        let generatorFixed = parameters(model.generator), criticFixed = parameters(model.critic)
        let scalars = Dictionary(uniqueKeysWithValues: model.trainingStep(
            on: batch, context: StepContext(step: 3, totalSteps: 4, stepsPerEpoch: 4), randomness: &rng).map { ($0.name, $0.value) })
        assertClose(try XCTUnwrap(scalars["imageResidual"]), imageResidual, "image residual")
        assertClose(try XCTUnwrap(scalars["featureResidual"]), featureResidual, "feature residual")
        assertClose(try XCTUnwrap(scalars["lossE"]), imageResidual + 0.5 * featureResidual, "izi_f loss with kappa 0.5")
        XCTAssertEqual(parameters(model.generator), generatorFixed)
        XCTAssertEqual(parameters(model.critic), criticFixed)
        XCTAssertNotEqual(parameters(model.encoder), encoderBefore)
        // The score per image: image residual + kappa · feature residual, in evaluation mode.
        let r = model.residuals(x)
        model.encoder.eval()
        let scores = model.anomalyScores(x)
        let expected = model.residuals(x)
        for i in 0..<4 { assertClose(scores[i], expected.image.scalars[i] + 0.5 * expected.features.scalars[i], "score \(i)") }
        XCTAssertEqual(r.image.shape, [4])
    }

    // MARK: Data, options, resumption

    func testTheNormalClassAndTheHeldOutTenth() throws {
        let folder = try normalImageFolder(count: 40)
        let configuration = configuration(.ganomaly, folder: folder)
        XCTAssertEqual(try AnomalyData.open(configuration).dataset.count, 36)
        XCTAssertEqual(try AnomalyData.heldOutNormal(configuration).shape, [4, 1, 8, 8])
        var labelled = configuration
        labelled.options["normal-class"] = "1"
        XCTAssertThrowsError(try AnomalyData.open(labelled)) { XCTAssertTrue("\($0)".contains("--normal-class needs a labelled dataset")) }
        XCTAssertThrowsError(try AnomalyData.labelledTestSet(configuration)) { XCTAssertTrue("\($0)".contains("gankit detect")) }
        var bad = configuration
        bad.options["method"] = "anogan2"
        XCTAssertThrowsError(try AnomalyOptions(bad)) { XCTAssertTrue("\($0)".contains("--method")) }
        bad = configuration
        bad.options["kappa"] = "-1"
        XCTAssertThrowsError(try AnomalyOptions(bad)) { XCTAssertTrue("\($0)".contains("--kappa")) }
        bad = configuration
        bad.sampleShape = [1, 9, 9]
        XCTAssertThrowsError(try AnomalyFamily.make(bad)) { XCTAssertTrue("\($0)".contains("32x32")) }
        bad = configuration
        bad.imageSize = 16
        XCTAssertThrowsError(try AnomalyOptions(bad)) { XCTAssertTrue("\($0)".contains("--image-size")) }
    }

    func testResumingGivesTheSameWeightsAsOneRun() throws {
        let folder = try normalImageFolder()
        // GANomaly: 3 steps, then resumed to 6, against 6 in one go (the epoch has 9 steps).
        let straight = try Trainer(configuration: configuration(.ganomaly, folder: folder, steps: 6), run: RunDirectory(temporaryPath("run")), resume: false)
        try straight.train()
        let run = RunDirectory(temporaryPath("run"))
        try Trainer(configuration: configuration(.ganomaly, folder: folder, steps: 3), run: run, resume: false).train()
        let resumed = try Trainer(configuration: configuration(.ganomaly, folder: folder, steps: 6), run: run, resume: true)
        XCTAssertEqual(resumed.step, 3)
        try resumed.train()
        XCTAssertEqual(weights(resumed.model), weights(straight.model))

        // f-AnoGAN across its phase change (GAN steps 1-3, encoder 4-6): stopped at step 2
        // and at step 4, resumed each time, against one run.
        let fConfiguration = configuration(.fAnoGAN, folder: folder, steps: 6, options: ["critic-steps": "2"])
        let fStraight = try Trainer(configuration: fConfiguration, run: RunDirectory(temporaryPath("run")), resume: false)
        try fStraight.train()
        let fRun = RunDirectory(temporaryPath("run"))
        let first = try Trainer(configuration: fConfiguration, run: fRun, resume: false)
        XCTAssertEqual(try first.train(shouldStop: { first.step == 2 }), .interrupted(step: 2))
        let second = try Trainer(configuration: fConfiguration, run: fRun, resume: true)
        XCTAssertEqual(try second.train(shouldStop: { second.step == 4 }), .interrupted(step: 4))
        let third = try Trainer(configuration: fConfiguration, run: fRun, resume: true)
        XCTAssertEqual((third.model as? FAnoGAN)?.adversarialSteps, 3, "the phase boundary comes back with the checkpoint")
        try third.train()
        XCTAssertEqual(weights(third.model), weights(fStraight.model))
    }
}
