import Foundation
import Metrics
import TensorCore
import XCTest

/// The feature-space metrics against the NumPy/SciPy reference of make_metric_fixtures.py,
/// computed on the same committed features.
final class FeatureMetricsTests: XCTestCase {
    func testFrechetDistanceMatchesSciPy() throws {
        let reference = try MetricFixtures.reference()
        let real = try MetricFixtures.features("real_features")
        let generated = try MetricFixtures.features("generated_features")
        assertRelativelyClose(FrechetDistance.between(real, generated), try XCTUnwrap(reference["fid"]), "FID")
        assertRelativelyClose(FrechetDistance.between(generated, real), try XCTUnwrap(reference["fid"]), "FID (swapped)")
    }

    func testFrechetDistanceOfASetWithItselfIsZero() throws {
        let real = try MetricFixtures.features("real_features")
        let statistics = FeatureStatistics(real)
        XCTAssertEqual(FrechetDistance.between(statistics, statistics), 0, accuracy: 1e-9 * statistics.covarianceTrace)
    }

    func testKernelInceptionDistanceMatchesNumPy() throws {
        let reference = try MetricFixtures.reference()
        let kid = KernelInceptionDistance(real: try MetricFixtures.features("real_features"),
                                          generated: try MetricFixtures.features("generated_features"),
                                          realSubsets: try MetricFixtures.indexRows("kid_real_subsets"),
                                          generatedSubsets: try MetricFixtures.indexRows("kid_generated_subsets"))
        assertRelativelyClose(kid.mean, try XCTUnwrap(reference["kid_mean"]), "KID mean")
        assertRelativelyClose(kid.standardDeviation, try XCTUnwrap(reference["kid_std"]), "KID std")
        XCTAssertEqual(kid.subsetCount, 10)
        XCTAssertEqual(kid.subsetSize, 100)
    }

    func testKernelInceptionDistanceIsUnbiasedNearZeroForOneDistribution() throws {
        let real = try MetricFixtures.features("real_features")
        let halves = (Array(0..<250), Array(250..<500))
        let kid = KernelInceptionDistance(real: real.rows(halves.0), generated: real.rows(halves.1), subsetCount: 20, subsetSize: 200, seed: 1)
        let shifted = KernelInceptionDistance(real: real.rows(halves.0), generated: try MetricFixtures.features("generated_features"),
                                              subsetCount: 20, subsetSize: 200, seed: 1)
        XCTAssertLessThan(abs(kid.mean), 3 * kid.standardDeviation + 1e-12)
        XCTAssertGreaterThan(shifted.mean, 10 * abs(kid.mean))
    }

    func testPrecisionRecallDensityCoverageMatchPRDC() throws {
        let reference = try MetricFixtures.reference()
        let metrics = ManifoldMetrics(real: try MetricFixtures.features("real_features"),
                                      generated: try MetricFixtures.features("generated_features"), k: 3)
        assertRelativelyClose(metrics.precision, try XCTUnwrap(reference["precision"]), "precision")
        assertRelativelyClose(metrics.recall, try XCTUnwrap(reference["recall"]), "recall")
        assertRelativelyClose(metrics.density, try XCTUnwrap(reference["density"]), "density")
        assertRelativelyClose(metrics.coverage, try XCTUnwrap(reference["coverage"]), "coverage")
    }

    func testManifoldMetricsOfASetAgainstItself() throws {
        let real = try MetricFixtures.features("real_features")
        let metrics = ManifoldMetrics(real: real, generated: real, k: 3)
        XCTAssertEqual(metrics.precision, 1)
        XCTAssertEqual(metrics.recall, 1)
        XCTAssertEqual(metrics.coverage, 1)
    }

    func testInceptionScoreMatchesNumPy() throws {
        let reference = try MetricFixtures.reference()
        let score = InceptionScore(probabilities: try MetricFixtures.tensor("probabilities"), splitCount: 10)
        assertRelativelyClose(score.mean, try XCTUnwrap(reference["inception_score_mean"]), "IS mean")
        assertRelativelyClose(score.standardDeviation, try XCTUnwrap(reference["inception_score_std"]), "IS std")
    }

    func testInceptionScoreBounds() {
        let uniformClasses = Tensor.full([100, 10], 0.1)
        XCTAssertEqual(InceptionScore(probabilities: uniformClasses).mean, 1, accuracy: 1e-9)
        let confident = Tensor((0..<100).flatMap { row in (0..<10).map { $0 == row % 10 ? Float(1) : 0 } }, shape: [100, 10])
        XCTAssertEqual(InceptionScore(probabilities: confident).mean, 10, accuracy: 1e-9)
    }

    func testSymmetricEigendecompositionReconstructsTheMatrix() {
        let matrix: [Double] = [4, 1, 2, 1, 3, 0, 2, 0, 5]
        let decomposition = SymmetricEigendecomposition(symmetric: matrix, size: 3)
        XCTAssertEqual(decomposition.eigenvalues, decomposition.eigenvalues.sorted())
        XCTAssertEqual(decomposition.eigenvalues.reduce(0, +), 12, accuracy: 1e-12)  // the trace
        for (rebuilt, original) in zip(decomposition.reconstructed { $0 }, matrix) {
            XCTAssertEqual(rebuilt, original, accuracy: 1e-12)
        }
        let root = decomposition.reconstructed { $0.squareRoot() }
        for row in 0..<3 {
            for column in 0..<3 {
                let square = (0..<3).reduce(0.0) { $0 + root[row * 3 + $1] * root[$1 * 3 + column] }
                XCTAssertEqual(square, matrix[row * 3 + column], accuracy: 1e-12)
            }
        }
    }

    func testClassHistogramDivergence() {
        let real = ClassHistogram(classes: Array(0..<10) + Array(0..<10), classCount: 10)
        XCTAssertEqual(real.divergence(from: real), 0)
        let collapsed = ClassHistogram(classes: [3, 3, 3, 3], classCount: 10)
        XCTAssertEqual(collapsed.divergence(from: real), log(10), accuracy: 1e-12)
        XCTAssertEqual(collapsed.emptyClasses.count, 9)
        XCTAssertEqual(classConsistency(predicted: [1, 2, 3, 4], requested: [1, 2, 0, 4]), 0.75)
    }
}
