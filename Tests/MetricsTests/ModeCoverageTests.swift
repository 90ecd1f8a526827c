import Datasets
import Foundation
import Metrics
import TensorCore
import XCTest

/// The PacGAN mode-counting protocol on samples from the true mixtures and on collapsed sets.
final class ModeCoverageTests: XCTestCase {
    func testTrueRing8SamplesCoverAllModes() {
        var generator = RandomGenerator(seed: 1)
        let points = GaussianMixture.ring8.sample(count: ModeCoverage.protocolSampleCount, generator: &generator).points
        let coverage = ModeCoverage(points: points, mixture: .ring8)
        XCTAssertEqual(coverage.coveredModes, 8)
        XCTAssertEqual(coverage.modeCount, 8)
        XCTAssertGreaterThan(coverage.highQualityShare, 0.98)  // 1 - exp(-4.5) = 98.9% of a 2-D Gaussian lies within 3 std
        XCTAssertLessThan(try XCTUnwrap(coverage.reverseKL), 0.01)
    }

    func testTrueGrid25SamplesCoverAllModes() {
        var generator = RandomGenerator(seed: 2)
        let points = GaussianMixture.grid25.sample(count: ModeCoverage.protocolSampleCount, generator: &generator).points
        let coverage = ModeCoverage(points: points, mixture: .grid25)
        XCTAssertEqual(coverage.coveredModes, 25)
        XCTAssertGreaterThan(coverage.highQualityShare, 0.98)  // 1 - exp(-4.5) = 98.9% of a 2-D Gaussian lies within 3 std
        XCTAssertLessThan(try XCTUnwrap(coverage.reverseKL), 0.02)
        XCTAssertEqual(try XCTUnwrap(coverage.spread), ModeCoverage.trueSpread, accuracy: 0.03, "the data's own spread")
        XCTAssertEqual(ModeCoverage.trueSpread, 0.974, accuracy: 0.001)
    }

    func testSpreadMeasuresHowWideTheModesAre() throws {
        // Samples at half the mixture's standard deviation spread half as wide; points on
        // the means do not spread at all.
        var generator = RandomGenerator(seed: 4)
        let narrow = GaussianMixture(means: GaussianMixture.grid25.means, standardDeviation: 0.025)
        let points = narrow.sample(count: ModeCoverage.protocolSampleCount, generator: &generator).points
        XCTAssertEqual(try XCTUnwrap(ModeCoverage(points: points, mixture: .grid25).spread), 0.5, accuracy: 0.02)
        let means = Tensor(GaussianMixture.ring8.means.flatMap { [$0.x, $0.y] }, shape: [8, 2])
        XCTAssertEqual(try XCTUnwrap(ModeCoverage(points: means, mixture: .ring8).spread), 0, accuracy: 1e-6)
    }

    func testCollapsedSetCoversOneMode() {
        var generator = RandomGenerator(seed: 3)
        let mode = GaussianMixture(means: [GaussianMixture.grid25.means[7]], standardDeviation: 0.05)
        let points = mode.sample(count: ModeCoverage.protocolSampleCount, generator: &generator).points
        let coverage = ModeCoverage(points: points, mixture: .grid25)
        XCTAssertEqual(coverage.coveredModes, 1)
        XCTAssertEqual(coverage.modeHistogram[7], coverage.modeHistogram.reduce(0, +))
        XCTAssertEqual(try XCTUnwrap(coverage.reverseKL), log(25), accuracy: 1e-9)
    }

    func testPointsFarFromEveryModeAreLowQuality() {
        let points = Tensor([Float](repeating: 0, count: 2 * 100), shape: [100, 2])  // the ring's center
        let coverage = ModeCoverage(points: points, mixture: .ring8)
        XCTAssertEqual(coverage.coveredModes, 0)
        XCTAssertEqual(coverage.highQualityShare, 0)
        XCTAssertNil(coverage.reverseKL)
    }
}
