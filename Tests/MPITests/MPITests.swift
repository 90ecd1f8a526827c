import Foundation
import NN
import TensorCore
import XCTest

/// Data-parallel training under `mpirun -np 2` (skipped with a message where Open MPI is not
/// installed): the multi-process checks of bucketing, sharded random draws and synchronized
/// BatchNorm, and `gankit train` on 2 processes against one.
final class MPITests: XCTestCase {
    var scratch: String!

    override func setUpWithError() throws {
        guard let mpirun = Self.mpirun else {
            throw XCTSkip("MPI tests skipped: mpirun not found (install Debian's openmpi-bin to run them)")
        }
        guard dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL) != nil || dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL) != nil else {
            throw XCTSkip("MPI tests skipped: \(mpirun) found but Open MPI's libmpi.so.40 cannot be loaded")
        }
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gankit-mpi-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    }

    override func tearDown() { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }

    static let mpirun: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/mpirun" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// A program built beside this test bundle.
    func built(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Runs `arguments` (`processes` > 0: under mpirun with that many processes of one thread
    /// each) in the scratch folder; returns the exit status and all output.
    func run(_ arguments: [String], processes: Int) throws -> (status: Int32, output: String) {
        let process = Process()
        if processes > 0 {
            process.executableURL = URL(fileURLWithPath: Self.mpirun!)
            process.arguments = ["--allow-run-as-root", "--oversubscribe", "-np", String(processes),
                                 "-x", "GANKIT_THREADS=1", "-x", "OPENBLAS_NUM_THREADS=1"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: arguments[0])
            process.arguments = Array(arguments.dropFirst())
            var environment = ProcessInfo.processInfo.environment
            environment["GANKIT_THREADS"] = "1"
            environment["OPENBLAS_NUM_THREADS"] = "1"
            process.environment = environment
        }
        process.currentDirectoryURL = URL(fileURLWithPath: scratch)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func testBucketingShardedDrawsAndSynchronizedBatchNormMatchOneProcess() throws {
        let (status, output) = try run([built("gankit-mpi-check"), "bucketing", "sharding", "batchnorm"], processes: 2)
        XCTAssertEqual(status, 0, output)
        for check in ["bucketing", "sharding", "batchnorm"] {
            for rank in 0..<2 { XCTAssertTrue(output.contains("ok \(check) (rank \(rank) of 2)"), output) }
        }
    }

    /// dcgan (BatchNorm in G, dropout in D, real and fake batches through D together): 2 steps
    /// at global batch 8 on 2 processes give one process's weights up to float rounding, and
    /// resuming on 1 process for a third step gives the 3-step run of 2 processes.
    func testTwoProcessesTrainTheModelOneProcessTrains() throws {
        let gankit = built("gankit")
        let common = ["train", "dcgan", "--batch", "8", "--seed", "3"]
        let (one, oneOutput) = try run([gankit] + common + ["--steps", "2", "--out", "one"], processes: 0)
        XCTAssertEqual(one, 0, oneOutput)
        let (two, twoOutput) = try run([gankit] + common + ["--steps", "2", "--out", "two"], processes: 2)
        XCTAssertEqual(two, 0, twoOutput)
        XCTAssertTrue(twoOutput.contains("data-parallel: 2 processes"), twoOutput)
        func weights(_ run: String, _ network: String) throws -> [String: Tensor] {
            try SafeTensors.read(from: "\(scratch!)/\(run)/checkpoints/\(network).safetensors").tensors
        }
        for network in ["generator", "discriminator"] {
            let a = try weights("one", network), b = try weights("two", network)
            XCTAssertEqual(Set(a.keys), Set(b.keys))
            let largest = a.keys.map { name in zip(a[name]!.scalars, b[name]!.scalars).map { abs($0 - $1) }.max() ?? 0 }.max()!
            XCTAssertLessThan(largest, 1e-4, "\(network): 2 processes differ from 1 by \(largest)")
        }
        // Only rank 0 wrote: one metrics line per step.
        let lines = try String(contentsOfFile: "\(scratch!)/two/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        // Resume the 2-process run in 1 process and the 1-process run in 2: both match a third step.
        XCTAssertEqual(try run([gankit] + common + ["--steps", "3", "--out", "two", "--resume"], processes: 0).status, 0)
        XCTAssertEqual(try run([gankit] + common + ["--steps", "3", "--out", "one", "--resume"], processes: 2).status, 0)
        let a = try weights("one", "generator"), b = try weights("two", "generator")
        let largest = a.keys.map { name in zip(a[name]!.scalars, b[name]!.scalars).map { abs($0 - $1) }.max() ?? 0 }.max()!
        XCTAssertLessThan(largest, 1e-4, "resumed across process counts: \(largest)")
    }

    func testABatchThatDoesNotSplitEndsEveryProcessWithOneMessage() throws {
        let (status, output) = try run([built("gankit"), "train", "dcgan", "--batch", "7", "--steps", "1", "--out", "odd"], processes: 2)
        XCTAssertNotEqual(status, 0)
        XCTAssertTrue(output.contains("--batch 7 does not split evenly over 2 MPI processes"), output)
        XCTAssertFalse(output.contains("Fatal error") || output.contains("Backtrace"), output)
    }
}
