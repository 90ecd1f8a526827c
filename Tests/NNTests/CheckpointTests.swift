import Foundation
import XCTest
import NN
import TensorCore

/// safetensors round trips, PyTorch-written files, and every kind of bad file.
final class CheckpointTests: XCTestCase {
    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("gankit-\(UUID().uuidString)-\(name)").path
    }

    func testRoundTripKeepsNamesShapesAndIntegerBuffers() throws {
        var rng = RandomGenerator(seed: 1)
        let model = ReferenceNetworks.generator(generator: &rng)
        model.train()
        _ = model(Tensor.randn([4, 100], generator: &rng))  // moves the running statistics
        let path = temporaryPath("g.safetensors")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.saveCheckpoint(to: path, metadata: ["model": "dcgan"])
        let contents = try SafeTensors.read(from: path)
        XCTAssertEqual(contents.metadata["model"], "dcgan")
        XCTAssertEqual(contents.dataTypes["1.num_batches_tracked"], .int64)
        XCTAssertEqual(contents.tensors["1.num_batches_tracked"]?.scalars, [1])
        XCTAssertEqual(contents.tensors["0.weight"]?.shape, [12544, 100])
        XCTAssertEqual(contents.tensors["4.weight"]?.shape, [256, 128, 5, 5])
        XCTAssertEqual(Set(contents.tensors.keys), Set(model.state().map(\.name)))

        var other = RandomGenerator(seed: 2)
        let copy = ReferenceNetworks.generator(generator: &other)
        try copy.loadCheckpoint(from: path)
        for ((name, a), (_, b)) in zip(model.state(), copy.state()) { XCTAssertEqual(a.scalars, b.scalars, name) }
    }

    func testPyTorchCheckpointLoadsAndMismatchesAreListed() throws {
        var rng = RandomGenerator(seed: 3)
        let D = ReferenceNetworks.discriminator(generator: &rng)
        try D.loadCheckpoint(from: ReferenceNetworks.fixture("dcgan_D_initial"))
        let G = ReferenceNetworks.generator(generator: &rng)
        XCTAssertThrowsError(try G.loadCheckpoint(from: ReferenceNetworks.fixture("dcgan_D_initial"))) { error in
            let message = String(describing: error)
            XCTAssertTrue(message.contains("dcgan_D_initial"), message)
            XCTAssertTrue(message.contains("missing keys: 0.weight") || message.contains("missing keys:"), message)
            XCTAssertTrue(message.contains("unexpected keys: 0.bias"), message)
            XCTAssertTrue(message.contains("0.weight has shape [64, 1, 5, 5] in the file, [12544, 100] in the model"), message)
        }
        let untouched = G.state().map(\.value.scalars)
        XCTAssertEqual(untouched, G.state().map(\.value.scalars), "a failed load changes nothing")
    }

    func testCorruptFilesThrowWithMessages() throws {
        let good = SafeTensors.encode([("a", Tensor([1, 2, 3])), ("b", Tensor([4], shape: [1, 1]))])
        XCTAssertEqual(try SafeTensors.decode(good, source: "good").tensors["a"]?.scalars, [1, 2, 3])

        func expectFailure(_ bytes: Data, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try SafeTensors.decode(bytes, source: "bad.safetensors"), file: file, line: line) { error in
                let message = String(describing: error)
                XCTAssertTrue(message.contains("bad.safetensors") && message.contains(fragment), message, file: file, line: line)
            }
        }
        func header(_ json: String, data: Int) -> Data {
            var bytes = Data()
            withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: Array(json.utf8))
            bytes.append(Data(count: data))
            return bytes
        }
        var hugeLength = good
        hugeLength.replaceSubrange(0..<8, with: [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
        expectFailure(hugeLength, "header length")
        expectFailure(Data([1, 2, 3]), "shorter than the 8-byte header")
        expectFailure(header("{not json", data: 0), "not valid JSON")
        expectFailure(header("[1, 2]", data: 0), "not a JSON object")
        expectFailure(header(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 16]}}"#, data: 8), "outside the 8 data bytes")
        expectFailure(header(#"{"a": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}"#, data: 8), "does not fit its 8 bytes")
        expectFailure(header(#"{"w": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 0]}}"#, data: 0), "does not fit")
        expectFailure(header(#"{"w": {"dtype": "F64", "shape": [2305843009213693952], "data_offsets": [0, 0]}}"#, data: 0), "does not fit")
        expectFailure(header(#"{"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 0]}}"#, data: 0), "does not fit")
        expectFailure(header(#"{"a": {"dtype": "Q7", "shape": [2], "data_offsets": [0, 8]}}"#, data: 8), "unsupported dtype Q7")
        expectFailure(header(#"{"a": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}}"#, data: 8), "invalid shape")
        expectFailure(header(#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}"#, data: 8), "overlap")
        expectFailure(header(#"{"a": {"dtype": "F32"}}"#, data: 0), "lacks dtype")
        // Truncation anywhere and flipped bytes: an error or a valid decode, never a crash.
        for cut in stride(from: 0, to: good.count, by: 3) { _ = try? SafeTensors.decode(good.prefix(cut), source: "cut") }
        for position in 0..<good.count {
            var flipped = good
            flipped[position] ^= 0x5A
            _ = try? SafeTensors.decode(flipped, source: "flipped")
        }
        XCTAssertThrowsError(try SafeTensors.read(from: "/nonexistent/file.safetensors")) { error in
            XCTAssertTrue(String(describing: error).contains("/nonexistent/file.safetensors"))
        }
    }

    func testReducedPrecisionTypesConvert() throws {
        // F16 1.5 = 0x3E00, -2 = 0xC000; BF16 1.5 = 0x3FC0; F64 0.25; I64 -7.
        var data = Data()
        let json = #"{"h": {"dtype": "F16", "shape": [2], "data_offsets": [0, 4]}, "b": {"dtype": "BF16", "shape": [1], "data_offsets": [4, 6]}, "d": {"dtype": "F64", "shape": [], "data_offsets": [6, 14]}, "i": {"dtype": "I64", "shape": [], "data_offsets": [14, 22]}}"#
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(json.utf8))
        data.append(contentsOf: [0x00, 0x3E, 0x00, 0xC0, 0xC0, 0x3F])
        withUnsafeBytes(of: (0.25 as Double).bitPattern.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: Int64(-7).littleEndian) { data.append(contentsOf: $0) }
        let contents = try SafeTensors.decode(data, source: "types")
        XCTAssertEqual(contents.tensors["h"]?.scalars, [1.5, -2])
        XCTAssertEqual(contents.tensors["b"]?.scalars, [1.5])
        XCTAssertEqual(contents.tensors["d"]?.scalars, [0.25])
        XCTAssertEqual(contents.tensors["i"]?.scalars, [-7])
    }
}
