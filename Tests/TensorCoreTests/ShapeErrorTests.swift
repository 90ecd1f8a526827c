import Foundation
import XCTest
import TensorCore

/// A shape mismatch stops the program with a message naming the op and both shapes. Each
/// case runs in a child copy of this test process (the failing op ends that process).
final class ShapeErrorTests: XCTestCase {
    static let cases: [String: @Sendable () -> Void] = [
        "add": { _ = Tensor.zeros([2, 3]) + Tensor.zeros([4]) },
        "matmul": { _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([4, 5])) },
        "conv2d": { _ = Tensor.zeros([1, 3, 8, 8]).conv2d(weight: Tensor.zeros([4, 2, 3, 3])) },
        "reshape": { _ = Tensor.zeros([2, 3]).reshape([4, 2]) },
    ]
    static let expectedFragments: [String: [String]] = [
        "add": ["add", "[2, 3]", "[4]"], "matmul": ["matmul", "[2, 3]", "[4, 5]"],
        "conv2d": ["conv2d", "[1, 3, 8, 8]", "[4, 2, 3, 3]"], "reshape": ["reshape", "[2, 3]", "[4, 2]"],
    ]

    /// The child's side: runs the case named by GANKIT_SHAPE_ERROR_CASE, which must stop the process.
    func testChildRunsFailingCase() throws {
        guard let name = ProcessInfo.processInfo.environment["GANKIT_SHAPE_ERROR_CASE"] else {
            throw XCTSkip("runs only as a child of testMismatchesStopWithMessage")
        }
        Self.cases[name]?()
        print("GANKIT-CASE-DID-NOT-STOP")
    }

    func testMismatchesStopWithMessage() throws {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0])
        for (name, fragments) in Self.expectedFragments {
            let process = Process()
            process.executableURL = executable
            process.arguments = ["TensorCoreTests.ShapeErrorTests/testChildRunsFailingCase"]
            process.environment = ProcessInfo.processInfo.environment.merging(["GANKIT_SHAPE_ERROR_CASE": name]) { $1 }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertNotEqual(process.terminationStatus, 0, "\(name): the process should stop")
            XCTAssertFalse(text.contains("GANKIT-CASE-DID-NOT-STOP"), name)
            for fragment in fragments {
                XCTAssertTrue(text.contains(fragment), "\(name): message should contain \(fragment): \(text.suffix(400))")
            }
        }
    }
}
