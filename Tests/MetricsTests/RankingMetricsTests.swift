import Foundation
import Metrics
import XCTest

/// AUROC and average precision against scikit-learn on the committed fixture made by
/// Fixtures/make_ranking_fixture.py (ties included).
final class RankingMetricsTests: XCTestCase {
    struct Case: Decodable {
        let name: String
        let scores: [Float]
        let labels: [Int]
        let auroc: Double
        let average_precision: Double
    }

    func testAgreesWithScikitLearnIncludingTies() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: MetricFixtures.path("ranking", "json")))
        let cases = try JSONDecoder().decode([Case].self, from: data)
        XCTAssertEqual(cases.count, 7)
        for c in cases {
            let positives = c.labels.map { $0 == 1 }
            let auroc = try RankingMetrics.areaUnderROC(scores: c.scores, positives: positives)
            let precision = try RankingMetrics.averagePrecision(scores: c.scores, positives: positives)
            XCTAssertEqual(auroc, c.auroc, accuracy: 1e-12, "\(c.name): AUROC")
            XCTAssertEqual(precision, c.average_precision, accuracy: 1e-12, "\(c.name): average precision")
        }
    }

    func testATieBetweenClassesCountsOneHalf() throws {
        XCTAssertEqual(try RankingMetrics.areaUnderROC(scores: [1, 1], positives: [true, false]), 0.5)
        XCTAssertEqual(try RankingMetrics.areaUnderROC(scores: [2, 1, 1], positives: [true, true, false]), 0.75)
    }

    func testBadInputIsRefused() {
        XCTAssertThrowsError(try RankingMetrics.areaUnderROC(scores: [1, 2], positives: [true, true])) {
            XCTAssertTrue("\($0)".contains("both positive and negative"))
        }
        XCTAssertThrowsError(try RankingMetrics.areaUnderROC(scores: [1, 2], positives: [true]))
        XCTAssertThrowsError(try RankingMetrics.averagePrecision(scores: [1, .nan], positives: [true, false])) {
            XCTAssertTrue("\($0)".contains("finite"))
        }
        XCTAssertThrowsError(try RankingMetrics.averagePrecision(scores: [1, 2], positives: [false, false]))
    }
}
