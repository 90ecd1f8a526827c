import Foundation
import XCTest
import Datasets
import GAN
import NN
import TensorCore

/// The conditional GAN: its networks under every conditioning, conditional batch norm, and a
/// tiny labelled run that trains, resumes exactly and samples per class.
final class ConditionalGANTests: XCTestCase {
    var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
    }

    func temporaryFolder(_ name: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-\(name)-\(UUID().uuidString)").path
        folders.append(path)
        return path
    }

    /// A labelled image folder: `perClass` 28x28 gray PNGs in `classes` subfolders, class k a
    /// bright square at its own place on a dark ground (a little noise on top).
    func labelledFolder(classes: Int = 2, perClass: Int = 24) throws -> String {
        let root = temporaryFolder("labelled")
        var rng = RandomGenerator(seed: 5)
        for label in 0..<classes {
            let folder = "\(root)/class\(label)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for index in 0..<perClass {
                var pixels = Tensor.uniform([784], low: -1, high: -0.8, generator: &rng).scalars
                for y in 4..<12 { for x in (4 + 12 * label)..<(12 + 12 * label) { pixels[y * 28 + x] = 0.9 } }
                let image = ImageBuffer(channels: 1, height: 28, width: 28, pixels: pixels)
                try PNGImage(image).write(to: "\(folder)/\(index).png")
            }
        }
        return root
    }

    func testNetworksUnderEveryConditioning() {
        for conditioning in Conditioning.allCases {
            var rng = RandomGenerator(seed: 1)
            let shape = [1, 28, 28]
            let G: any GeneratorNetwork = conditioning == .projection
                ? ConditionalBatchNormGenerator(latentSize: 8, classCount: 10, sampleShape: shape, generator: &rng)
                : EmbeddingConcatGenerator(latentSize: 8, classCount: 10, sampleShape: shape, generator: &rng)
            let D = ConditionalDiscriminator(conditioning: conditioning, classCount: 10, sampleShape: shape, seed: 0, generator: &rng)
            let labels = [0, 3, 9, 3, 1]
            let images = G.generate(Tensor.randn([5, 8], generator: &rng), labels: labels)
            XCTAssertEqual(images.shape, [5, 1, 28, 28], "\(conditioning)")
            let output = D.discriminate(images, labels: labels)
            XCTAssertEqual(output.score.shape, [5, 1], "\(conditioning)")
            XCTAssertEqual(output.classLogits?.shape, conditioning == .acgan ? [5, 10] : nil, "\(conditioning)")
            let keys = Set(D.state().map(\.name))
            switch conditioning {
            case .concat:
                XCTAssertEqual(D.parameter(named: "embedding.weight").shape, [10, 784])
                XCTAssertEqual(D.parameter(named: "features.0.weight").shape, [64, 2, 5, 5], "label map as a second channel")
                XCTAssertTrue(G.state().map(\.name).contains("embedding.weight"))
            case .projection:
                XCTAssertEqual(D.parameter(named: "embedding.weight").shape, [10, 6272])
                XCTAssertEqual(G.parameter(named: "bn0.embed.weight").shape, [10, 2 * 12544])
                XCTAssertTrue(G.state().map(\.name).contains("bn2.bn.running_mean"))
            case .acgan:
                XCTAssertEqual(D.parameter(named: "classifier.weight").shape, [10, 6272])
                XCTAssertFalse(keys.contains("embedding.weight"))
            }
            // The label changes the output: the networks do see it.
            let z = Tensor.randn([1, 8], generator: &rng)
            G.eval()
            if conditioning != .acgan {
                let x = Tensor.randn([1, 1, 28, 28], generator: &rng)
                D.eval()
                XCTAssertNotEqual(D.discriminate(x, labels: [1]).score.scalar, D.discriminate(x, labels: [2]).score.scalar, "\(conditioning)")
            }
            if conditioning == .projection {
                // Conditional batch norm starts as plain batch norm (scale 1, shift 0): move class 1's shift.
                var shift = [Float](repeating: 0, count: 10 * 128)
                for column in 64..<128 { shift[128 + column] = 0.5 }
                G.update(["bn2.embed.weight": G.parameter(named: "bn2.embed.weight") + Tensor(shift, shape: [10, 128])])
            }
            XCTAssertTrue(G.generate(z, labels: [1]).scalars != G.generate(z, labels: [2]).scalars, "\(conditioning): the label changes G's output")
        }
    }

    func testConditionalBatchNormScalesAndShiftsPerClass() {
        var rng = RandomGenerator(seed: 3)
        let layer = ConditionalBatchNorm(3, classCount: 2, spatial: false, generator: &rng)
        let scaleShift = Tensor([2, 2, 2, 0, 0, 0, 1, 1, 1, 5, 5, 5], shape: [2, 6])
        layer.update(["embed.weight": scaleShift])
        let x = Tensor.randn([4, 3], generator: &rng)
        let labels = [0, 1, 0, 1]
        let y = layer(x, labels: labels)
        let normalized = (x - x.mean(axes: [0], keepDims: true)) / (x.variance(axes: [0], keepDims: true) + 1e-5).sqrt()
        for row in 0..<4 {
            for column in 0..<3 {
                let expected = labels[row] == 0 ? 2 * normalized.scalars[row * 3 + column] : normalized.scalars[row * 3 + column] + 5
                XCTAssertEqual(y.scalars[row * 3 + column], expected, accuracy: 1e-4)
            }
        }
        // The gradient of a class's scale against finite differences.
        let (_, gradients) = valueAndGrad(model: layer) { layer in (layer(x, labels: labels) * x).sum() }
        func loss(_ weight: Tensor) -> Float {
            layer.update(["embed.weight": weight])
            return (layer(x, labels: labels) * x).sum().scalar
        }
        var values = scaleShift.scalars
        values[1] += 1e-2
        let up = loss(Tensor(values, shape: [2, 6]))
        values[1] -= 2e-2
        let down = loss(Tensor(values, shape: [2, 6]))
        XCTAssertEqual(try XCTUnwrap(gradients["embed.weight"]).scalars[1], (up - down) / 2e-2, accuracy: 1e-2)
    }

    func configuration(data: String, conditioning: Conditioning, epochs: Int) -> TrainingConfiguration {
        var configuration = TrainingConfiguration(family: "cgan", dataset: data)
        configuration.batchSize = 16
        configuration.epochs = epochs
        configuration.latentSize = 8
        configuration.options["conditioning"] = conditioning.rawValue
        return configuration
    }

    func testTrainsResumesExactlyAndSamplesPerClass() throws {
        let data = try labelledFolder()
        for conditioning in Conditioning.allCases {
            let straightRun = RunDirectory(temporaryFolder("cgan"))
            let straight = try Trainer(configuration: configuration(data: data, conditioning: conditioning, epochs: 2), run: straightRun, resume: false)
            XCTAssertEqual(straight.configuration.classCount, 2)
            try straight.train()
            let run = RunDirectory(temporaryFolder("cgan"))
            try Trainer(configuration: configuration(data: data, conditioning: conditioning, epochs: 1), run: run, resume: false).train()
            let resumed = try Trainer(configuration: configuration(data: data, conditioning: conditioning, epochs: 2), run: run, resume: true)
            try resumed.train()
            for ((name, a), (_, b)) in zip(straight.model.networks, resumed.model.networks) {
                XCTAssertEqual(a.state().map(\.value.scalars), b.state().map(\.value.scalars), "\(conditioning) \(name) resumes exactly")
            }
            let last = try String(contentsOfFile: run.metricsPath, encoding: .utf8).split(separator: "\n").last!
            let metrics = try JSONDecoder().decode(StepMetrics.self, from: Data(last.utf8))
            XCTAssertEqual(metrics["classifierAccuracy"] != nil, conditioning == .acgan)

            let trained = try TrainedModel(run: run)
            XCTAssertEqual(try trained.noiseSampler().classCount, 2)
            XCTAssertEqual(try trained.samples(count: 4, seed: 1, labels: [0, 1, 1, 0]).shape, [4, 1, 28, 28])
            XCTAssertThrowsError(try trained.samples(count: 2, seed: 1)) { XCTAssertTrue("\($0)".contains("--labels"), "\($0)") }
            XCTAssertThrowsError(try trained.samples(count: 2, seed: 1, labels: [0, 2])) { XCTAssertTrue("\($0)".contains("label 2 is out of range"), "\($0)") }
            XCTAssertThrowsError(try trained.samples(count: 2, seed: 1, labels: [0])) { XCTAssertTrue("\($0)".contains("one label per sample"), "\($0)") }
            // The preview: one row of samples per class.
            let preview = try PNGImage(contentsOf: run.samplesPath + "/epoch-002.png")
            XCTAssertEqual(preview.height, 2 * 30 + 2)
        }
    }

    func testUnlabelledDataIsRefused() throws {
        let flat = temporaryFolder("flat")
        try FileManager.default.createDirectory(atPath: flat, withIntermediateDirectories: true)
        for index in 0..<20 {
            try PNGImage(ImageBuffer(channels: 1, height: 28, width: 28, filledWith: 0)).write(to: "\(flat)/\(index).png")
        }
        XCTAssertThrowsError(try Trainer(configuration: configuration(data: flat, conditioning: .projection, epochs: 1),
                                         run: RunDirectory(temporaryFolder("cgan")), resume: false)) { error in
            XCTAssertTrue("\(error)".contains("labelled dataset"), "\(error)")
        }
        var bad = configuration(data: try labelledFolder(), conditioning: .projection, epochs: 1)
        bad.options["conditioning"] = "telepathy"
        XCTAssertThrowsError(try Trainer(configuration: bad, run: RunDirectory(temporaryFolder("cgan")), resume: false)) { error in
            XCTAssertTrue("\(error)".contains("--conditioning"), "\(error)")
        }
    }
}
