import XCTest
import Datasets
import NN
import TensorCore
@testable import GAN

/// text2image: the matching-aware and contrastive losses, the networks' shapes and keys,
/// and exact resumption across the phase change from pretraining to GAN-CLS.
final class TextToImageTests: XCTestCase {
    var folders: [String] = []
    override func tearDown() { for folder in folders { try? FileManager.default.removeItem(atPath: folder) } }

    func temporaryPath(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-\(name)-\(UUID().uuidString)").path
        folders.append(path)
        return path
    }

    /// A caption folder of 8 gray 28x28 squares, bright or dim, large or small, two captions each.
    static func captionFolder(at path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for index in 0..<8 {
            let bright = index % 2 == 0, large = index % 4 < 2
            let half = large ? 10 : 5
            var pixels = [Float](repeating: -1, count: 784)
            for row in (14 - half)..<(14 + half) { for column in (14 - half)..<(14 + half) { pixels[row * 28 + column] = bright ? 0.9 : -0.2 } }
            try PNGImage(ImageBuffer(channels: 1, height: 28, width: 28, pixels: pixels)).write(to: "\(path)/square\(index).png")
            let words = "\(bright ? "bright" : "dim") \(large ? "large" : "small") square"
            try "a \(words)\nthis square is \(bright ? "bright" : "dim")\n".write(toFile: "\(path)/square\(index).txt", atomically: true, encoding: .utf8)
        }
    }

    func configuration(folder: String, steps: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "text2image", dataset: folder)
        configuration.batchSize = 4
        configuration.steps = steps
        configuration.options = ["pretrain-steps": "2", "generator-width": "16"]
        return configuration
    }

    func testMatchingAwareLossWeighsWrongTextAndFakeHalfEach() {
        let realRight = Tensor([2, 1]), realWrong = Tensor([-1, 0.5]), fakeRight = Tensor([0, -2])
        func softplus(_ x: Float) -> Float { log(1 + exp(x)) }
        // −log σ(s_rr) + ½ (−log(1 − σ(s_rw)) − log(1 − σ(s_fr))), each averaged over the batch.
        let expected = ([2, 1] as [Float]).map { softplus(-$0) }.reduce(0, +) / 2
            + 0.5 * (([-1, 0.5] as [Float]).map(softplus).reduce(0, +) / 2 + ([0, -2] as [Float]).map(softplus).reduce(0, +) / 2)
        let loss = MatchingAwareLoss.discriminator(.nonSaturating, realRight: realRight, realWrong: realWrong, fakeRight: fakeRight)
        XCTAssertEqual(loss.scalar, expected, accuracy: 1e-5)
        // A D that calls wrong text real is penalized: raising s_rw raises the loss.
        let worse = MatchingAwareLoss.discriminator(.nonSaturating, realRight: realRight, realWrong: realWrong + 3, fakeRight: fakeRight)
        XCTAssertGreaterThan(worse.scalar, loss.scalar)
        XCTAssertEqual(MatchingAwareLoss.generator(.nonSaturating, fake: Tensor([0, 0])).scalar, log(2), accuracy: 1e-6)
    }

    func testContrastiveLossIsLowForMatchingPairsAndSymmetric() {
        let eye = Tensor.eye(4)
        let matched = MatchingAwareLoss.contrastive(images: eye, texts: eye, temperature: 0.1).scalar
        let shuffled = MatchingAwareLoss.contrastive(images: eye, texts: eye.gather(indices: [1, 2, 3, 0], axis: 0), temperature: 0.1).scalar
        XCTAssertLessThan(matched, 0.01)
        XCTAssertGreaterThan(shuffled, 5)
        var rng = RandomGenerator(seed: 2)
        let a = unitLength(Tensor.randn([5, 3], generator: &rng)), b = unitLength(Tensor.randn([5, 3], generator: &rng))
        XCTAssertEqual(MatchingAwareLoss.contrastive(images: a, texts: b, temperature: 0.5).scalar,
                       MatchingAwareLoss.contrastive(images: b, texts: a, temperature: 0.5).scalar, accuracy: 1e-5)
    }

    func testNetworksShapesAndPyTorchKeys() throws {
        var rng = RandomGenerator(seed: 0)
        let encoder = TextEncoder(vocabularySize: 10, generator: &rng)
        XCTAssertEqual(Set(encoder.state().map(\.name)), ["embedding.weight", "gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0",
                                                          "gru.bias_hh_l0", "projection.weight", "projection.bias"])
        let text = encoder.encode([[2, 3, 4], [5]])
        XCTAssertEqual(text.shape, [2, 128])
        XCTAssertEqual(text.square().sum(axes: [1]).scalars[0], 1, accuracy: 1e-4)
        // Padding does not change a caption's embedding.
        for (alone, padded) in zip(encoder.encode([[5]]).scalars, encoder.encode([[2, 3, 4], [5]]).slice(axis: 0, 1..<2).scalars) {
            XCTAssertEqual(alone, padded, accuracy: 1e-5)
        }
        let G = TextConditionedGenerator(latentSize: 10, textSize: 128, width: 16, sampleShape: [1, 28, 28], generator: &rng)
        let D = MatchingDiscriminator(channels: 1, textSize: 128, seed: 0, generator: &rng)
        let images = G.generate(Tensor.randn([2, 10], generator: &rng), text: text)
        XCTAssertEqual(images.shape, [2, 1, 28, 28])
        XCTAssertEqual(D.score(images, text: text).shape, [2, 1])
        XCTAssertEqual(ImageEncoder(channels: 1, generator: &rng).encode(images).shape, [2, 128])
    }

    func testProjectionTermAddsTheInnerProductOfEmbeddedCaptionAndFeatures() throws {
        var rng = RandomGenerator(seed: 3), same = RandomGenerator(seed: 3)
        let projected = MatchingDiscriminator(channels: 1, textSize: 6, projectionTerm: true, seed: 0, generator: &rng)
        let plain = MatchingDiscriminator(channels: 1, textSize: 6, seed: 0, generator: &same)
        XCTAssertEqual(Set(projected.state().map(\.name)).subtracting(plain.state().map(\.name)), ["embed.weight"])
        XCTAssertEqual(projected.embed?.parameter("weight").shape, [128 * 7 * 7, 6])
        var data = RandomGenerator(seed: 4)
        let map = Tensor.randn([2, 128, 7, 7], generator: &data), text = Tensor.randn([2, 6], generator: &data)
        let difference = (projected.judge(map, text: text) - plain.judge(map, text: text)).scalars
        let (weight, features, caption) = (projected.embed!.parameter("weight").scalars, map.scalars, text.scalars)
        for row in 0..<2 {
            var expected: Float = 0
            for feature in 0..<(128 * 49) {
                var embedded: Float = 0
                for k in 0..<6 { embedded += weight[feature * 6 + k] * caption[row * 6 + k] }
                expected += embedded * features[row * 128 * 49 + feature]
            }
            XCTAssertEqual(difference[row], expected, accuracy: 1e-3 * max(1, abs(expected)))
        }
        XCTAssertNotEqual(difference[0], 0)
    }

    func testResumingWithProjectionTermAndMatchingLossIsExact() throws {
        let folder = temporaryPath("captions")
        try Self.captionFolder(at: folder)
        func configured(_ steps: Int) -> TrainingConfiguration {
            var configuration = configuration(folder: folder, steps: steps)
            configuration.options["projection-term"] = "true"
            configuration.options["matching-weight"] = "2"
            return configuration
        }
        let straight = try Trainer(configuration: configured(4), run: RunDirectory(temporaryPath("run")), resume: false)
        try straight.train()
        let run = RunDirectory(temporaryPath("run"))
        try Trainer(configuration: configured(3), run: run, resume: false).train()
        let resumed = try Trainer(configuration: configured(4), run: run, resume: true)
        try resumed.train()
        let (a, b) = (straight.model.networks, resumed.model.networks)
        for (left, right) in zip(a, b) {
            for ((name, value), (_, other)) in zip(left.module.state(), right.module.state()) {
                XCTAssertEqual(value.scalars, other.scalars, "\(left.name).\(name)")
            }
        }
        let log = try String(contentsOfFile: run.metricsPath, encoding: .utf8)
        XCTAssertTrue(log.contains("\"matchingLoss\""), log)
        XCTAssertThrowsError(try TextToImageGAN(configuration: {
            var bad = configured(1); bad.options["projection-term"] = "yes"; bad.sampleShape = [1, 28, 28]; return bad }())) { error in
            XCTAssertTrue("\(error)".contains("--projection-term"), "\(error)")
        }
    }

    func testResumingAcrossThePhaseChangeGivesTheSameWeights() throws {
        let folder = temporaryPath("captions")
        try Self.captionFolder(at: folder)
        func weights(_ model: any GANFamily) -> [String: [Float]] {
            var result: [String: [Float]] = [:]
            for (network, module) in model.networks { for (name, value) in module.state() { result["\(network).\(name)"] = value.scalars } }
            return result
        }
        let straight = try Trainer(configuration: configuration(folder: folder, steps: 5), run: RunDirectory(temporaryPath("run")), resume: false)
        try straight.train()
        let run = RunDirectory(temporaryPath("run"))
        try Trainer(configuration: configuration(folder: folder, steps: 1), run: run, resume: false).train()
        let resumed = try Trainer(configuration: configuration(folder: folder, steps: 5), run: run, resume: true)
        XCTAssertEqual(resumed.step, 1)
        try resumed.train()
        XCTAssertEqual(weights(resumed.model), weights(straight.model))
        // The vocabulary is saved beside the checkpoints and is the folder's words.
        let vocabulary = try Vocabulary(contentsOf: run.checkpointsPath + "/vocabulary.json")
        XCTAssertEqual(vocabulary.words, ["<pad>", "<unk>", "a", "bright", "dim", "is", "large", "small", "square", "this"])
        // The GAN phase trained G: its scalars are in the log.
        let log = try String(contentsOfFile: run.metricsPath, encoding: .utf8)
        XCTAssertTrue(log.contains("\"wrongScore\"") && log.contains("\"contrastiveLoss\""))
    }
}
