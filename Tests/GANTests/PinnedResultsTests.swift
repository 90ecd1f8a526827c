import Foundation
import XCTest
import Datasets
import GAN
import TensorCore

/// `vanilla` and `dcgan` on the generic trainer give the numbers they gave before it existed:
/// the first three steps' losses, D outputs and gradient norms as logged by commit 2a41f06
/// (`gankit train vanilla --dataset ring8 --steps 3 --latent-size 8` and
/// `gankit train dcgan --dataset fashion-mnist --steps 3`, seed 0).
final class PinnedResultsTests: XCTestCase {
    typealias Row = (lossD: Double, lossG: Double, realScore: Double, fakeScore: Double, gradientNormD: Double, gradientNormG: Double)

    func check(_ configuration: TrainingConfiguration, against expected: [Row]) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-pin-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var logged: [StepMetrics] = []
        try Trainer(configuration: configuration, run: RunDirectory(folder), resume: false).train(observer: { event in
            if case let .step(metrics) = event { logged.append(metrics) }
        })
        XCTAssertEqual(logged.count, expected.count)
        for (metrics, row) in zip(logged, expected) {
            let pairs: [(String, Double)] = [("lossD", row.lossD), ("lossG", row.lossG), ("realScore", row.realScore),
                                             ("fakeScore", row.fakeScore), ("gradientNormD", row.gradientNormD),
                                             ("gradientNormG", row.gradientNormG)]
            for (name, value) in pairs {
                let got = try XCTUnwrap(metrics[name], name)
                XCTAssertEqual(got, value, accuracy: 2e-5 * max(1, abs(value)), "step \(metrics.step) \(name)")
            }
        }
    }

    func testVanillaOnRing8() throws {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: "ring8")
        configuration.steps = 3
        configuration.latentSize = 8
        try check(configuration, against: [
            (1.3884721, 0.7348901, 0.47592184, 0.4758463, 0.081358895, 0.0039526876),
            (1.3878235, 0.7273076, 0.47963193, 0.47956342, 0.066624895, 0.004509927),
            (1.3871634, 0.72029036, 0.48334557, 0.48322096, 0.057280753, 0.005030665),
        ])
    }

    func testDCGANOnFashionMNIST() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/usr/share/datasets/fashion-mnist"),
                          "Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
        var configuration = TrainingConfiguration(family: "dcgan", dataset: "fashion-mnist")
        configuration.steps = 3
        try check(configuration, against: [
            (1.3807082, 0.7087872, 0.48768395, 0.48393494, 1.3336865, 0.22416072),
            (1.3650825, 0.69667935, 0.50804543, 0.49677616, 1.2188618, 0.26429215),
            (1.338932, 0.6981472, 0.52805096, 0.5028869, 1.2148268, 0.30649137),
        ])
    }
}

/// `dcgan` beyond 28x28 gray: the DCGAN paper's networks at 32x32 and 64x64, gray or RGB, and
/// the 28x28 networks with 3 channels.
final class DCGANShapesTests: XCTestCase {
    func testEverySupportedShapeMapsNoiseToImagesAndImagesToOneLogit() {
        for shape in [[1, 28, 28], [3, 28, 28], [1, 32, 32], [3, 32, 32], [1, 64, 64], [3, 64, 64]] {
            var rng = RandomGenerator(seed: 0)
            XCTAssertTrue(Architecture.dcgan.supports(sampleShape: shape))
            let G = Architecture.dcgan.makeGenerator(latentSize: 16, sampleShape: shape, generator: &rng)
            let D = Architecture.dcgan.makeDiscriminator(sampleShape: shape, seed: 0, generator: &rng)
            let images = G(Tensor.randn([2, 16], generator: &rng))
            XCTAssertEqual(images.shape, [2] + shape, "\(shape)")
            XCTAssertEqual(D(images).shape, [2, 1], "\(shape)")
        }
        XCTAssertFalse(Architecture.dcgan.supports(sampleShape: [1, 48, 48]))
        XCTAssertFalse(Architecture.dcgan.supports(sampleShape: [2]))
    }

    func testTrainsAt32ByResizingAnImageFolder() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-rgb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 2)
        for index in 0..<8 {
            let pixels = Tensor.uniform([3 * 20 * 20], low: -1, high: 1, generator: &rng).scalars
            try PNGImage(ImageBuffer(channels: 3, height: 20, width: 20, pixels: pixels)).write(to: "\(root)/images/\(index).png")
        }
        var configuration = TrainingConfiguration(family: "dcgan", dataset: root + "/images")
        configuration.imageSize = 32
        configuration.batchSize = 4
        configuration.steps = 2
        configuration.latentSize = 16
        let trainer = try Trainer(configuration: configuration, run: RunDirectory(root + "/run"), resume: false)
        XCTAssertEqual(trainer.configuration.sampleShape, [3, 32, 32])
        try trainer.train()
        let trained = try TrainedModel(run: RunDirectory(root + "/run"))
        XCTAssertEqual(try trained.samples(count: 3, seed: 0).shape, [3, 3, 32, 32])
        XCTAssertEqual(trained.model.network(named: "generator")?.state().first?.name, "1.weight", "index 0 is the Unflatten")
    }
}
