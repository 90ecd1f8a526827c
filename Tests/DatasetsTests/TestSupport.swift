import Foundation
import XCTest
@testable import Datasets

/// A fresh temporary directory for one test, removed by the caller's `addTeardownBlock`.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("datasets-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Writes `bytes` to `directory/name` and returns the path.
@discardableResult
func write(_ bytes: [UInt8], to directory: String, name: String) throws -> String {
    let path = (directory as NSString).appendingPathComponent(name)
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// Asserts that `body` throws a `DatasetError` whose message contains every fragment.
func assertDatasetError<T>(_ body: @autoclosure () throws -> T, mentions fragments: [String],
                           file: StaticString = #filePath, line: UInt = #line) {
    do {
        _ = try body()
        XCTFail("expected a DatasetError mentioning \(fragments)", file: file, line: line)
    } catch let error as DatasetError {
        for fragment in fragments {
            XCTAssertTrue(error.description.contains(fragment), "\"\(error)\" does not mention \"\(fragment)\"", file: file, line: line)
        }
    } catch {
        XCTFail("expected a DatasetError, got \(error)", file: file, line: line)
    }
}

/// Tiny IDX image and label files: `count` images of `height` x `width` whose pixel bytes are
/// `(image * 7 + offset) % 256`, labels `image % 10`.
func makeIDXPair(count: Int, height: Int = 3, width: Int = 2) -> (images: IDXArray, labels: IDXArray) {
    let pixels = (0..<(count * height * width)).map { UInt8(($0 * 7) % 256) }
    let images = IDXArray(elementType: .unsignedByte, dimensions: [count, height, width], bytes: pixels)
    let labels = IDXArray(elementType: .unsignedByte, dimensions: [count], bytes: (0..<count).map { UInt8($0 % 10) })
    return (images, labels)
}

let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

/// The committed fixtures (found next to this source file, so the tests work with or without
/// the test target's resource bundle).
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
