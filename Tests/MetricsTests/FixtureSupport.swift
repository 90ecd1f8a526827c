import Datasets
import Foundation
import Metrics
import TensorCore
import XCTest

/// Reads the committed fixtures made by Fixtures/make_metric_fixtures.py.
enum MetricFixtures {
    static func path(_ name: String, _ type: String) throws -> String {
        try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: type), "missing fixture \(name).\(type)").path
    }

    static func tensor(_ name: String) throws -> Tensor {
        try NumpyArray(contentsOf: path(name, "npy")).tensor()
    }

    static func features(_ name: String) throws -> FeatureMatrix {
        FeatureMatrix(try tensor(name))
    }

    static func indexRows(_ name: String) throws -> [[Int]] {
        let array = try NumpyArray(contentsOf: path(name, "npy"))
        let values = array.integerValues()
        let width = array.shape[1]
        return (0..<array.shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }

    static func reference() throws -> [String: Double] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path("reference", "json")))
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
}

/// Asserts |actual - expected| <= tolerance * |expected|.
func assertRelativelyClose(_ actual: Double, _ expected: Double, tolerance: Double = 1e-3, _ name: String,
                           file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertLessThanOrEqual(abs(actual - expected), tolerance * abs(expected),
                             "\(name): \(actual) differs from the NumPy reference \(expected)", file: file, line: line)
}
