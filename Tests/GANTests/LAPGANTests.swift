import Foundation
import XCTest
import Datasets
import GAN
import NN
import TensorCore

/// LAPGAN on a tiny labelled folder of 16x16 images: a level's conditional shapes, the real
/// pyramid each level trains on, exact resumption, sampling from a run, and bad options.
final class LAPGANTests: XCTestCase {
    var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    func scratchPath(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-lapgan-\(name)-\(UUID().uuidString)").path
        folders.append(path)
        return path
    }

    /// 32 gray 16x16 PNGs in two class folders: bright squares and bright bars at random places.
    func makeImageFolder() throws -> String {
        let directory = scratchPath("data")
        var rng = RandomGenerator(seed: 3)
        for (classIndex, name) in ["bars", "squares"].enumerated() {
            try FileManager.default.createDirectory(atPath: "\(directory)/\(name)", withIntermediateDirectories: true)
            for index in 0..<16 {
                let offset = Int(Tensor.uniform([1], low: 0, high: 8, generator: &rng).scalar)
                var samples = [UInt16](repeating: 0, count: 256)
                for y in 0..<16 {
                    for x in 0..<16 where classIndex == 0 ? (x >= offset && x < offset + 3) : (x >= offset && x < offset + 6 && y >= offset && y < offset + 6) {
                        samples[y * 16 + x] = 255
                    }
                }
                try PNGImage(width: 16, height: 16, channels: 1, samples: samples).write(to: "\(directory)/\(name)/\(index).png")
            }
        }
        return directory
    }

    func configuration(data: String, levels: Int = 3, classConditional: Bool = false) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "lapgan", dataset: data)
        configuration.batchSize = 8
        configuration.epochs = 1
        configuration.latentSize = 12
        configuration.options["levels"] = String(levels)
        if classConditional { configuration.options["class-conditional"] = "true" }
        return configuration
    }

    func lapgan(_ trainer: Trainer) throws -> LaplacianGAN { try XCTUnwrap(trainer.model as? LaplacianGAN) }

    func testALevelsConditionalShapes() throws {
        var rng = RandomGenerator(seed: 0)
        let G = LaplacianLevelGenerator(channels: 3, size: 14, width: 8, classCount: 10, generator: &rng)
        let D = LaplacianLevelDiscriminator(channels: 3, size: 14, classCount: 10, seed: 1, generator: &rng)
        let lowPass = Tensor.randn([5, 3, 14, 14], generator: &rng)
        let labels = [0, 1, 2, 3, 9]
        let residual = G.generate(Tensor.randn([5, 196], generator: &rng), labels: labels, condition: lowPass)
        XCTAssertEqual(residual.shape, [5, 3, 14, 14])
        XCTAssertEqual(D.discriminate(residual, labels: labels, condition: lowPass).score.shape, [5, 1])
        XCTAssertEqual(G.net.children.first.map { ($0.module as! Conv2d).parameter("weight").shape }, [8, 5, 3, 3],
                       "input planes: 3 low-pass channels, the noise plane and the class plane")
        XCTAssertEqual(D.state().map(\.name).sorted(), ["label_embedding.weight", "net.0.bias", "net.0.weight", "net.3.bias",
                                                        "net.3.weight", "net.7.bias", "net.7.weight"])
        XCTAssertEqual(D.parameter(named: "net.7.weight").shape, [1, 128 * 4 * 4])
        let coarse = LaplacianCoarseGenerator(latentSize: 12, channels: 3, size: 7, classCount: nil, generator: &rng)
        XCTAssertEqual(coarse.generate(Tensor.randn([5, 12], generator: &rng), labels: nil).shape, [5, 3, 7, 7])
    }

    func testLevelsTrainOnTheRealPyramidAndNameTheirNetworks() throws {
        let trainer = try Trainer(configuration: configuration(data: try makeImageFolder()), run: RunDirectory(scratchPath("run")), resume: false)
        let model = try lapgan(trainer)
        XCTAssertEqual(model.sizes, [16, 8, 4])
        XCTAssertEqual(model.latentSizes, [256, 64, 12])
        XCTAssertEqual(model.latentSize, 332)
        XCTAssertEqual(model.networks.map(\.name), ["level0_generator", "level0_discriminator", "level1_generator",
                                                    "level1_discriminator", "level2_generator", "level2_discriminator"])
        var rng = RandomGenerator(seed: 1)
        let images = Tensor.uniform([4, 1, 16, 16], low: -1, high: 1, generator: &rng)
        let parts = model.pyramid(of: images)
        XCTAssertEqual(parts.map(\.sample.shape), [[4, 1, 16, 16], [4, 1, 8, 8], [4, 1, 4, 4]])
        XCTAssertNil(parts[2].condition)
        // The parts are the image's Laplacian pyramid, and the conditions its upsampled coarser images.
        let collapsed = Tensor.collapseLaplacianPyramid(parts.map(\.sample))
        XCTAssertLessThanOrEqual(zip(collapsed.scalars, images.scalars).map { abs($0 - $1) }.max()!, 1e-6)
        let lowPass = images - parts[0].sample
        XCTAssertLessThanOrEqual(zip(parts[0].condition!.scalars, lowPass.scalars).map { abs($0 - $1) }.max()!, 1e-6)
        try trainer.train()
        let last = try String(contentsOfFile: trainer.run.metricsPath, encoding: .utf8).split(separator: "\n").last!
        for key in ["lossD", "level0.lossD", "level2.fakeScore"] { XCTAssertTrue(last.contains("\"\(key)\""), String(last)) }
        for name in ["level0_generator", "level2_discriminator"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: trainer.run.networkCheckpointPath(name)), name)
        }
    }

    func testBenchmarkTimesEveryLevelAndTheSamplingChain() throws {
        let result = try TrainingBenchmark.run(configuration(data: try makeImageFolder()), steps: 2, warmup: 1)
        XCTAssertEqual(result.parts.map(\.name), ["level0 (16x16)", "level1 (8x8)", "level2 (4x4)", "sampling chain"])
        for part in result.parts { XCTAssertTrue(part.imagesPerSecond.isFinite && part.imagesPerSecond > 0, part.name) }
    }


    func testResumingGivesTheSameWeightsAsOneRun() throws {
        let data = try makeImageFolder()
        var whole = configuration(data: data, classConditional: true)
        whole.emaDecay = 0.9
        whole.steps = 8
        let oneRun = try Trainer(configuration: whole, run: RunDirectory(scratchPath("whole")), resume: false)
        try oneRun.train()
        var half = whole
        half.steps = 4
        let folder = RunDirectory(scratchPath("halves"))
        try Trainer(configuration: half, run: folder, resume: false).train()
        let resumed = try Trainer(configuration: whole, run: folder, resume: true)
        XCTAssertEqual(resumed.step, 4)
        try resumed.train()
        XCTAssertEqual(resumed.networkWeights, oneRun.networkWeights, "4 steps + resume to 8 must equal 8 steps")
        XCTAssertNotNil(resumed.model.network(named: "level1_generator_ema"))
    }

    func testSamplingFromARun() throws {
        let data = try makeImageFolder()
        var settings = configuration(data: data, levels: 2, classConditional: true)
        settings.steps = 3
        let run = RunDirectory(scratchPath("sampled"))
        let trainer = try Trainer(configuration: settings, run: run, resume: false)
        try trainer.train()
        let trained = try TrainedModel(run: run)
        let sampler = try trained.noiseSampler()
        XCTAssertEqual(sampler.latentSize, 256 + 12)
        XCTAssertEqual(sampler.classCount, 2)
        let labels = [0, 1, 1, 0, 1]
        let samples = try trained.samples(count: 5, seed: 4, labels: labels)
        XCTAssertEqual(samples.shape, [5, 1, 16, 16])
        XCTAssertTrue(samples.scalars.allSatisfy { (-1...1).contains($0) })
        // The same noise and labels give the same samples; the chain's finest image is the sample,
        // and each finer image is the upsampled coarser one plus the residual (before clamping).
        XCTAssertEqual(try trained.samples(count: 5, seed: 4, labels: labels).scalars, samples.scalars)
        var rng = RandomGenerator(seed: 4)
        let chain = try lapgan(trainer).chain(latent: Tensor.randn([5, 268], generator: &rng), labels: labels, useAverage: true)
        XCTAssertEqual(chain.map(\.image.shape), [[5, 1, 16, 16], [5, 1, 8, 8]])
        XCTAssertEqual(chain[0].residual?.shape, [5, 1, 16, 16])
        XCTAssertNil(chain[1].residual)
        XCTAssertThrowsError(try trained.samples(count: 5, seed: 4)) { XCTAssertTrue("\($0)".contains("--class"), "\($0)") }
        let picture = try lapgan(trainer).previewPicture()
        XCTAssertEqual(picture.width, 3 * 16 + 4 * 2, "coarsest image, residual, image")
        XCTAssertEqual(picture.height, 2 * 16 + 3 * 2, "one row per class")
    }

    func testBadOptionsNameTheirFlag() throws {
        let data = try makeImageFolder()
        for (options, fragment) in [(["levels": "9"], "--levels"), (["levels": "1"], "--levels"), (["levels": "two"], "--levels"),
                                    (["class-conditional": "maybe"], "--class-conditional")] {
            var settings = configuration(data: data)
            settings.options = options
            XCTAssertThrowsError(try Trainer(configuration: settings, run: RunDirectory(scratchPath("bad")), resume: false)) {
                XCTAssertTrue("\($0)".contains(fragment), "\($0)")
            }
        }
        var points = TrainingConfiguration(family: "lapgan", dataset: "ring8")
        points.options["class-conditional"] = "true"
        XCTAssertThrowsError(try Trainer(configuration: points, run: RunDirectory(scratchPath("ring")), resume: false)) {
            XCTAssertTrue("\($0)".contains("square images"), "\($0)")
        }
    }
}
