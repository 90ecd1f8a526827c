import Foundation
import XCTest

/// A test case that runs the built `gankit` in a scratch folder of its own.
class GankitTestCase: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: scratch) }

    /// Runs gankit (built beside this test bundle), with `environment` added to this process's,
    /// and returns its exit status and all output.
    func gankit(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("gankit")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: scratch)
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// Runs gankit, expects a non-zero exit, each fragment in the output and no crash; returns the output.
    @discardableResult
    func assertFails(_ arguments: [String], saying fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let (status, output) = try gankit(arguments)
        XCTAssertNotEqual(status, 0, "\(arguments) should fail", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(output.contains(fragment), "\(arguments): expected \(fragment) in: \(output)", file: file, line: line)
        }
        XCTAssertFalse(output.contains("Backtrace") || output.contains("Fatal error"), "no crash: \(output)", file: file, line: line)
        return output
    }
}
