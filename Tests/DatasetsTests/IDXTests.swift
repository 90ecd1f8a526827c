import XCTest
@testable import Datasets

final class IDXTests: XCTestCase {
    func testGzipRoundTripAndRawDetection() throws {
        let (images, _) = makeIDXPair(count: 5)
        let raw = images.encoded()
        let fromGzip = try IDXArray(fileBytes: Zlib.gzip(raw))
        let fromRaw = try IDXArray(fileBytes: raw)
        XCTAssertEqual(fromGzip.dimensions, [5, 3, 2])
        XCTAssertEqual(fromGzip.bytes, images.bytes)
        XCTAssertEqual(fromRaw.bytes, images.bytes)
        XCTAssertEqual(fromRaw.elementType, .unsignedByte)
    }

    func testConcatenatedGzipMembersAreJoined() throws {
        let first: [UInt8] = Array(0..<100), second: [UInt8] = Array(100..<250)
        XCTAssertEqual(try Zlib.decompress(Zlib.gzip(first) + Zlib.gzip(second)), first + second)
    }

    func testIntegerLabelTypes() throws {
        let shorts = IDXArray(elementType: .short, dimensions: [2], bytes: [0xFF, 0xFE, 0x01, 0x00])
        XCTAssertEqual(shorts.integerValues(), [-2, 256])
        let ints = IDXArray(elementType: .int, dimensions: [1], bytes: [0, 1, 0, 2])
        XCTAssertEqual(ints.integerValues(), [65538])
    }

    func testLoadsPairAsImagesInMinusOneToOne() throws {
        let directory = try makeTemporaryDirectory(self)
        let (images, labels) = makeIDXPair(count: 4)
        let imagesPath = try write(Zlib.gzip(images.encoded()), to: directory, name: "i.gz")
        let labelsPath = try write(labels.encoded(), to: directory, name: "l")
        let dataset = try IDXDataset.load(imagesFile: imagesPath, labelsFile: labelsPath)
        XCTAssertEqual(dataset.count, 4)
        XCTAssertEqual(dataset.sampleShape, [1, 3, 2])
        XCTAssertEqual(dataset.labels, [0, 1, 2, 3])
        let sample = dataset.sample(at: 1)
        XCTAssertEqual(sample.shape, [1, 3, 2])
        let expected = (6..<12).map { Float(($0 * 7) % 256) * 2 / 255 - 1 }
        for (value, target) in zip(sample.scalars, expected) { XCTAssertEqual(value, target, accuracy: 1e-6) }
    }

    func testTransposedImagesForEMNIST() throws {
        let directory = try makeTemporaryDirectory(self)
        let images = IDXArray(elementType: .unsignedByte, dimensions: [1, 2, 3], bytes: [1, 2, 3, 4, 5, 6])
        let labels = IDXArray(elementType: .unsignedByte, dimensions: [1], bytes: [7])
        let dataset = try IDXDataset.load(imagesFile: write(images.encoded(), to: directory, name: "i"),
                                          labelsFile: write(labels.encoded(), to: directory, name: "l"),
                                          transposed: true)
        XCTAssertEqual(dataset.sampleShape, [1, 3, 2])
        XCTAssertEqual(dataset.pixels, [1, 4, 2, 5, 3, 6])
    }

    func testFourDimensionalColorImagesBecomePlanar() throws {
        let directory = try makeTemporaryDirectory(self)
        // One 1x2 image with 3 channels, interleaved: pixel 0 = (1, 2, 3), pixel 1 = (4, 5, 6).
        let images = IDXArray(elementType: .unsignedByte, dimensions: [1, 1, 2, 3], bytes: [1, 2, 3, 4, 5, 6])
        let labels = IDXArray(elementType: .unsignedByte, dimensions: [1], bytes: [0])
        let dataset = try IDXDataset.load(imagesFile: write(images.encoded(), to: directory, name: "i"),
                                          labelsFile: write(labels.encoded(), to: directory, name: "l"))
        XCTAssertEqual(dataset.sampleShape, [3, 1, 2])
        XCTAssertEqual(dataset.pixels, [1, 4, 2, 5, 3, 6])
    }

    func testMNISTFamilyDirectoryWithRawAndGzipFiles() throws {
        let directory = try makeTemporaryDirectory(self)
        let (images, labels) = makeIDXPair(count: 3, height: 28, width: 28)
        try write(Zlib.gzip(images.encoded()), to: directory, name: "t10k-images-idx3-ubyte.gz")
        try write(labels.encoded(), to: directory, name: "t10k-labels-idx1-ubyte")
        let mnist = try MNIST(split: .test, directory: directory)
        XCTAssertEqual(mnist.count, 3)
        XCTAssertEqual(mnist.sampleShape, [1, 28, 28])
        assertDatasetError(try MNIST(split: .train, directory: directory),
                           mentions: ["train-images-idx3-ubyte", directory])
    }

    func testMissingFashionMNISTNamesThePackage() {
        assertDatasetError(try FashionMNIST(split: .train, directory: "/nonexistent/fmnist"),
                           mentions: ["/nonexistent/fmnist", "train-images-idx3-ubyte"])
        // When the default location is missing, the message names the Debian package.
        assertDatasetError(try MNISTFamily.fashionMNIST.load(split: .test, folder: "/nonexistent/default", directoryGiven: false),
                           mentions: ["apt-get install dataset-fashion-mnist", "t10k-images-idx3-ubyte"])
    }

    func testWrongMagicNumber() {
        var bytes = makeIDXPair(count: 2).images.encoded()
        bytes[0] = 0x12
        assertDatasetError(try IDXArray(fileBytes: bytes), mentions: ["magic number"])
        bytes[0] = 0; bytes[2] = 0x42
        assertDatasetError(try IDXArray(fileBytes: bytes), mentions: ["element type"])
    }

    func testCountsThatDisagree() throws {
        let directory = try makeTemporaryDirectory(self)
        let images = makeIDXPair(count: 5).images
        let labels = makeIDXPair(count: 4).labels
        let imagesPath = try write(images.encoded(), to: directory, name: "images")
        let labelsPath = try write(labels.encoded(), to: directory, name: "labels")
        assertDatasetError(try IDXDataset.load(imagesFile: imagesPath, labelsFile: labelsPath),
                           mentions: [labelsPath, "4 labels", "5 images"])
    }

    func testTruncatedAndCorruptGzipNeverCrashAndNameTheFile() throws {
        let directory = try makeTemporaryDirectory(self)
        let raw = makeIDXPair(count: 20, height: 8, width: 8).images.encoded()
        let compressed = Zlib.gzip(raw)
        // Truncation at every point of the gzip stream: each must throw, never crash.
        for length in 0..<compressed.count - 8 {
            XCTAssertThrowsError(try IDXArray(fileBytes: Array(compressed[..<length])), "length \(length)")
        }
        let truncatedPath = try write(Array(compressed[..<(compressed.count / 2)]), to: directory, name: "cut.gz")
        assertDatasetError(try IDXArray(contentsOf: truncatedPath), mentions: [truncatedPath, "truncated"])
        // Flipped bytes: either a clean error or (rarely, e.g. in the unchecked header fields) success.
        var generator = SplitMixForTests(seed: 3)
        for _ in 0..<300 {
            var corrupt = compressed
            let position = Int(generator.next() % UInt64(corrupt.count))
            corrupt[position] ^= UInt8(1 + generator.next() % 255)
            do { _ = try IDXArray(fileBytes: corrupt) } catch is DatasetError {} catch { XCTFail("\(error)") }
        }
        // Truncated raw files too.
        for length in stride(from: 0, to: raw.count, by: 7) {
            XCTAssertThrowsError(try IDXArray(fileBytes: Array(raw[..<length])))
        }
    }

    func testRealFashionMNIST() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: fashionMNISTDirectory), "Fashion-MNIST is not installed")
        let test = try FashionMNIST(split: .test)
        XCTAssertEqual(test.count, 10_000)
        XCTAssertEqual(test.sampleShape, [1, 28, 28])
        XCTAssertEqual(Set(test.images.labels), Set(0..<10))
        let scalars = test.sample(at: 0).scalars
        XCTAssertEqual(scalars.min()!, -1, accuracy: 1e-6)
        XCTAssertLessThanOrEqual(scalars.max()!, 1)
        XCTAssertEqual(test.label(at: 0), 9) // the first test image is an ankle boot
    }
}

/// A small deterministic generator for fuzzing loops in tests.
struct SplitMixForTests {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
