import Datasets
import Foundation
@testable import GAN
import NN
import TensorCore
import XCTest

/// CycleGAN: ResNet generator shapes and keys, the image pool, unpaired folders, the rate
/// schedule, exact resume with a filled pool, and bad inputs.
final class CycleGANTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-cyclegan-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// `count` gray images of `side` pixels in DIR/name (A: bright squares, B: dark stripes).
    func writeDomain(_ name: String, count: Int, side: Int, channels: Int = 1) throws {
        let folder = scratch + "/domains/" + name
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for index in 0..<count {
            var image = ImageBuffer(channels: channels, height: side, width: side)
            for channel in 0..<channels {
                for row in 0..<side {
                    for column in 0..<side {
                        image[channel, row, column] = name.hasSuffix("A") ? (abs(row - side / 2) + abs(column - side / 2) < 2 + index % 3 ? 1 : -1)
                            : ((column + index) % 4 < 2 ? -0.8 : 0.2) + 0.1 * Float(index % 5)
                    }
                }
            }
            try PNGImage(image).write(to: folder + String(format: "/%03d.png", index))
        }
    }

    func testResNetGeneratorShapesAndPyTorchKeys() {
        var rng = RandomGenerator(seed: 0)
        for (channels, side) in [(1, 28), (3, 32)] {
            let network = ResNetGenerator(inputChannels: channels, outputChannels: channels, width: 4, blocks: 2, generator: &rng)
            let output = network(Tensor.randn([2, channels, side, side], generator: &rng))
            XCTAssertEqual(output.shape, [2, channels, side, side])
            XCTAssertLessThanOrEqual(output.scalars.map(abs).max()!, 1, "tanh output")
        }
        let keys = Set(ResNetGenerator(inputChannels: 1, outputChannels: 1, width: 4, blocks: 2, generator: &rng).state().map(\.name))
        // The reference ResnetGenerator's nn.Sequential: 0 pad, 1 conv7, 4 and 7 down, 10-11 blocks, 12 and 15 up, 19 conv7.
        for key in ["model.1.weight", "model.4.weight", "model.7.bias", "model.10.conv_block.1.weight", "model.11.conv_block.5.bias",
                    "model.12.weight", "model.15.weight", "model.19.weight", "model.19.bias"] {
            XCTAssertTrue(keys.contains(key), key)
        }
        XCTAssertEqual(keys.count, 2 * (3 + 2 * 2 + 2 + 1), "weights and biases of 10 convolutions, no norm state")
    }

    func testImagePoolFillsThenReturnsPastFakesHalfTheTime() throws {
        let pool = ImagePool(capacity: 4, imageShape: [1, 1, 1])
        var rng = RandomGenerator(seed: 9)
        func batch(_ values: [Float]) -> Tensor { Tensor(values, shape: [values.count, 1, 1, 1]) }
        // Filling: every image is returned as is and stored.
        XCTAssertEqual(pool.query(batch([1, 2, 3]), generator: &rng).scalars, [1, 2, 3])
        XCTAssertEqual(pool.query(batch([4]), generator: &rng).scalars, [4])
        XCTAssertEqual(pool.count, 4)
        let stateAfterFilling = rng
        // Full: each new image comes back, or a stored one does and the new one takes its place.
        var stored: Set<Float> = [1, 2, 3, 4]
        var swapped = 0
        let total = 400
        for value in 5...(4 + total) {
            let returned = pool.query(batch([Float(value)]), generator: &rng).scalars[0]
            if returned != Float(value) {
                XCTAssertTrue(stored.contains(returned), "a past fake \(returned)")
                stored.remove(returned)
                stored.insert(Float(value))
                swapped += 1
            }
        }
        XCTAssertEqual(Set(pool.state.images.scalars), stored, "the pool holds what was swapped in")
        XCTAssertGreaterThan(swapped, total * 4 / 10)
        XCTAssertLessThan(swapped, total * 6 / 10)
        // Deterministic from the generator: the same state and inputs give the same outputs.
        let copy = ImagePool(capacity: 4, imageShape: [1, 1, 1])
        try copy.restore(images: Tensor([1, 2, 3, 4], shape: [4, 1, 1, 1]), count: Tensor([4], shape: [1]), source: "test", name: "pool")
        let original = ImagePool(capacity: 4, imageShape: [1, 1, 1])
        try original.restore(images: Tensor([1, 2, 3, 4], shape: [4, 1, 1, 1]), count: Tensor([4], shape: [1]), source: "test", name: "pool")
        var first = stateAfterFilling, second = stateAfterFilling
        let many = batch((100..<140).map(Float.init))
        XCTAssertEqual(original.query(many, generator: &first).scalars, copy.query(many, generator: &second).scalars)
        // Capacity 0 passes batches through; a malformed saved pool is refused.
        XCTAssertEqual(ImagePool(capacity: 0, imageShape: [1, 1, 1]).query(batch([7, 8]), generator: &rng).scalars, [7, 8])
        XCTAssertThrowsError(try copy.restore(images: Tensor([1, 2], shape: [2, 1, 1, 1]), count: Tensor([2], shape: [1]), source: "x.safetensors", name: "pool_A")) {
            XCTAssertTrue("\($0)".contains("x.safetensors") && "\($0)".contains("pool_A"), "\($0)")
        }
    }

    func testUnpairedFoldersAndTheRateSchedule() throws {
        try writeDomain("trainA", count: 3, side: 8)
        try writeDomain("trainB", count: 5, side: 8, channels: 3)
        var configuration = TrainingConfiguration(family: "cyclegan", dataset: scratch + "/domains")
        let data = try CycleGANData.openTraining(configuration)
        XCTAssertEqual(data.dataset.count, 5, "every image of the larger domain once an epoch")
        XCTAssertEqual(data.sampleShape, [6, 8, 8], "gray A repeated to RGB beside RGB B")
        XCTAssertNotNil(data.transform, "folders flip by default")
        let b = (0..<5).map { Array(data.dataset.sample(at: $0).slice(axis: 0, 3..<6).scalars) }
        XCTAssertEqual(Set(b.map { $0.description }).count, 5, "each B image once")
        // The test split falls back to training images without testA/testB.
        XCTAssertTrue(try CycleGANData.testImages(configuration, channels: 3).usedTraining)
        // The trainer's schedule for cyclegan: constant for the first half, then linear towards 0.
        configuration.options = ["ngf": "2", "ndf": "2", "blocks": "1"]
        XCTAssertTrue(CycleGAN.descriptor.decaysLearningRateByDefault)
        func factor(_ step: Int) -> Float {
            configuration.learningRateSchedule(totalSteps: 100, decaysByDefault: true).learningRate(at: step - 1, base: 1)
        }
        XCTAssertEqual(factor(1), 1)
        XCTAssertEqual(factor(50), 1)
        XCTAssertEqual(factor(51), 1 - 1 / 51, accuracy: 1e-6)
        XCTAssertEqual(factor(100), 1 / 51, accuracy: 1e-6)
        configuration.options["decay-from"] = "80"
        XCTAssertEqual(factor(70), 1)
        XCTAssertEqual(factor(81), 1 - 1 / 21, accuracy: 1e-6)
    }

    func configuration(steps: Int, options: [String: String] = [:]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "cyclegan", dataset: scratch + "/domains")
        configuration.batchSize = 2
        configuration.steps = steps
        configuration.options = ["ngf": "2", "ndf": "2", "blocks": "1", "pool-size": "3"].merging(options) { $1 }
        return configuration
    }

    func state(_ trainer: Trainer) -> [String: [Float]] {
        var all: [String: [Float]] = [:]
        for (prefix, network) in trainer.model.networks {
            for (name, value) in network.state() { all[prefix + "." + name] = value.scalars }
        }
        for (name, value) in trainer.model.auxiliaryState { all[name] = value.scalars }
        return all
    }

    func testResumingWithAFilledPoolGivesTheSameRun() throws {
        try writeDomain("trainA", count: 4, side: 12)
        try writeDomain("trainB", count: 4, side: 12)
        try writeDomain("testA", count: 2, side: 12)
        try writeDomain("testB", count: 2, side: 12)
        // Interrupted at step 3 of 6 and resumed: the same run, the rate decay (from step 3) included.
        let straight = try Trainer(configuration: configuration(steps: 6), run: RunDirectory(scratch + "/straight"), resume: false)
        try straight.train()
        let expected = state(straight)
        XCTAssertEqual((try XCTUnwrap(expected["pool_A.count"])), [3], "the pool filled (and then swapped) within the run")
        let interrupted = try Trainer(configuration: configuration(steps: 6), run: RunDirectory(scratch + "/interrupted"), resume: false)
        XCTAssertEqual(try interrupted.train(shouldStop: { interrupted.step >= 3 }), .interrupted(step: 3))
        let continued = try Trainer(configuration: configuration(steps: 6), run: RunDirectory(scratch + "/interrupted"), resume: true)
        XCTAssertEqual(continued.step, 3)
        try continued.train()
        XCTAssertEqual(state(continued), expected, "interrupted at 3 + resume must equal 6 steps exactly (weights, Adam, pools, rates)")
        // 3 steps, then extended to 6: exact when the schedule does not depend on the run's length.
        let fixed = ["decay-from": "6"]
        let long = try Trainer(configuration: configuration(steps: 6, options: fixed), run: RunDirectory(scratch + "/long"), resume: false)
        try long.train()
        let run = RunDirectory(scratch + "/extended")
        try Trainer(configuration: configuration(steps: 3, options: fixed), run: run, resume: false).train()
        let extended = try Trainer(configuration: configuration(steps: 6, options: fixed), run: run, resume: true)
        try extended.train()
        XCTAssertEqual(state(extended), state(long), "3 steps + resume to 6 must equal 6 steps exactly")
        // The trained run translates both ways at its training size and refuses other sizes.
        let trained = try TrainedModel(run: RunDirectory(scratch + "/straight"))
        let model = try XCTUnwrap(trained.model as? CycleGAN)
        var rng = RandomGenerator(seed: 1)
        for direction in TranslationDirection.allCases {
            XCTAssertEqual(try model.translate(Tensor.randn([3, 1, 12, 12], generator: &rng), direction: direction, seed: 0).shape, [3, 1, 12, 12])
        }
        XCTAssertThrowsError(try model.translate(Tensor.randn([1, 1, 16, 16], generator: &rng), direction: .bToA, seed: 0)) {
            XCTAssertTrue("\($0)".contains("12x12"), "\($0)")
        }
        let picture = model.previewPicture()
        XCTAssertGreaterThan(picture.height, 4 * 12, "rows of test A and test B")
    }

    func testBadInputsNameTheFolderOrFlag() throws {
        try writeDomain("trainB", count: 2, side: 8)
        var settings = configuration(steps: 1)
        XCTAssertThrowsError(try CycleGANData.openTraining(settings)) {
            XCTAssertTrue("\($0)".contains("domains") && "\($0)".contains("no trainA/ folder"), "\($0)")
        }
        settings.options["domains"] = "7,9"
        XCTAssertThrowsError(try CycleGANData.openTraining(settings)) { XCTAssertTrue("\($0)".contains("--domains"), "\($0)") }
        settings.options["domains"] = nil
        settings.imageSize = 32
        XCTAssertThrowsError(try CycleGANData.openTraining(settings)) { XCTAssertTrue("\($0)".contains("--image-size"), "\($0)") }
        settings.imageSize = nil
        settings.dataset = "fashion-mnist"
        for bad in ["7", "7,7", "3,10", "a,b", "1,2,3"] {
            settings.options["domains"] = bad
            XCTAssertThrowsError(try CycleGANData.classDomains(settings)) {
                XCTAssertTrue("\($0)".contains("--domains") && "\($0)".contains("not \(bad)"), "\($0)")
            }
        }
        settings.options["domains"] = "0,6"
        XCTAssertEqual(try CycleGANData.classDomains(settings)?.a, 0)
        settings.sampleShape = [2, 28, 28]
        var badDecay = settings
        badDecay.options["decay-from"] = "-3"
        XCTAssertThrowsError(try badDecay.validate()) { XCTAssertTrue("\($0)".contains("--decay-from"), "\($0)") }
        for (flag, value) in [("lambda-cycle", "-1"), ("pool-size", "many"), ("flip", "sometimes"), ("blocks", "99")] {
            var bad = settings
            bad.options[flag] = value
            XCTAssertThrowsError(try CycleGAN(configuration: bad)) { XCTAssertTrue("\($0)".contains("--\(flag)"), "\($0)") }
        }
        settings.sampleShape = [2, 30, 30]
        XCTAssertThrowsError(try CycleGAN(configuration: settings)) { XCTAssertTrue("\($0)".contains("multiples of 4"), "\($0)") }
    }
}
