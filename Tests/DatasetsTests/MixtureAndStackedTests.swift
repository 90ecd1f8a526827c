import XCTest
import TensorCore
@testable import Datasets

final class MixtureAndStackedTests: XCTestCase {
    func testRing8AndGrid25FollowThePacGANProtocol() {
        XCTAssertEqual(GaussianMixture.ring8.means.count, 8)
        XCTAssertEqual(GaussianMixture.ring8.standardDeviation, 0.01)
        for (index, mean) in GaussianMixture.ring8.means.enumerated() {
            let angle = 2 * Double.pi * Double(index) / 8
            XCTAssertEqual(Double(mean.x), cos(angle), accuracy: 1e-6)
            XCTAssertEqual(Double(mean.y), sin(angle), accuracy: 1e-6)
        }
        let grid = GaussianMixture.grid25
        XCTAssertEqual(grid.standardDeviation, 0.05)
        XCTAssertEqual(Set(grid.means.map { [$0.x, $0.y] }).count, 25)
        XCTAssertEqual(Set(grid.means.map(\.x)), [-4, -2, 0, 2, 4])
        XCTAssertEqual(grid.meansTensor.shape, [25, 2])
        XCTAssertEqual(GaussianMixture.named("GRID25"), grid)
        XCTAssertNil(GaussianMixture.named("ring9"))
    }

    func testSamplesAreSeededAndNearTheirModes() {
        var first = RandomGenerator(seed: 7), second = RandomGenerator(seed: 7), other = RandomGenerator(seed: 8)
        let (points, components) = GaussianMixture.grid25.sample(count: 4000, generator: &first)
        XCTAssertEqual(points.shape, [4000, 2])
        XCTAssertEqual(GaussianMixture.grid25.sample(count: 4000, generator: &second).points.scalars, points.scalars)
        XCTAssertNotEqual(GaussianMixture.grid25.sample(count: 4000, generator: &other).points.scalars, points.scalars)
        XCTAssertEqual(Set(components).count, 25)
        let scalars = points.scalars
        var squaredDeviation: Double = 0
        for index in 0..<4000 {
            let point = SIMD2(scalars[2 * index], scalars[2 * index + 1])
            let nearest = GaussianMixture.grid25.nearestMode(to: point)
            XCTAssertEqual(nearest.index, components[index])
            let difference = point - GaussianMixture.grid25.means[components[index]]
            squaredDeviation += Double((difference * difference).sum())
        }
        // Per-coordinate standard deviation estimated from 8,000 coordinates.
        XCTAssertEqual((squaredDeviation / 8000).squareRoot(), 0.05, accuracy: 0.003)
    }

    func testMixtureDataset() {
        let dataset = GaussianMixtureDataset(.ring8, count: 100, seed: 1)
        XCTAssertEqual(dataset.count, 100)
        XCTAssertEqual(dataset.sampleShape, [2])
        let sample = dataset.sample(at: 3)
        XCTAssertEqual(GaussianMixture.ring8.nearestMode(to: SIMD2(sample.scalars[0], sample.scalars[1])).index, dataset.label(at: 3))
        XCTAssertEqual(GaussianMixtureDataset(.ring8, count: 100, seed: 1).points, dataset.points)
    }

    func testStackedImagesHaveThreeChannelsAndTripleLabels() {
        // Base: 10 one-pixel-wide images whose pixel byte encodes the label.
        let base = ByteImageDataset(pixels: (0..<10).flatMap { [UInt8($0 * 20), UInt8($0 * 20)] },
                                    labels: Array(0..<10), channels: 1, height: 1, width: 2)
        let stacked = StackedDataset(base: base, count: 2000, seed: 3)
        XCTAssertEqual(stacked.sampleShape, [3, 1, 2])
        var labels = Set<Int>()
        for index in 0..<stacked.count {
            let label = stacked.label(at: index)
            labels.insert(label)
            let scalars = stacked.sample(at: index).scalars
            let digits = [label / 100, label / 10 % 10, label % 10]
            for channel in 0..<3 {
                XCTAssertEqual(scalars[2 * channel], Float(digits[channel] * 20) * 2 / 255 - 1, accuracy: 1e-6)
            }
        }
        XCTAssertGreaterThan(labels.count, 800) // 2,000 draws over 1,000 modes cover most of them
        XCTAssertEqual(StackedDataset(base: base, count: 2000, seed: 3).baseIndices, stacked.baseIndices)
    }
}
