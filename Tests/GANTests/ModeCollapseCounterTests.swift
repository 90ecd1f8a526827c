import Foundation
import XCTest
import Datasets
import GAN
import NN
import TensorCore

/// The counters to mode collapse: each one's shapes, the gradients of the new differentiable
/// pieces against central differences, the flags' validation, and bit-exact resume with all on.
final class ModeCollapseCounterTests: XCTestCase {
    var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    func scratch() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-counters-\(UUID().uuidString)").path
        folders.append(path)
        return path
    }

    // MARK: Minibatch standard deviation

    func testMinibatchStandardDeviationAppendsOneFeatureOfTheGroupDeviation() {
        let layer = MinibatchStandardDeviation(groupSize: 2)
        // Rows 0 and 2 form group 0, rows 1 and 3 group 1 (ProGAN's [group, N / group] split).
        let x = Tensor([0, 0, 5, 5, 2, 4, 5, 5], shape: [4, 2])
        let y = layer(x)
        XCTAssertEqual(y.shape, [4, 3])
        let appended = (0..<4).map { y.scalars[3 * $0 + 2] }
        // Group 0: deviations of (0, 2) and (0, 4) are 1 and 2, mean 1.5; group 1 identical rows, ~1e-4.
        XCTAssertEqual(appended[0], 1.5, accuracy: 1e-4)
        XCTAssertEqual(appended[2], 1.5, accuracy: 1e-4)
        XCTAssertEqual(appended[1], 1e-4, accuracy: 1e-5)
        XCTAssertEqual(appended[3], 1e-4, accuracy: 1e-5)
        XCTAssertEqual(Array(y.scalars[0..<2]), [0, 0], "the input passes through")

        let images = GradientCheck.random([4, 3, 2, 2], seed: 1)
        let mapped = MinibatchStandardDeviation()(images)
        XCTAssertEqual(mapped.shape, [4, 4, 2, 2])
        let constant = Array(mapped.scalars[12..<16])
        XCTAssertTrue(constant.allSatisfy { $0 == constant[0] }, "one constant map per sample")
        // A batch that does not split into groups of 4 forms one group.
        XCTAssertEqual(MinibatchStandardDeviation()(GradientCheck.random([6, 5], seed: 2)).shape, [6, 6])
    }

    func testMinibatchStandardDeviationGradient() {
        assertGradient({ MinibatchStandardDeviation(groupSize: 2)($0) }, at: GradientCheck.random([4, 3], seed: 3), "flat")
        assertGradient({ MinibatchStandardDeviation()($0) }, at: GradientCheck.random([4, 2, 2, 2], seed: 4), "images")
    }

    // MARK: DiffAugment

    func testDiffAugmentKeepsShapesAndDoesWhatEachOperationSays() throws {
        var rng = RandomGenerator(seed: 5)
        let images = Tensor.uniform([6, 3, 8, 8], low: 0.5, high: 1, generator: &rng)
        let translation = try XCTUnwrap(DiffAugment(policy: "translation"))
        let shifted = translation.apply(images, translation.draw(shape: images.shape, generator: &rng))
        XCTAssertEqual(shifted.shape, images.shape)
        let inputs = Set(images.scalars)
        XCTAssertTrue(shifted.scalars.allSatisfy { $0 == 0 || inputs.contains($0) }, "translation moves pixels or lets zeros in")

        let cutout = try XCTUnwrap(DiffAugment(policy: "cutout"))
        let cut = cutout.apply(images, cutout.draw(shape: images.shape, generator: &rng))
        for n in 0..<6 {
            let plane = Array(cut.scalars[(n * 3 * 64)..<(n * 3 * 64 + 64)])
            let zeros = plane.filter { $0 == 0 }.count
            XCTAssertTrue((16...16).contains(zeros) || (4..<16).contains(zeros), "a 4x4 square, clipped at the border: \(zeros)")
        }

        let color = try XCTUnwrap(DiffAugment(policy: "color"))
        let colored = color.apply(images, color.draw(shape: images.shape, generator: &rng))
        XCTAssertEqual(colored.shape, images.shape)
        XCTAssertNotEqual(colored.scalars, images.scalars)

        XCTAssertEqual(DiffAugment(policy: "translation, cutout,color")?.operations, [.translation, .cutout, .color])
        XCTAssertNil(DiffAugment(policy: "translation,rotation"))
        XCTAssertNil(DiffAugment(policy: ""))
    }

    func testDiffAugmentGradient() throws {
        let augment = try XCTUnwrap(DiffAugment(policy: "color,translation,cutout"))
        var rng = RandomGenerator(seed: 6)
        let images = GradientCheck.random([2, 3, 8, 8], seed: 7)
        let draw = augment.draw(shape: images.shape, generator: &rng)
        assertGradient({ augment.apply($0, draw) }, at: images, "color,translation,cutout")
    }

    // MARK: Packing, spectral norm, flags

    func configuration(_ dataset: String = "ring8", options: [String: String]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: dataset)
        configuration.sampleShape = [2]
        configuration.latentSize = 4
        configuration.options = options
        return configuration
    }

    func testPackingWidensDsInputAndJudgesPacks() throws {
        let gan = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: ["pack": "4"])) as? AdversarialGAN)
        XCTAssertEqual(gan.counters.pack, 4)
        XCTAssertEqual(gan.discriminator.parameter(named: "1.weight").shape, [256, 8], "D's first Linear takes 4 points")
        let points = Tensor((0..<16).map(Float.init), shape: [8, 2])
        let packed = gan.counters.packed(points)
        XCTAssertEqual(packed.shape, [2, 8])
        XCTAssertEqual(Array(packed.scalars[0..<8]), (0..<8).map(Float.init), "samples 0..<4 side by side")
        XCTAssertEqual(gan.discriminator.discriminate(packed, labels: nil).score.shape, [2, 1])
        XCTAssertEqual(ModeCollapseCounters.none.packedShape([3, 28, 28]), [3, 28, 28])
        XCTAssertEqual(ModeCollapseCounters(pack: 2).packedShape([3, 28, 28]), [6, 28, 28])
        var rng = RandomGenerator(seed: 8)
        let result = gan.step(real: GaussianMixture.ring8.sample(count: 16, generator: &rng).points, labels: nil, generator: &rng)
        XCTAssertTrue(result.lossD.isFinite && result.lossG.isFinite)
    }

    func testVanillaHiddenWidthsBuildThoseLayers() throws {
        func shapes(_ network: Module) -> [String: [Int]] { Dictionary(uniqueKeysWithValues: network.state().map { ($0.name, $0.value.shape) }) }
        // Without the options: the reference 2-D MLPs, keys and shapes as before.
        let reference = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: [:])) as? AdversarialGAN)
        let G = try XCTUnwrap(reference.generator as? Sequential), D = try XCTUnwrap(reference.discriminator as? Sequential)
        XCTAssertEqual(shapes(G)["0.weight"], [128, 4])
        XCTAssertEqual(shapes(G)["3.running_mean"], [256])
        XCTAssertEqual(shapes(G)["8.weight"], [2, 256])
        XCTAssertEqual(shapes(D)["5.weight"], [1, 128])
        let wide = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: ["g-hidden": "40,40,40", "d-hidden": "20, 20", "pack": "2"]))
                                 as? AdversarialGAN)
        let wideG = try XCTUnwrap(wide.generator as? Sequential), wideD = try XCTUnwrap(wide.discriminator as? Sequential)
        XCTAssertEqual(shapes(wideG)["0.weight"], [40, 4])
        XCTAssertEqual(shapes(wideG)["6.weight"], [40], "BatchNorm after the second and third layers")
        XCTAssertEqual(shapes(wideG)["8.weight"], [2, 40])
        XCTAssertEqual(shapes(wideD)["1.weight"], [20, 4], "two packed points in")
        XCTAssertEqual(shapes(wideD)["5.weight"], [1, 20])
        var rng = RandomGenerator(seed: 3)
        XCTAssertEqual(wide.samples(latent: Tensor.randn([5, 4], generator: &rng), labels: nil, useAverage: false).shape, [5, 2])
        for bad in ["", "40,,40", "0", "wide", String(repeating: "4,", count: 16) + "4"] {
            XCTAssertThrowsError(try UnconditionalFamilies.vanilla.make(configuration(options: ["d-hidden": bad]))) {
                XCTAssertTrue("\($0)".contains("--d-hidden") && "\($0)".contains("not \(bad)"), "\($0)")
            }
        }
        // Without G's BatchNorm: Linear, LeakyReLU per hidden layer, nothing normalized.
        let plain = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: ["g-batchnorm": "false"])) as? AdversarialGAN)
        let plainG = try XCTUnwrap(plain.generator as? Sequential)
        XCTAssertFalse(plainG.state().contains { $0.name.hasSuffix("running_mean") })
        XCTAssertEqual(shapes(plainG)["6.weight"], [2, 256])
        XCTAssertThrowsError(try UnconditionalFamilies.vanilla.make(configuration(options: ["g-batchnorm": "maybe"]))) {
            XCTAssertTrue("\($0)".contains("--g-batchnorm must be true or false, not maybe"), "\($0)")
        }
    }

    func testNewTwoDimensionalRunsStartFromTheMeasuredDefaults() throws {
        XCTAssertEqual(try ModeCollapseCounters(configuration: configuration(options: [:]), sampleShape: [2], conditional: false), .none)
        var fresh = TrainingConfiguration(family: "vanilla", dataset: "grid25")
        fresh.options = ["pack": "2"]
        fresh.applyTwoDimensionalDefaults()
        XCTAssertEqual(fresh.options["pack"], "2", "an option given stays")
        XCTAssertEqual(fresh.options["unroll"], ModeCollapseCounters.twoDimensionalDefault.options["unroll"])
        XCTAssertEqual(fresh.latentSize, 8)
        XCTAssertEqual(fresh.batchSize, 256)
        XCTAssertEqual(fresh.learningRateG, 1e-4)
        XCTAssertEqual(fresh.learningRateD, 4e-4, "TTUR")
        var expected = ModeCollapseCounters.twoDimensionalDefault
        expected.pack = 2
        XCTAssertEqual(try ModeCollapseCounters(configuration: fresh, sampleShape: [2], conditional: false), expected)
        XCTAssertEqual(fresh.steps, TrainingConfiguration.twoDimensionalSteps)
        XCTAssertNil(fresh.options["decay-from"], "the decay is placed once the run's length is known")
        fresh.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(fresh.options["decay-from"], String(TrainingConfiguration.twoDimensionalSteps / 2), "decay over the second half")
        XCTAssertEqual(fresh.options["self-condition"], "50", "the self-conditioned GAN on 50 clusters")
        var smallBatch = TrainingConfiguration(family: "vanilla", dataset: "ring8")
        smallBatch.applyTwoDimensionalDefaults()
        smallBatch.batchSize = 16
        smallBatch.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(smallBatch.options["self-condition"], "16", "no more clusters than the batch holds")
        smallBatch.options["self-condition"] = "0"
        smallBatch.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(smallBatch.options["self-condition"], "0", "a --self-condition given stays")
        var shorter = TrainingConfiguration(family: "vanilla", dataset: "ring8")
        shorter.applyTwoDimensionalDefaults()
        shorter.steps = 301
        shorter.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(shorter.options["decay-from"], "150", "half of the --steps given")
        shorter.steps = nil
        shorter.epochs = 2
        shorter.options["decay-from"] = nil
        shorter.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(shorter.options["decay-from"], String(50_000 / 256), "half of 2 epochs of 195 batches")
        shorter.options["decay-from"] = "7"
        shorter.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(shorter.options["decay-from"], "7", "a --decay-from given stays")
        var images = TrainingConfiguration(family: "vanilla", dataset: "fashion-mnist")
        images.applyTwoDimensionalDefaults()
        images.applyTwoDimensionalDefaultsAfterFlags()
        XCTAssertEqual(images, TrainingConfiguration(family: "vanilla", dataset: "fashion-mnist"), "only 2-D mixtures")
    }

    func testBadCounterFlagsAreOneLineErrorsNamingTheFlag() {
        func message(_ options: [String: String], sampleShape: [Int] = [2], conditional: Bool = false, batch: Int = 64) -> String {
            var settings = configuration(options: options)
            settings.batchSize = batch
            do {
                _ = try ModeCollapseCounters(configuration: settings, sampleShape: sampleShape, conditional: conditional)
                return ""
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message(["pack": "3"]), "--pack 3 needs a --batch divisible by 3; --batch is 64")
        XCTAssertTrue(message(["pack": "0"]).hasPrefix("--pack must be"))
        XCTAssertTrue(message(["pack": "2"], sampleShape: [1, 28, 28], conditional: true).hasPrefix("--pack works for unconditional"))
        XCTAssertTrue(message(["diffaugment": "translation"]).hasPrefix("--diffaugment augments images"))
        XCTAssertTrue(message(["diffaugment": "blur"], sampleShape: [1, 28, 28]).hasPrefix("--diffaugment must be"))
        XCTAssertTrue(message(["instance-noise": "-1"]).hasPrefix("--instance-noise must be"))
        XCTAssertTrue(message(["unroll": "x"]).hasPrefix("--unroll must be"))
        XCTAssertTrue(message(["minibatch-std": "maybe"]).hasPrefix("--minibatch-std must be true or false"))
        XCTAssertEqual(message(["pack": "2"], batch: 6), "")
        XCTAssertThrowsError(try UnconditionalFamilies.vanilla.make(configuration(options: ["pack": "5"])))
    }

    func testSpectralNormInDUsesPyTorchNamesAndNormalizesTheWeights() throws {
        let gan = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: ["spectral-norm": "true", "pack": "1"])) as? AdversarialGAN)
        let names = Set(gan.discriminator.state().map(\.name))
        for index in [1, 3, 5] {
            XCTAssertTrue(names.isSuperset(of: ["\(index).weight_orig", "\(index).weight_u", "\(index).weight_v", "\(index).bias"]), "\(names)")
            XCTAssertFalse(names.contains("\(index).weight"))
        }
        XCTAssertFalse(gan.generator.state().contains { $0.name.hasSuffix("weight_orig") }, "G is not normalized")
        // After power iterations, the effective weight's largest singular value is 1.
        let layer = try XCTUnwrap(gan.discriminator.namedModules().first { $0.name == "3" }?.module)
        var w = layer.effectiveWeight()
        for _ in 0..<30 { w = layer.effectiveWeight() }
        var v = Tensor.ones([w.shape[1]])
        for _ in 0..<200 { v = w.transposed().matmul(w.matmul(v)); v = v / v.square().sum().sqrt() }
        XCTAssertEqual(w.matmul(v).square().sum().sqrt().scalar, 1, accuracy: 1e-3)
    }

    func testInstanceNoiseAnnealsLinearlyToZero() {
        let counters = ModeCollapseCounters(instanceNoise: 0.2)
        XCTAssertEqual(counters.instanceNoise(atProgress: 0), 0.2)
        XCTAssertEqual(counters.instanceNoise(atProgress: 0.75), 0.05, accuracy: 1e-7)
        XCTAssertEqual(counters.instanceNoise(atProgress: 1), 0)
        XCTAssertEqual(ModeCollapseCounters.none.instanceNoise(atProgress: 0), 0)
    }

    func testUnrolledStepLeavesDAsItsOwnUpdateAndChangesGsGradient() throws {
        func trained(unroll: Int) throws -> (D: [Float], G: [Float]) {
            let gan = try XCTUnwrap(UnconditionalFamilies.vanilla.make(configuration(options: ["pack": "1", "unroll": String(unroll)])) as? AdversarialGAN)
            var rng = RandomGenerator(seed: 9)
            _ = gan.step(real: GaussianMixture.ring8.sample(count: 16, generator: &rng).points, labels: nil, generator: &rng)
            return (gan.discriminator.state().flatMap(\.value.scalars), gan.generator.state().flatMap(\.value.scalars))
        }
        let plain = try trained(unroll: 0), unrolled = try trained(unroll: 3)
        XCTAssertEqual(unrolled.D, plain.D, "the look-ahead copy of D is discarded after G's step")
        XCTAssertNotEqual(unrolled.G, plain.G, "G's gradient goes through the look-ahead D")
    }

    // MARK: Resume

    func testResumeIsBitExactWithEveryCounterOn() throws {
        let root = scratch()
        try FileManager.default.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: 10)
        for index in 0..<16 {
            let pixels = Tensor.uniform([64], low: -1, high: 1, generator: &rng).scalars
            try PNGImage(ImageBuffer(channels: 1, height: 8, width: 8, pixels: pixels)).write(to: "\(root)/images/\(index).png")
        }
        func settings(epochs: Int) -> TrainingConfiguration {
            var configuration = TrainingConfiguration(family: "vanilla", dataset: root + "/images")
            configuration.batchSize = 4
            configuration.epochs = epochs
            configuration.latentSize = 8
            configuration.gridSize = 4
            configuration.options = ["pack": "2", "minibatch-std": "true", "spectral-norm": "true", "diffaugment": "translation,cutout,color",
                                     "instance-noise": "0.1", "unroll": "2"]
            return configuration
        }
        let straight = try Trainer(configuration: settings(epochs: 2), run: RunDirectory(root + "/straight"), resume: false)
        try straight.train()
        // Interrupted after 3 of 8 steps, then resumed: the instance noise's schedule (over the
        // run's 8 steps) and every random state continue where they were.
        var calls = 0
        let outcome = try Trainer(configuration: settings(epochs: 2), run: RunDirectory(root + "/resumed"), resume: false)
            .train(shouldStop: { calls += 1; return calls > 3 })
        XCTAssertEqual(outcome, .interrupted(step: 3))
        let resumed = try Trainer(configuration: settings(epochs: 2), run: RunDirectory(root + "/resumed"), resume: true)
        try resumed.train()
        XCTAssertEqual(resumed.step, 8)
        let expected = straight.networkWeights, got = resumed.networkWeights
        XCTAssertTrue(expected.keys.contains("discriminator.1.weight_u"), "the power iteration's vector is checkpointed")
        XCTAssertEqual(Set(got.keys), Set(expected.keys))
        let differing = expected.keys.filter { got[$0] != expected[$0] }.sorted()
        XCTAssertEqual(differing, [], "interrupt + resume must equal one run exactly")
    }
}

/// Fixed random tensors for the checks above.
enum GradientCheck {
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.uniform(shape, low: -1, high: 1, generator: &generator)
    }
}
