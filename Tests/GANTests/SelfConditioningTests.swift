@testable import Datasets
import Foundation
import NN
import TensorCore
import XCTest
@testable import GAN

/// The self-conditioned GAN (`--self-condition K`): the online clustering of the real data,
/// G's draw of a cluster from its noise, the conditional networks, the flag's validation, and
/// bit-exact resume.
final class SelfConditioningTests: XCTestCase {
    var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    /// `perBlob` points around each of `centers`, offsets uniform in ±0.1, interleaved.
    func blobs(_ centers: [SIMD2<Float>], perBlob: Int, generator rng: inout RandomGenerator) -> Tensor {
        var values: [Float] = []
        for _ in 0..<perBlob {
            for center in centers {
                values += [center.x + (rng.nextUniform() - 0.5) * 0.2, center.y + (rng.nextUniform() - 0.5) * 0.2]
            }
        }
        return Tensor(values, shape: [perBlob * centers.count, 2])
    }

    func testClustersStartOnTheBlobsAndMoveEachCentroidByOneOverItsCount() {
        let centers: [SIMD2<Float>] = [[-3, -3], [-3, 3], [3, -3], [3, 3]]
        var rng = RandomGenerator(seed: 1)
        let clusters = DataClusters(clusterCount: 4, featureCount: 2)
        XCTAssertFalse(clusters.isStarted)
        XCTAssertEqual(clusters.weights, [0.25, 0.25, 0.25, 0.25])
        let first = blobs(centers, perBlob: 8, generator: &rng)
        let labels = clusters.learn(from: first, generator: &rng)
        XCTAssertTrue(clusters.isStarted)
        // k-means++ and Lloyd put one centroid on each blob: every blob's points share a
        // label, and different blobs have different labels.
        let blobLabels = (0..<4).map { blob in Set(stride(from: blob, to: 32, by: 4).map { labels[$0] }) }
        XCTAssertTrue(blobLabels.allSatisfy { $0.count == 1 }, "\(blobLabels)")
        XCTAssertEqual(Set(blobLabels.map { $0.first! }).count, 4)
        let centroids = clusters.buffer("centroids").scalars
        for center in centers {
            let distance = (0..<4).map { k in hypot(centroids[2 * k] - center.x, centroids[2 * k + 1] - center.y) }.min()!
            XCTAssertLessThan(distance, 0.1, "a centroid near \(center)")
        }
        // Counts start at 1 + the batch's share: 9 each, so equal weights.
        XCTAssertEqual(clusters.buffer("counts").scalars, [9, 9, 9, 9])
        // One more point moves only its nearest centroid, by 1/10 of the way (count 10 now).
        let k = labels[0]
        let before = Array(centroids[(2 * k)..<(2 * k + 2)])
        let point = Tensor([-2.5, -2.5], shape: [1, 2])
        XCTAssertEqual(clusters.learn(from: point, generator: &rng), [k])
        let after = clusters.buffer("centroids").scalars
        XCTAssertEqual(after[2 * k], before[0] + (-2.5 - before[0]) / 10, accuracy: 1e-6)
        XCTAssertEqual(after[2 * k + 1], before[1] + (-2.5 - before[1]) / 10, accuracy: 1e-6)
        XCTAssertEqual(after.enumerated().filter { $0.offset / 2 != k }.map(\.element),
                       centroids.enumerated().filter { $0.offset / 2 != k }.map(\.element))
        XCTAssertEqual(clusters.weights[k], 10 / 37, accuracy: 1e-6)
        XCTAssertEqual(clusters.assign(point), [k])
    }

    /// Rank `rank` of a group of two whose other process holds `otherRows`: an all-reduce adds
    /// the other process's contribution, its rows at its offset in the global batch.
    final class TwoProcessGroup: Communicator, @unchecked Sendable {
        let rank: Int, size = 2
        let otherRows: [Float]
        init(rank: Int, otherRows: [Float]) { (self.rank, self.otherRows) = (rank, otherRows) }
        func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) {
            let offset = rank == 0 ? count / 2 : 0
            for index in 0..<otherRows.count { values[offset + index] += otherRows[index] }
        }
    }

    func testUnderDataParallelTrainingEveryProcessLearnsFromTheGlobalBatch() {
        let centers: [SIMD2<Float>] = [[-3, -3], [-3, 3], [3, -3], [3, 3]]
        var draws = RandomGenerator(seed: 11)
        let first = blobs(centers, perBlob: 4, generator: &draws), second = blobs(centers, perBlob: 4, generator: &draws)
        let global = Tensor.concat([first, second], axis: 0)
        let alone = DataClusters(clusterCount: 4, featureCount: 2)
        var rngAlone = RandomGenerator(seed: 12)
        let globalLabels = alone.learn(from: global, generator: &rngAlone) + alone.learn(from: global, generator: &rngAlone)
        for rank in 0..<2 {
            let clusters = DataClusters(clusterCount: 4, featureCount: 2)
            clusters.synchronization = TwoProcessGroup(rank: rank, otherRows: (rank == 0 ? second : first).scalars)
            var rng = RandomGenerator(seed: 12)
            let mine = rank == 0 ? first : second
            let labels = clusters.learn(from: mine, generator: &rng) + clusters.learn(from: mine, generator: &rng)
            let expected = Array(globalLabels[(16 * rank)..<(16 * rank + 16)]) + Array(globalLabels[(32 + 16 * rank)..<(32 + 16 * rank + 16)])
            XCTAssertEqual(labels, expected, "rank \(rank) labels its rows as one process labels the global batch")
            XCTAssertEqual(clusters.buffer("centroids").scalars, alone.buffer("centroids").scalars, "rank \(rank)")
            XCTAssertEqual(clusters.buffer("counts").scalars, alone.buffer("counts").scalars, "rank \(rank)")
        }
    }

    func testGeneratorDrawsTheClusterFromTheNoiseByTheClustersWeights() {
        var rng = RandomGenerator(seed: 2)
        let main = OneHotConditionedMLP(Sequential { Linear(3 + 2, 2, generator: &rng) }, classCount: 3)
        let G = SelfConditionedGenerator(main: main, clusterCount: 3)
        G.setBuffer("cluster_weights", Tensor([0.5, 0.25, 0.25]))
        // Φ(-1) = 0.16 → cluster 0; Φ(0.1) = 0.54 → 1; Φ(1.5) = 0.93 → 2.
        let noise = Tensor([-1, 0, 0, 0.1, 0, 0, 1.5, 0, 0], shape: [3, 3])
        XCTAssertEqual(G.clusters(forNoise: noise), [0, 1, 2])
        // Over many draws the clusters follow the weights.
        let many = Tensor.randn([20_000, 3], generator: &rng)
        let drawn = G.clusters(forNoise: many)
        for (k, weight) in [0.5, 0.25, 0.25].enumerated() {
            XCTAssertEqual(Double(drawn.filter { $0 == k }.count) / 20_000, weight, accuracy: 0.015)
        }
        // With labels given, the first coordinate is not read: only the code and the rest.
        let other = Tensor([2, 0.3, -0.4, -2, 0.3, -0.4], shape: [2, 3])
        let outputs = G.generate(other, labels: [1, 1]).scalars
        XCTAssertEqual(Array(outputs[0..<2]), Array(outputs[2..<4]))
        XCTAssertNotEqual(G.generate(other, labels: nil).scalars, outputs, "without labels the two rows draw clusters 2 and 0")
    }

    func testOneHotConditionedMLPsGradientInItsSamples() {
        // D's score of two packed 2-D points, each with its code, against central differences.
        var rng = RandomGenerator(seed: 6)
        let D = OneHotConditionedMLP(Sequential { Flatten(); Linear(2 * (2 + 3), 5, generator: &rng); LeakyReLU(0.2); Linear(5, 1, generator: &rng) },
                                     classCount: 3)
        let points = GradientCheck.random([2, 4], seed: 8)
        assertGradient({ D.discriminate($0, labels: [2, 0, 1, 1]).score }, at: points, "packed points with codes")
        let G = OneHotConditionedMLP(Sequential { Linear(3 + 2, 4, generator: &rng); Tanh(); Linear(4, 2, generator: &rng) }, classCount: 3)
        assertGradient({ G.generate($0, labels: [1, 2, 0]) }, at: GradientCheck.random([3, 2], seed: 9), "noise with codes")
    }

    func configuration(options: [String: String]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: "grid25")
        configuration.sampleShape = [2]
        configuration.latentSize = 4
        configuration.batchSize = 16
        configuration.options = options
        return configuration
    }

    func testSelfConditionedVanillaNamesItsPiecesAndLearnsClustersAsItTrains() throws {
        let model = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: ["self-condition": "5", "pack": "2"])) as? AdversarialGAN)
        let G = try XCTUnwrap(model.generator as? SelfConditionedGenerator)
        let D = try XCTUnwrap(model.discriminator as? SelfConditionedDiscriminator)
        let shapesG = Dictionary(uniqueKeysWithValues: G.state().map { ($0.name, $0.value.shape) })
        let shapesD = Dictionary(uniqueKeysWithValues: D.state().map { ($0.name, $0.value.shape) })
        XCTAssertEqual(shapesG["main.0.weight"], [128, 3 + 5], "G: the noise's 3 other coordinates and the 5-way code")
        XCTAssertEqual(shapesG["cluster_weights"], [5])
        XCTAssertEqual(shapesD["main.1.weight"], [256, 2 * (2 + 5)], "D: two packed points, each with its code")
        XCTAssertEqual(shapesD["clusters.centroids"], [5, 2])
        XCTAssertEqual(shapesD["clusters.counts"], [5])
        var rng = RandomGenerator(seed: 3)
        let mixture = try XCTUnwrap(GaussianMixture.named("grid25"))
        for step in 1...3 {
            let batch = Batch(samples: mixture.sample(count: 16, generator: &rng).points, labels: [], epoch: 0, index: step - 1)
            let scalars = model.trainingStep(on: batch, context: StepContext(step: step, totalSteps: 3, stepsPerEpoch: 3), randomness: &rng)
            XCTAssertTrue(scalars.allSatisfy { $0.value.isFinite }, "\(scalars)")
        }
        XCTAssertEqual(D.clusters.buffer("counts").scalars.reduce(0, +), 5 + 16 * 3, "1 per cluster, then every real sample")
        XCTAssertEqual(G.buffer("cluster_weights").scalars, D.clusters.weights, "G draws by the weights D's clusters learned")
        XCTAssertEqual(model.samples(latent: Tensor.randn([7, 4], generator: &rng), labels: nil, useAverage: false).shape, [7, 2])
    }

    func testBadSelfConditionSettingsAreOneLineErrorsNamingTheFlag() {
        for (options, latent, batch, expected) in [(["self-condition": "1"], 4, 16, "--self-condition must be 0 (off) or a number of clusters"),
                                                   (["self-condition": "many"], 4, 16, "not many"),
                                                   (["self-condition": "32"], 4, 16, "needs --batch 32 or more"),
                                                   (["self-condition": "4"], 1, 16, "needs --latent-size 2 or more")] {
            var settings = configuration(options: options)
            settings.latentSize = latent
            settings.batchSize = batch
            XCTAssertThrowsError(try UnconditionalFamilies.vanilla.make(settings)) {
                XCTAssertTrue("\($0)".contains(expected), "\($0)")
            }
        }
        var images = TrainingConfiguration(family: "dcgan", dataset: "fashion-mnist")
        images.sampleShape = [1, 32, 32]
        images.options = ["self-condition": "4"]
        XCTAssertThrowsError(try UnconditionalFamilies.dcgan.make(images)) { XCTAssertTrue("\($0)".contains("takes 28x28 images"), "\($0)") }
        images.sampleShape = [1, 28, 28]
        images.options["pack"] = "2"
        XCTAssertThrowsError(try UnconditionalFamilies.dcgan.make(images)) { XCTAssertTrue("\($0)".contains("--pack"), "\($0)") }
    }

    func testSelfConditionedDCGANUsesCGANsProjectionNetworksOnClusters() throws {
        var settings = TrainingConfiguration(family: "dcgan", dataset: "stacked-fashion-mnist")
        settings.sampleShape = [3, 28, 28]
        settings.latentSize = 6
        settings.batchSize = 8
        settings.options = ["self-condition": "4"]
        let model = try XCTUnwrap(UnconditionalFamilies.dcgan.make(settings) as? AdversarialGAN)
        let G = try XCTUnwrap(model.generator as? SelfConditionedGenerator)
        let D = try XCTUnwrap(model.discriminator as? SelfConditionedDiscriminator)
        let shapesG = Dictionary(uniqueKeysWithValues: G.state().map { ($0.name, $0.value.shape) })
        let shapesD = Dictionary(uniqueKeysWithValues: D.state().map { ($0.name, $0.value.shape) })
        XCTAssertEqual(shapesG["main.linear.weight"], [7 * 7 * 256, 5], "the noise's other 5 coordinates")
        XCTAssertEqual(shapesG["main.bn0.embed.weight"]?.first, 4, "class-conditional BatchNorm over the 4 clusters")
        XCTAssertEqual(shapesD["main.embedding.weight"]?.first, 4, "projection D over the 4 clusters")
        XCTAssertEqual(shapesD["clusters.centroids"], [4, 3 * 28 * 28])
        var rng = RandomGenerator(seed: 5)
        let batch = Batch(samples: Tensor.uniform([8, 3, 28, 28], low: -1, high: 1, generator: &rng), labels: [], epoch: 0, index: 0)
        let scalars = model.trainingStep(on: batch, context: StepContext(step: 1, totalSteps: 1, stepsPerEpoch: 1), randomness: &rng)
        XCTAssertTrue(scalars.allSatisfy { $0.value.isFinite }, "\(scalars)")
        XCTAssertEqual(D.clusters.buffer("counts").scalars.reduce(0, +), 4 + 8)
        XCTAssertEqual(model.samples(latent: Tensor.randn([3, 6], generator: &rng), labels: nil, useAverage: false).shape, [3, 3, 28, 28])
    }

    func testResumeIsBitExactWithSelfConditioningOnImages() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-self-condition-\(UUID().uuidString)").path
        folders.append(root)
        try FileManager.default.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 10)
        for index in 0..<16 {
            let pixels = Tensor.uniform([64], low: -1, high: 1, generator: &rng).scalars
            try PNGImage(ImageBuffer(channels: 1, height: 8, width: 8, pixels: pixels)).write(to: "\(root)/images/\(index).png")
        }
        func settings() -> TrainingConfiguration {
            var configuration = TrainingConfiguration(family: "vanilla", dataset: root + "/images")
            configuration.batchSize = 4
            configuration.epochs = 2
            configuration.latentSize = 8
            configuration.gridSize = 4
            configuration.emaDecay = 0.9
            configuration.options = ["self-condition": "3", "pack": "2"]
            return configuration
        }
        let straight = try Trainer(configuration: settings(), run: RunDirectory(root + "/straight"), resume: false)
        try straight.train()
        var calls = 0
        _ = try Trainer(configuration: settings(), run: RunDirectory(root + "/resumed"), resume: false).train(shouldStop: { calls += 1; return calls > 3 })
        let resumed = try Trainer(configuration: settings(), run: RunDirectory(root + "/resumed"), resume: true)
        try resumed.train()
        let expected = straight.networkWeights, got = resumed.networkWeights
        XCTAssertTrue(expected.keys.contains("discriminator.clusters.centroids") && expected.keys.contains("generator_ema.cluster_weights"))
        XCTAssertEqual(Set(got.keys), Set(expected.keys))
        XCTAssertEqual(expected.keys.filter { got[$0] != expected[$0] }.sorted(), [], "interrupt + resume must equal one run exactly")
        XCTAssertEqual(expected["generator_ema.cluster_weights"], expected["generator.cluster_weights"])
    }
}
