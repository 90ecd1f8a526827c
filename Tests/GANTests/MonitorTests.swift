import Datasets
import Foundation
import Metrics
import NN
import TensorCore
import XCTest
@testable import GAN

/// The training monitor: collapse verdicts on synthetic sample sets (2-D mixtures and class
/// histograms, collapsed and healthy), failing-game checks on synthetic scalar histories, and
/// a monitored run that logs its measures without changing the training.
final class MonitorTests: XCTestCase {
    /// A "family" whose samples are a fixed tensor: the monitor sees exactly these.
    final class FixedSamples: NoiseSampling {
        let fixed: Tensor
        init(_ fixed: Tensor) { self.fixed = fixed }
        var networks: [(name: String, module: Module)] { [] }
        var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] { [] }
        func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] { [] }
        func previewPicture() -> PNGImage { SamplePictures.png(fixed) }
        var latentSize: Int { 4 }
        var classCount: Int? { nil }
        var hasAverageGenerator: Bool { false }
        func samples(latent: Tensor, labels: [Int]?, useAverage: Bool) -> Tensor {
            precondition(latent.shape[0] == fixed.shape[0])
            return fixed
        }
    }

    func monitor(for samples: Tensor, dataset: String, data: any Dataset, evaluator: FashionMNISTEvaluator? = nil) -> TrainingMonitor {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: dataset)
        configuration.sampleShape = Array(samples.shape.dropFirst())
        return TrainingMonitor(configuration: configuration, model: FixedSamples(samples), data: AnyDataset(data), interval: 10,
                               sampleCount: samples.shape[0], evaluator: { try XCTUnwrap(evaluator) })
    }

    // MARK: 2-D mixtures

    func testMixtureCollapseWarnsAndAHealthyMixtureDoesNot() {
        var rng = RandomGenerator(seed: 3)
        let healthy = GaussianMixture.grid25.sample(count: 2_500, generator: &rng).points
        // Collapsed: the same sharp samples, but only on 3 of the 25 modes.
        let three = GaussianMixture(means: Array(GaussianMixture.grid25.means.prefix(3)), standardDeviation: 0.05)
        let collapsed = three.sample(count: 2_500, generator: &rng).points
        let data = GaussianMixtureDataset(.grid25, count: 100, seed: 1)

        let good = monitor(for: healthy, dataset: "grid25", data: data).measure(step: 10)
        XCTAssertEqual(good.scalars.first { $0.name == "monitorModesCovered" }?.value, 25)
        XCTAssertGreaterThan(good.scalars.first { $0.name == "monitorHighQualityShare" }?.value ?? 0, 0.95)
        XCTAssertTrue(good.findings.isEmpty, "\(good.findings)")
        XCTAssertNil(good.warning)

        let collapsedMonitor = monitor(for: collapsed, dataset: "grid25", data: data)
        XCTAssertNil(collapsedMonitor.measure(step: 10).warning, "collapse is called when it persists over two measurements")
        let bad = collapsedMonitor.measure(step: 20)
        XCTAssertEqual(bad.scalars.first { $0.name == "monitorModesCovered" }?.value, 3)
        XCTAssertEqual(bad.findings.map(\.kind), [.missingModes])
        let warning = try? XCTUnwrap(bad.warning)
        XCTAssertTrue(warning?.contains("3 of 25 modes covered") ?? false, warning ?? "")
        XCTAssertTrue(warning?.contains("--pack 4") ?? false, warning ?? "")
        XCTAssertFalse(warning?.contains("\n") ?? true, "one line")
    }

    func testBlurryEarlySamplesAreNotCalledCollapse() {
        // Samples still far from every mode: no verdict on coverage yet.
        var rng = RandomGenerator(seed: 4)
        let diffuse = Tensor.randn([2_500, 2], standardDeviation: 0.3, generator: &rng)
        let coverage = ModeCoverage(points: diffuse, mixture: .ring8)
        XCTAssertLessThan(coverage.highQualityShare, 0.1)
        XCTAssertNil(CollapseChecks.mixture(coverage))
    }

    // MARK: Class histograms

    func testClassHistogramCollapseWarnsAndARealLikeHistogramDoesNot() {
        let real = ClassHistogram(classes: (0..<10_000).map { $0 % 10 }, classCount: 10)
        // Healthy: every class about as often as in the real set.
        let healthy = ClassHistogram(classes: (0..<2_500).map { ($0 * 7 + $0 / 13) % 10 }, classCount: 10)
        XCTAssertNil(CollapseChecks.classes(healthy, real: real, names: FashionMNIST.classNames))
        // Collapsed: three classes only.
        let collapsed = ClassHistogram(classes: (0..<2_500).map { [1, 8, 9][$0 % 3] }, classCount: 10)
        let finding = CollapseChecks.classes(collapsed, real: real, names: FashionMNIST.classNames)
        XCTAssertEqual(finding?.kind, .classImbalance)
        XCTAssertTrue(finding?.detail.contains("nearly missing T-shirt/top") ?? false, finding?.detail ?? "")
        // Samples the evaluator does not recognise (early blurs) get no class verdict.
        XCTAssertNil(CollapseChecks.classes(collapsed, real: real, confidentShare: 0.3))
        XCTAssertNotNil(CollapseChecks.classes(collapsed, real: real, confidentShare: 0.8))
        // Collapse is called when it persists: twice in a row, not improving fast.
        XCTAssertFalse(CollapseChecks.persists(0.9, previous: nil))
        XCTAssertTrue(CollapseChecks.persists(0.8, previous: 0.9))
        XCTAssertFalse(CollapseChecks.persists(0.3, previous: 0.9))
        // Mildly uneven (one class at half its share) stays quiet.
        let uneven = ClassHistogram(classes: (0..<2_500).map { $0 < 125 ? 0 : 1 + $0 % 9 }, classCount: 10)
        XCTAssertNil(CollapseChecks.classes(uneven, real: real))
    }

    /// Images measured through an evaluator (an untrained one: only its fixed predictions
    /// matter): samples that are the real images raise nothing, one image repeated raises a
    /// class collapse, for one channel and for stacked three-channel images.
    func testImageMonitorWarnsOnARepeatedImageNotOnTheRealImages() throws {
        let evaluator = FashionMNISTEvaluator(seed: 5)
        // Sharpen the untrained classifier so that its predictions follow the features rather than its bias.
        let network = evaluator.network
        network.update(["12.weight": network.parameter(named: "12.weight") * 300, "12.bias": network.parameter(named: "12.bias") * 0])
        var rng = RandomGenerator(seed: 6)
        // Images of varied brightness and texture, so the untrained evaluator predicts several classes.
        let count = 200
        let noise = Tensor.uniform([count, 1, 28, 28], low: -1, high: 1, generator: &rng)
        let level = Tensor((0..<count).map { Float($0 % 20) / 10 - 1 }, shape: [count, 1, 1, 1])
        let images = (noise * 0.5 + level).clamped(min: -1, max: 1)
        let predicted = evaluator.outputs(for: images).predictedClasses
        let histogram = ClassHistogram(classes: predicted, classCount: 10)
        XCTAssertGreaterThanOrEqual(histogram.counts.filter { $0 > 0 }.count, 2, "the test needs images of several classes: \(histogram.counts)")
        // The image of the rarest predicted class, repeated.
        let rare = histogram.counts.indices.filter { histogram.counts[$0] > 0 }.min { histogram.counts[$0] < histogram.counts[$1] }!
        let one = images.slice(axis: 0, predicted.firstIndex(of: rare)!..<predicted.firstIndex(of: rare)! + 1)
        let repeated = Tensor.concat(Array(repeating: one, count: count), axis: 0)
        let data = TensorDataset(samples: images, labels: [Int](repeating: 0, count: count))

        let good = monitor(for: images, dataset: "fashion-mnist", data: data, evaluator: evaluator).measure(step: 10)
        XCTAssertTrue(good.findings.isEmpty, "\(good.findings)")
        // Not 0: the real histogram has one extra count per class (a class the real images never
        // show must not make the KL infinite), which weighs on only 200 images.
        XCTAssertLessThan(good.scalars.first { $0.name == "monitorClassKL" }?.value ?? 1, 0.05)
        XCTAssertLessThan(abs(good.scalars.first { $0.name == "monitorFID" }?.value ?? 1), 1e-3)
        let badMonitor = monitor(for: repeated, dataset: "fashion-mnist", data: data, evaluator: evaluator)
        XCTAssertEqual(badMonitor.measure(step: 10).findings, [], "one collapsed-looking measurement is not enough")
        let bad = badMonitor.measure(step: 20)
        XCTAssertEqual(bad.findings.map(\.kind), [.classImbalance])
        XCTAssertNotNil(bad.warning)
        XCTAssertGreaterThan(bad.scalars.first { $0.name == "monitorFID" }?.value ?? 0, 0.1)

        // Stacked: three channels, each of the real images in a different order.
        func stack(_ a: Tensor, _ b: Tensor, _ c: Tensor) -> Tensor { Tensor.concat([a, b, c], axis: 1) }
        let shifted = Tensor.concat([images.slice(axis: 0, 7..<count), images.slice(axis: 0, 0..<7)], axis: 0)
        let stacked = stack(images, shifted, images)
        let stackedData = TensorDataset(samples: stacked, labels: [Int](repeating: 0, count: count))
        let goodStack = monitor(for: stacked, dataset: "stacked-fashion-mnist", data: stackedData, evaluator: evaluator).measure(step: 10)
        XCTAssertTrue(goodStack.findings.isEmpty, "\(goodStack.findings)")
        XCTAssertNotNil(goodStack.scalars.first { $0.name == "monitorStackedModes" })
        let collapsedStack = stack(images, repeated, images)  // channel 1 collapsed
        let stackMonitor = monitor(for: collapsedStack, dataset: "stacked-fashion-mnist", data: stackedData, evaluator: evaluator)
        _ = stackMonitor.measure(step: 10)
        let badStack = stackMonitor.measure(step: 20)
        XCTAssertEqual(badStack.findings.map(\.kind), [.classImbalance])
        XCTAssertTrue(badStack.findings.first?.detail.contains("in channel 1") ?? false, badStack.findings.first?.detail ?? "")
    }

    // MARK: The game

    func history(_ count: Int, _ values: (Int) -> [(String, Double)]) -> GameHealth {
        let health = GameHealth(windowLength: 200)
        for step in 0..<count { health.record(values(step)) }
        return health
    }

    func testPinnedDiscriminatorIsAFailingGameAndABalancedOneIsNot() {
        var rng = RandomGenerator(seed: 8)
        func jitter() -> Double { Double(rng.nextUniform()) * 0.01 }
        let pinned = history(200) { _ in [("realScore", 0.99 + jitter()), ("fakeScore", 0.003 + jitter()), ("lossD", 0.02), ("lossG", 6)] }
        XCTAssertEqual(pinned.assess().findings.map(\.kind), [.discriminatorWins])
        let balanced = history(200) { _ in
            [("realScore", 0.55 + 10 * jitter()), ("fakeScore", 0.42 + 10 * jitter()), ("lossD", 1.3 + 10 * jitter()), ("lossG", 0.8 + 10 * jitter())]
        }
        XCTAssertEqual(balanced.assess().findings, [])
        // Raw critic scores (Wasserstein) are not probabilities: no pinning verdict.
        let critic = GameHealth(windowLength: 200, scoresAreProbabilities: false)
        for _ in 0..<200 { critic.record([("realScore", 5), ("fakeScore", -5)]) }
        XCTAssertEqual(critic.assess().findings, [])
    }

    func testVanishingGeneratorGradientIsSeenAgainstItsEarlierLevel() {
        let health = GameHealth(windowLength: 100)
        for step in 0..<100 { health.record([("gradientNormG", 1 + Double(step % 5) * 0.1)]) }
        XCTAssertEqual(health.assess().findings, [])
        for step in 0..<100 { health.record([("gradientNormG", 2e-4 + Double(step % 5) * 1e-5)]) }
        let result = health.assess()
        XCTAssertEqual(result.findings.map(\.kind), [.vanishingGeneratorGradient])
        XCTAssertLessThan(result.scalars.first { $0.name == "monitorGradientGRatio" }?.value ?? 1, 0.01)
        // A norm that only halves is fine.
        let steady = GameHealth(windowLength: 100)
        for _ in 0..<100 { steady.record([("gradientNormG", 1)]) }
        _ = steady.assess()
        for _ in 0..<100 { steady.record([("gradientNormG", 0.5)]) }
        XCTAssertEqual(steady.assess().findings, [])
    }

    func testLossOscillationIsSeenAndNoiseOrATrendIsNot() {
        var rng = RandomGenerator(seed: 9)
        func noise() -> Double { Double(rng.nextUniform()) - 0.5 }
        let oscillating = history(200) { step in [("lossG", 1.5 + 0.8 * sin(2 * Double.pi * Double(step) / 25) + 0.1 * noise())] }
        let findings = oscillating.assess().findings
        XCTAssertEqual(findings.map(\.kind), [.lossOscillation])
        XCTAssertTrue(findings.first?.detail.contains("lossG oscillates") ?? false)
        let noisy = history(200) { _ in [("lossG", 0.9 + 0.6 * noise()), ("lossD", 1.2 + 0.4 * noise())] }
        XCTAssertEqual(noisy.assess().findings, [])
        let trend = history(200) { step in [("lossG", 0.7 + Double(step) * 0.005 + 0.1 * noise())] }
        XCTAssertEqual(trend.assess().findings, [])
    }

    func testAWarningIsPrintedOnceWhileTheSameTroublePersists() {
        var rng = RandomGenerator(seed: 10)
        let three = GaussianMixture(means: Array(GaussianMixture.ring8.means.prefix(3)), standardDeviation: 0.01)
        let monitor = monitor(for: three.sample(count: 2_500, generator: &rng).points, dataset: "ring8",
                              data: GaussianMixtureDataset(.ring8, count: 100, seed: 1))
        XCTAssertNil(monitor.measure(step: 10).warning)
        XCTAssertNotNil(monitor.measure(step: 20).warning)
        let again = monitor.measure(step: 30)
        XCTAssertEqual(again.findings.map(\.kind), [.missingModes])
        XCTAssertNil(again.warning, "the same trouble is not warned about twice in a row")
    }

    // MARK: In the trainer

    func testAMonitoredRunLogsItsMeasuresAndTrainsExactlyAsAnUnmonitoredOne() throws {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: "ring8")
        configuration.mixtureSampleCount = 640
        configuration.epochs = 2
        configuration.latentSize = 8
        configuration.gridSize = 16
        var paths: [String] = []
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        func run(monitored: Bool) throws -> (weights: [[Float]], log: String, reports: [MonitorReport]) {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-monitor-\(UUID().uuidString)").path
            paths.append(path)
            let trainer = try Trainer(configuration: configuration, run: RunDirectory(path), resume: false)
            if monitored { trainer.monitor = TrainingMonitor(trainer: trainer, interval: 5, sampleCount: 500) }
            var reports: [MonitorReport] = []
            try trainer.train(observer: { event in if case let .monitored(report) = event { reports.append(report) } })
            let weights = trainer.model.networks.flatMap { $0.module.state().map(\.value.scalars) }
            return (weights, try String(contentsOfFile: path + "/metrics.jsonl", encoding: .utf8), reports)
        }
        let plain = try run(monitored: false), watched = try run(monitored: true)
        XCTAssertEqual(plain.weights, watched.weights, "monitoring must not change the training")
        XCTAssertEqual(watched.reports.map(\.step), [5, 10, 15, 20])
        let lines = watched.log.split(separator: "\n")
        XCTAssertEqual(lines.count, 20)
        XCTAssertTrue(lines[4].contains("\"monitorModesCovered\""), String(lines[4]))
        XCTAssertTrue(lines[4].contains("\"monitorWarnings\""), String(lines[4]))
        XCTAssertFalse(lines[3].contains("monitor"), String(lines[3]))
        XCTAssertFalse(plain.log.contains("monitor"))
    }
}
