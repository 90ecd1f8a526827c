import Datasets
import Foundation
@testable import GAN
import NN
import TensorCore
import XCTest

/// pix2pix: the U-Net and PatchGAN shapes, the A|B folder loader, a step that learns, exact resume.
final class TranslationTests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-translation-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// Writes `count` RGB A|B pairs of `side` x `side` halves (A: a ramp, B: its negative) to DIR/split.
    func writePairs(_ split: String, count: Int, side: Int, width: Int? = nil, seed: UInt64 = 0) throws {
        let folder = scratch + "/pairs/" + split
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var rng = RandomGenerator(seed: seed)
        for index in 0..<count {
            let fullWidth = width ?? 2 * side
            var image = ImageBuffer(channels: 3, height: side, width: fullWidth)
            let shift = rng.nextUniform()
            for channel in 0..<3 {
                for row in 0..<side {
                    for column in 0..<fullWidth {
                        let x = Float((row + column % max(fullWidth / 2, 1)) % side) / Float(side) * shift
                        image[channel, row, column] = column < fullWidth / 2 ? x : -x
                    }
                }
            }
            try PNGImage(image).write(to: folder + String(format: "/%03d.png", index))
        }
    }

    func testUNetShapesAtEverySupportedSize() {
        var rng = RandomGenerator(seed: 0)
        for size in UNetGenerator.supportedSizes {
            let network = UNetGenerator(inputChannels: 1, outputChannels: 3, size: size, width: 2, generator: &rng)
            XCTAssertEqual(network.depth, size.trailingZeroBitCount)
            let output = network(Tensor.randn([2, 1, size, size], generator: &rng))
            XCTAssertEqual(output.shape, [2, 3, size, size], "U-Net at \(size)")
            XCTAssertLessThanOrEqual(output.scalars.map(abs).max()!, 1, "tanh output")
            XCTAssertEqual(network.dropoutLayers.count, 3)
        }
        // The skip concatenations set the decoder widths: at 32 with 2 filters, 16 -> 8 -> ... as PyTorch keys.
        let keys = Set(UNetGenerator(inputChannels: 1, outputChannels: 1, size: 32, width: 2, generator: &rng).state().map(\.name))
        XCTAssertTrue(keys.contains("encoder.0.0.weight") && keys.contains("decoder.4.1.weight") && keys.contains("decoder.1.2.running_mean"))
    }

    func testPatchDiscriminatorReceptiveFieldScalesWithTheImage() {
        XCTAssertEqual(PatchDiscriminator.receptiveField(layers: 3), 70)
        XCTAssertEqual(PatchDiscriminator.layers(forSize: 256), 3)
        XCTAssertEqual(PatchDiscriminator.layers(forSize: 128), 2)
        XCTAssertEqual(PatchDiscriminator.layers(forSize: 32), 1)
        var rng = RandomGenerator(seed: 0)
        let D = PatchDiscriminator.make(inputChannels: 6, layers: 3, width: 2, generator: &rng)
        XCTAssertEqual(D(Tensor.randn([1, 6, 256, 256], generator: &rng)).shape, [1, 1, 30, 30], "pix2pix's 30x30 patches at 256")
        let small = PatchDiscriminator.make(inputChannels: 2, layers: 1, width: 2, generator: &rng)
        XCTAssertEqual(small(Tensor.randn([1, 2, 32, 32], generator: &rng)).shape, [1, 1, 14, 14])
    }

    func testPairedFolderSplitsHalvesAndRefusesBadPairs() throws {
        try writePairs("train", count: 3, side: 8)
        try writePairs("val", count: 2, side: 8)
        let train = try PairedImageFolder(directory: scratch + "/pairs")
        XCTAssertEqual(train.count, 3)
        XCTAssertEqual(train.sampleShape, [6, 8, 8])
        let sample = train.sample(at: 1).scalars
        let half = 3 * 64
        for index in 0..<half { XCTAssertEqual(sample[index], -sample[half + index], accuracy: 0.01, "B is A's negative") }
        let test = try PairedImageFolder(directory: scratch + "/pairs", split: "test")
        XCTAssertEqual(test.split, "val", "test falls back to val")
        XCTAssertEqual(test.count, 2)
        // A split without its folder, an odd width, and pairs of two sizes are refused, naming the file.
        XCTAssertThrowsError(try PairedImageFolder(directory: scratch)) { error in
            XCTAssertTrue("\(error)".contains("no train/ folder"), "\(error)")
        }
        try writePairs("odd", count: 1, side: 8, width: 15)
        XCTAssertThrowsError(try PairedImageFolder(directory: scratch + "/pairs", split: "odd")) { error in
            XCTAssertTrue("\(error)".contains("000.png") && "\(error)".contains("odd width 15"), "\(error)")
        }
        try writePairs("mixed", count: 1, side: 8)
        try FileManager.default.moveItem(atPath: scratch + "/pairs/mixed/000.png", toPath: scratch + "/pairs/mixed/a.png")
        try writePairs("mixed", count: 1, side: 10)
        XCTAssertThrowsError(try PairedImageFolder(directory: scratch + "/pairs", split: "mixed")) { error in
            XCTAssertTrue("\(error)".contains("a.png") && "\(error)".contains("one size"), "\(error)")
        }
    }

    func testEdgesToFashionPairsEdgesWithGarments() throws {
        guard FileManager.default.fileExists(atPath: MNISTFamily.fashionMNIST.defaultDirectory) else { throw XCTSkip("no Fashion-MNIST") }
        let data = try EdgesToFashion(split: .test)
        XCTAssertEqual(data.sampleShape, [2, 32, 32])
        let sample = data.sample(at: 0)
        let edges = sample.slice(axis: 0, 0..<1).scalars, garment = sample.slice(axis: 0, 1..<2).scalars
        XCTAssertTrue(edges.allSatisfy { $0 == 1 || $0 == -1 })
        let edgeCount = edges.filter { $0 == -1 }.count
        XCTAssertGreaterThan(edgeCount, 20)
        XCTAssertLessThan(edgeCount, 600)
        XCTAssertEqual(garment[0], -1, "padding is background")
        XCTAssertEqual(EdgesToFashion.crop(sample.reshape([1, 2, 32, 32])).shape, [1, 2, 28, 28])
    }

    func configuration(steps: Int, options: [String: String] = [:]) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "pix2pix", dataset: scratch + "/pairs")
        configuration.batchSize = 2
        configuration.steps = steps
        configuration.options = ["ngf": "4", "ndf": "4"].merging(options) { $1 }
        return configuration
    }

    func testResumingGivesTheSameWeightsAsOneRun() throws {
        try writePairs("train", count: 6, side: 32)
        try writePairs("test", count: 2, side: 32)
        let straight = try Trainer(configuration: configuration(steps: 6), run: RunDirectory(scratch + "/straight"), resume: false)
        try straight.train()
        let run = RunDirectory(scratch + "/resumed")
        try Trainer(configuration: configuration(steps: 3), run: run, resume: false).train()
        let resumed = try Trainer(configuration: configuration(steps: 6), run: run, resume: true)
        XCTAssertEqual(resumed.step, 3)
        try resumed.train()
        XCTAssertEqual(resumed.networkWeights, straight.networkWeights, "3 steps + resume must equal 6 steps exactly (dropout, BatchNorm, Adam)")
        XCTAssertTrue(FileManager.default.fileExists(atPath: scratch + "/straight/samples/epoch-002.png"))
        // The trained run translates at its training size and refuses others.
        let trained = try TrainedModel(run: RunDirectory(scratch + "/straight"))
        let model = try XCTUnwrap(trained.model as? Pix2Pix)
        var rng = RandomGenerator(seed: 1)
        XCTAssertEqual(try model.translate(Tensor.randn([3, 3, 32, 32], generator: &rng), direction: .aToB, seed: 0).shape, [3, 3, 32, 32])
        XCTAssertThrowsError(try model.translate(Tensor.randn([1, 3, 64, 64], generator: &rng), direction: .aToB, seed: 0)) { error in
            XCTAssertTrue("\(error)".contains("32x32"), "\(error)")
        }
        XCTAssertThrowsError(try model.inputShape(.bToA))
    }

    func testL1StepsReduceTheL1Loss() throws {
        try writePairs("train", count: 4, side: 32)
        var settings = configuration(steps: 1, options: ["gan-weight": "0", "norm": "instance"])
        settings.sampleShape = [6, 32, 32]
        let model = try Pix2Pix(configuration: settings)
        let data = try PairedImageFolder(directory: scratch + "/pairs")
        let batch = DataLoader(dataset: data, batchSize: 4, shuffle: false, prefetchCount: 0).batch(epoch: 0, index: 0)
        var rng = RandomGenerator(seed: 0)
        let context = StepContext(step: 1, totalSteps: 30, stepsPerEpoch: 1)
        let first = model.trainingStep(on: batch, context: context, randomness: &rng).first { $0.name == "lossL1" }!.value
        var last = first
        for _ in 0..<30 { last = model.trainingStep(on: batch, context: context, randomness: &rng).first { $0.name == "lossL1" }!.value }
        XCTAssertLessThan(last, first * 0.9, "L1 \(first) -> \(last)")
    }

    func testBadOptionsNameTheFlag() throws {
        var settings = configuration(steps: 1, options: ["norm": "group"])
        settings.sampleShape = [6, 32, 32]
        XCTAssertThrowsError(try Pix2Pix(configuration: settings)) { XCTAssertTrue("\($0)".contains("--norm")) }
        settings.options["norm"] = "batch"
        settings.sampleShape = [6, 48, 48]
        XCTAssertThrowsError(try Pix2Pix(configuration: settings)) { XCTAssertTrue("\($0)".contains("--crop-size")) }
    }
}
