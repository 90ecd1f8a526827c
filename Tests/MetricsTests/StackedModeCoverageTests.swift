import XCTest
import Metrics
import TensorCore

/// The stacked Fashion-MNIST protocol: channels classified one by one name one of 1,000 modes.
final class StackedModeCoverageTests: XCTestCase {
    func testChannelsNameModesAndTheKLToUniform() {
        // Channel c of image n holds the constant value (n + c) % 10, which the stand-in
        // classifier reads back as its class.
        let count = 20
        var values: [Float] = []
        for n in 0..<count { for c in 0..<3 { values += [Float](repeating: Float((n + c) % 10), count: 4) } }
        let images = Tensor(values, shape: [count, 3, 2, 2])
        let coverage = StackedModeCoverage(images: images) { batch in
            XCTAssertEqual(Array(batch.shape.dropFirst()), [1, 2, 2])
            return (0..<batch.shape[0]).map { Int(batch.scalars[4 * $0]) }
        }
        XCTAssertEqual(coverage.modeCount, 1_000)
        XCTAssertEqual(coverage.sampleCount, count)
        XCTAssertEqual(coverage.modeHistogram[12], 2, "images 0 and 10 are mode 0·100 + 1·10 + 2")
        XCTAssertEqual(coverage.modeHistogram[901], 2, "image 9: classes 9, 0, 1")
        XCTAssertEqual(coverage.coveredModes, 10)
        // Ten modes hit evenly: KL = log(1000 / 10).
        XCTAssertEqual(coverage.klToUniform, log(100), accuracy: 1e-9)

        let uniform = StackedModeCoverage(modes: Array(0..<1_000), modeCount: 1_000)
        XCTAssertEqual(uniform.coveredModes, 1_000)
        XCTAssertEqual(uniform.klToUniform, 0, accuracy: 1e-12)
        let collapsed = StackedModeCoverage(modes: [Int](repeating: 7, count: 50), modeCount: 1_000)
        XCTAssertEqual(collapsed.coveredModes, 1)
        XCTAssertEqual(collapsed.klToUniform, log(1_000), accuracy: 1e-9)
    }
}
