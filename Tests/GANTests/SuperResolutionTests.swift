import Datasets
import Foundation
import GAN
import NN
import TensorCore
import XCTest

/// SRResNet/SRGAN: shapes, PReLU's gradient, exact tiling, training on tiny photos, exact
/// resume, SRGAN from an SRResNet run, the evaluation protocol and one-line errors.
final class SuperResolutionTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-sr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch + "/photos/nested", withIntermediateDirectories: true)
        // Small photos of smooth gradients and stripes, PNG and JPEG, one of them nested.
        for index in 0..<3 {
            let height = 40 + 8 * index, width = 52 - 4 * index
            var samples = [UInt8](repeating: 0, count: height * width * 3)
            for row in 0..<height {
                for column in 0..<width {
                    let base = (row * width + column) * 3
                    samples[base] = UInt8((row * 5 + column * 3 + index * 40) % 256)
                    samples[base + 1] = UInt8(((column / 3) % 2) * 180 + 30)
                    samples[base + 2] = UInt8((row * column + index * 17) % 256)
                }
            }
            if index == 2 {
                try JPEGImage(width: width, height: height, channels: 3, samples: samples).write(to: scratch + "/photos/nested/c.jpg")
            } else {
                try PNGImage(width: width, height: height, channels: 3, samples: samples.map(UInt16.init))
                    .write(to: scratch + "/photos/p\(index).png")
            }
        }
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    func configuration(_ family: String = "srresnet", steps: Int = 4, extra: [String: String] = [:]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: family, dataset: SuperResolutionData.photosDatasetName)
        configuration.dataDirectory = scratch + "/photos"
        configuration.batchSize = 2
        configuration.steps = steps
        configuration.beta1 = 0.9
        configuration.options = ["patch-size": "32", "blocks": "2", "channels": "8", "patches-per-photo": "2", "d-channels": "4"]
            .merging(extra) { $1 }
        return configuration
    }

    func testGeneratorShapesAndKeysForEveryScale() {
        for (scale, blocks) in [(2, 1), (3, 2), (4, 3)] {
            var rng = RandomGenerator(seed: 1)
            let G = SRResNetGenerator(scale: scale, blocks: blocks, channels: 6, generator: &rng)
            let output = G(Tensor.randn([2, 3, 7, 5], generator: &rng))
            XCTAssertEqual(output.shape, [2, 3, 7 * scale, 5 * scale])
            let keys = G.state().map(\.name)
            XCTAssertTrue(keys.contains("head.1.weight") && keys.contains("blocks.0.activation.weight")
                          && keys.contains("trunk.1.running_mean") && keys.contains("tail.weight"), "\(keys)")
            XCTAssertEqual(keys.filter { $0.hasPrefix("upsample.") && $0.hasSuffix(".weight") }.count, scale == 4 ? 4 : 2)
        }
        var rng = RandomGenerator(seed: 2)
        let D = SRGANDiscriminator(patchSize: 32, channels: 4, generator: &rng)
        let (logits, features) = D.discriminate(Tensor.randn([3, 3, 32, 32], generator: &rng))
        XCTAssertEqual(logits.shape, [3, 1])
        XCTAssertEqual(features.shape, [3, 16, 8, 8])
        XCTAssertEqual(D.parameter(named: "classifier.1.weight").shape, [1024, 4 * 8 * 2 * 2])
    }

    func testPReLUMatchesItsDefinitionAndFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let x = Tensor.randn([2, 3, 4, 4], generator: &rng)
        for slopes in [1, 3] {
            let layer = PReLU(slopes: slopes)
            layer.update(["weight": Tensor((0..<slopes).map { 0.1 + 0.2 * Float($0) }, shape: [slopes])])
            let y = layer(x)
            for index in [0, 17, 40, 95] {
                let channel = (index / 16) % 3, a: Float = slopes == 1 ? 0.1 : 0.1 + 0.2 * Float(channel)
                let v = x.scalars[index]
                XCTAssertEqual(y.scalars[index], v > 0 ? v : a * v, accuracy: 1e-6)
            }
            let weights = Tensor.randn(x.shape, generator: &rng)
            let (_, gradients) = valueAndGrad(model: layer) { L in (L(x) * weights).sum() }
            let (_, inputGradient) = valueAndGrad { (input: Tensor) in (layer(input) * weights).sum() }(x)
            // Finite differences in Float64 arithmetic of the same function.
            func loss(_ input: [Float], _ slope: [Float]) -> Double {
                var total = 0.0
                for i in 0..<input.count {
                    let a = Double(slope[slopes == 1 ? 0 : (i / 16) % 3]), v = Double(input[i])
                    total += (v > 0 ? v : a * v) * Double(weights.scalars[i])
                }
                return total
            }
            let slope = layer.parameter("weight").scalars, h: Float = 1e-2
            for k in 0..<slopes {
                var plus = slope, minus = slope
                plus[k] += h
                minus[k] -= h
                let numeric = (loss(x.scalars, plus) - loss(x.scalars, minus)) / Double(2 * h)
                XCTAssertEqual(Double(gradients["weight"]!.scalars[k]), numeric, accuracy: 1e-3)
            }
            for i in [1, 30, 77] where abs(x.scalars[i]) > 2 * h {
                var plus = x.scalars, minus = x.scalars
                plus[i] += h
                minus[i] -= h
                let numeric = (loss(plus, slope) - loss(minus, slope)) / Double(2 * h)
                XCTAssertEqual(Double(inputGradient.scalars[i]), numeric, accuracy: 1e-3)
            }
        }
    }

    func testTiledUpscalingEqualsOnePieceOnOddSizes() {
        var rng = RandomGenerator(seed: 4)
        let G = SRResNetGenerator(scale: 4, blocks: 2, channels: 6, generator: &rng)
        G.eval()
        let image = ImageBuffer(Tensor.randn([3, 23, 17], generator: &rng).clamped(min: -1, max: 1))
        let whole = G(image.tensor().reshape([1, 3, 23, 17])).clamped(min: -1, max: 1)
        let tiled = SuperResolution.upscale(image, with: G, tileSize: 8)
        XCTAssertEqual(tiled.shape, [3, 92, 68])
        let difference = zip(tiled.pixels, whole.scalars).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(difference, 1e-4, "tiles with receptive-field margins must match one pass")
        let (height, width, samples) = SuperResolution.upscaleTo8Bit(image, with: G, tileSize: 5)
        XCTAssertEqual([height, width, samples.count], [92, 68, 92 * 68 * 3])
        let expected = UInt8(max(0, min(255, ((whole.scalars[92 * 68 + 68 * 10 + 7] + 1) * 127.5).rounded())))
        XCTAssertEqual(Int(samples[(10 * 68 + 7) * 3 + 1]), Int(expected), accuracy: 1)
        // Gray images are upscaled as RGB.
        let gray = ImageBuffer(channels: 1, height: 9, width: 11, filledWith: 0.25)
        XCTAssertEqual(SuperResolution.upscale(gray, with: G).shape, [3, 36, 44])
    }

    func testSRResNetLearnsOnTinyPhotosAndResumesExactly() throws {
        let run = RunDirectory(scratch + "/straight")
        let straight = try Trainer(configuration: configuration(steps: 6), run: run, resume: false)
        var losses: [Float] = []
        try straight.train(observer: { event in
            if case let .step(metrics) = event { losses.append(Float(metrics.values[0].value)) }
        })
        XCTAssertEqual(straight.configuration.sampleShape, [3, 32, 32])
        XCTAssertEqual(losses.count, 6)
        XCTAssertTrue(losses.allSatisfy(\.isFinite))
        XCTAssertLessThan(losses.suffix(2).reduce(0, +), losses.prefix(2).reduce(0, +), "pixel loss falls: \(losses)")
        // 3 steps per epoch: the resumed half crosses into epoch 1, whose patches are new.
        let split = RunDirectory(scratch + "/split")
        try Trainer(configuration: configuration(steps: 2), run: split, resume: false).train()
        let resumed = try Trainer(configuration: configuration(steps: 6), run: split, resume: true)
        try resumed.train()
        let a = resumed.model.networks[0].module.state(), b = straight.model.networks[0].module.state()
        XCTAssertEqual(a.map(\.name), b.map(\.name))
        for (x, y) in zip(a, b) { XCTAssertEqual(x.value.scalars, y.value.scalars, "\(x.name) resumes bit-exactly") }
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.samplesPath + "/epoch-001.png"))
        // The run loads for inference without its photos.
        let trained = try TrainedModel(run: run)
        let G = try SuperResolutionFiles.generator(of: trained)
        XCTAssertEqual(SuperResolution.upscale(ImageBuffer(channels: 3, height: 5, width: 7), with: G).shape, [3, 20, 28])
    }

    func testSRGANStartsFromSRResNetAndTrainsBothNetworks() throws {
        let base = RunDirectory(scratch + "/base")
        try Trainer(configuration: configuration(steps: 2), run: base, resume: false).train()
        let gan = try Trainer(configuration: configuration("srgan", steps: 1, extra: ["init": base.path]), run: RunDirectory(scratch + "/gan"),
                              resume: false)
        let family = try XCTUnwrap(gan.model as? SuperResolutionFamily)
        let initial = try TrainedModel(run: base).model.networks[0].module.state()
        XCTAssertEqual(family.generator.state().map(\.value.scalars), initial.map(\.value.scalars), "G starts from the SRResNet run")
        var scalars: [String: Double] = [:]
        try gan.train(observer: { event in
            if case let .step(metrics) = event { scalars = Dictionary(uniqueKeysWithValues: metrics.values.map { ($0.name, $0.value) }) }
        })
        for name in ["lossG", "lossD", "pixel", "feature", "adversarial", "realScore", "fakeScore"] {
            XCTAssertTrue(scalars[name]?.isFinite ?? false, "\(name) in \(scalars)")
        }
        XCTAssertNotEqual(family.generator.state().map(\.value.scalars), initial.map(\.value.scalars))
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/gan/checkpoints/discriminator.safetensors"))
        // Without --init, or with a generator of another shape: one-line errors naming the flag.
        XCTAssertThrowsError(try Trainer(configuration: configuration("srgan"), run: RunDirectory(scratch + "/g2"), resume: false)) {
            XCTAssertTrue("\($0)".contains("--init"), "\($0)")
        }
        XCTAssertThrowsError(try Trainer(configuration: configuration("srgan", extra: ["init": base.path, "channels": "4"]),
                                         run: RunDirectory(scratch + "/g3"), resume: false)) {
            XCTAssertTrue("\($0)".contains("--channels"), "\($0)")
        }
    }

    func testBadSettingsNameTheirFlag() {
        for (name, value) in [("scale", "5"), ("patch-size", "40"), ("patch-size", "48"), ("blocks", "x"), ("pixel-loss", "l3")] {
            var bad = configuration()
            bad.options[name] = value
            if name == "patch-size" && value == "48" { bad.options["scale"] = "3"; bad.options[name] = "64" }
            XCTAssertThrowsError(try Trainer(configuration: bad, run: RunDirectory(scratch + "/bad"), resume: false)) {
                XCTAssertTrue("\($0)".contains("--"), "\($0)")
                XCTAssertFalse("\($0)".contains("\n"), "one line: \($0)")
            }
        }
        var noData = configuration()
        noData.dataDirectory = nil
        XCTAssertThrowsError(try Trainer(configuration: noData, run: RunDirectory(scratch + "/bad"), resume: false)) {
            XCTAssertTrue("\($0)".contains("--data"), "\($0)")
        }
    }

    func testEvaluationProtocolAndPicture() throws {
        let photos = try PhotoFolder(directory: scratch + "/photos")
        let (high, low, bicubic) = SuperResolutionEvaluation.prepare(photos.image(at: 0), scale: 4)
        XCTAssertEqual(high.shape, [3, 56, 44], "nested/c.jpg sorts first")
        XCTAssertEqual(low.shape, [3, 14, 11])
        XCTAssertEqual(bicubic.shape, high.shape)
        XCTAssertEqual(low, SuperResolution.quantized(low), "LR is 8-bit")
        var rng = RandomGenerator(seed: 5)
        let G = SRResNetGenerator(scale: 4, blocks: 1, channels: 4, generator: &rng)
        let report = SuperResolutionEvaluation.evaluate(generator: G, comparison: G, photos: photos, run: "r", family: "srgan", comparisonRun: "c")
        XCTAssertEqual(report.images.count, 3)
        XCTAssertEqual(report.meanPSNR, report.meanComparisonPSNR!, accuracy: 1e-12)
        XCTAssertGreaterThan(report.meanBicubicPSNR, report.meanPSNR, "an untrained G is worse than bicubic")
        let picture = SuperResolutionEvaluation.comparisonPicture(generators: [G, G], photos: photos, indices: [0, 1])
        XCTAssertEqual(picture.height, 2 * 44 + 3 * 2, "crops of the smaller side, 44")
        XCTAssertEqual(picture.width, 4 * 44 + 5 * 2)
    }
}
