import Foundation
import XCTest
import TensorCore
@testable import Datasets

final class NumpyTests: XCTestCase {
    /// Builds `.npy` bytes by hand the way NumPy does: preamble, padded header, data.
    private func handMade(header: String, version: UInt8 = 1, data: [UInt8]) -> [UInt8] {
        var text = header
        let preamble = version == 1 ? 10 : 12
        text += String(repeating: " ", count: (64 - (preamble + text.utf8.count + 1) % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let length = text.utf8.count
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        if version != 1 { bytes += [0, 0] }
        return bytes + Array(text.utf8) + data
    }

    func testRoundTripsEveryTypeAndBothVersions() throws {
        let arrays = [
            NumpyArray(float32: [1.5, -2, 0.25, 3, 4, 5], shape: [2, 3]),
            NumpyArray(float64: [1e-300, -7.5], shape: [2]),
            NumpyArray(uint8: [0, 255, 7], shape: [3, 1]),
            NumpyArray(int64: [-1, 1 << 40], shape: [2]),
            NumpyArray(float32: [42], shape: []),
        ]
        for array in arrays {
            for version in [1, 2] {
                let bytes = array.encoded(version: version)
                XCTAssertEqual(bytes[6], UInt8(version))
                let headerEnd = version == 1 ? 10 + Int(bytes[8]) + Int(bytes[9]) << 8 : 12 + Int(bytes[8]) + Int(bytes[9]) << 8
                XCTAssertEqual(headerEnd % 64, 0, "data must start on a 64-byte boundary")
                XCTAssertEqual(try NumpyArray(fileBytes: bytes), array)
            }
        }
        XCTAssertEqual(NumpyArray(int64: [-1, 1 << 40], shape: [2]).integerValues(), [-1, 1 << 40])
        XCTAssertEqual(NumpyArray(float64: [1.5, -2], shape: [2]).floatValues(), [1.5, -2])
    }

    func testReadsHandMadeNumpyStyleFiles() throws {
        let values: [Float] = [0.5, -1]
        let data = NumpyArray.littleEndianBytes(of: values)
        let v1 = handMade(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1), }", data: data)
        let array = try NumpyArray(fileBytes: v1)
        XCTAssertEqual(array.shape, [2, 1])
        XCTAssertEqual(array.floatValues(), values)
        let v2 = handMade(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", version: 2, data: data)
        XCTAssertEqual(try NumpyArray(fileBytes: v2).shape, [2])
        XCTAssertEqual(try NumpyArray(fileBytes: v2).tensor().scalars, values)
    }

    func testTensorSamplesContract() throws {
        let directory = try makeTemporaryDirectory(self)
        let samples = Tensor((0..<24).map { Float($0) / 12 - 1 }, shape: [2, 3, 2, 2])
        let path = (directory as NSString).appendingPathComponent("samples.npy")
        try NumpyArray(samples).write(to: path)
        let back = try NumpyArray(contentsOf: path)
        XCTAssertEqual(back.elementType, .float32)
        XCTAssertEqual(back.shape, [2, 3, 2, 2])
        XCTAssertEqual(back.tensor().scalars, samples.scalars)
    }

    func testRefusesFortranOrderAndBigEndianClearly() {
        let data = [UInt8](repeating: 0, count: 8)
        let fortran = handMade(header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", data: data)
        assertDatasetError(try NumpyArray(fileBytes: fortran), mentions: ["Fortran order"])
        let bigEndian = handMade(header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", data: data)
        assertDatasetError(try NumpyArray(fileBytes: bigEndian), mentions: ["big-endian"])
        let complex = handMade(header: "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: data)
        assertDatasetError(try NumpyArray(fileBytes: complex), mentions: ["<c8", "not supported"])
    }

    func testMalformedHeadersAndTruncationNameTheFile() throws {
        let directory = try makeTemporaryDirectory(self)
        let data = [UInt8](repeating: 0, count: 8)
        for header in ["not a dict", "{'descr': '<f4', 'shape': (2,), }", "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }",
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (two,), }", "{'descr': <f4, 'fortran_order': False, 'shape': (2,)}",
                       "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}"] {
            let path = try write(handMade(header: header, data: data), to: directory, name: "bad.npy")
            assertDatasetError(try NumpyArray(contentsOf: path), mentions: [path, "malformed"])
        }
        let good = NumpyArray(float32: [1, 2, 3], shape: [3]).encoded()
        let path = try write(Array(good.dropLast(2)), to: directory, name: "short.npy")
        assertDatasetError(try NumpyArray(contentsOf: path), mentions: [path, "truncated"])
        for length in 0..<good.count {
            XCTAssertThrowsError(try NumpyArray(fileBytes: Array(good[..<length])), "length \(length)")
        }
        var generator = SplitMixForTests(seed: 11)
        for _ in 0..<300 {
            var corrupt = good
            corrupt[Int(generator.next() % UInt64(corrupt.count))] ^= UInt8(1 + generator.next() % 255)
            do { _ = try NumpyArray(fileBytes: corrupt) } catch is DatasetError {} catch { XCTFail("\(error)") }
        }
    }
}

/// Files written by NumPy itself (Fixtures/make_npy_fixtures.py), and files NumPy reads back.
final class NumpyCompatibilityTests: XCTestCase {
    private let directory = fixturesDirectory + "/npy"

    func testReadsFilesWrittenByNumPy() throws {
        let expected: [Float] = [0, 1, 2, 3, 4, 5]
        for (name, type) in [("arange_f4", NumpyArray.ElementType.float32), ("arange_f8", .float64), ("arange_u1", .uint8),
                             ("arange_i8", .int64), ("arange_f4_v2", .float32)] {
            let array = try NumpyArray(contentsOf: "\(directory)/\(name).npy")
            XCTAssertEqual(array.elementType, type, name)
            XCTAssertEqual(array.shape, [2, 3], name)
            XCTAssertEqual(array.floatValues(), expected, name)
            XCTAssertEqual(array.integerValues(), [0, 1, 2, 3, 4, 5], name)
        }
        let scalar = try NumpyArray(contentsOf: "\(directory)/scalar_f8.npy")
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.floatValues(), [-2.5])
        // Our own encoding of the same array is byte-for-byte what NumPy wrote.
        let ours = NumpyArray(float32: expected, shape: [2, 3]).encoded()
        XCTAssertEqual(ours, Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/arange_f4.npy"))))
        let oursVersion2 = NumpyArray(float32: expected, shape: [2, 3]).encoded(version: 2)
        XCTAssertEqual(oursVersion2, Array(try Data(contentsOf: URL(fileURLWithPath: "\(directory)/arange_f4_v2.npy"))))
    }

    func testRefusesNumPyFortranAndBigEndianFiles() {
        assertDatasetError(try NumpyArray(contentsOf: "\(directory)/fortran_f4.npy"), mentions: ["fortran_f4.npy", "Fortran order"])
        assertDatasetError(try NumpyArray(contentsOf: "\(directory)/big_endian_f4.npy"), mentions: ["big_endian_f4.npy", "big-endian"])
    }
}
