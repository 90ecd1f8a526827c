import XCTest
import TensorCore
@testable import Datasets

final class TransformTests: XCTestCase {
    private func ramp(channels: Int = 1, height: Int, width: Int) -> ImageBuffer {
        ImageBuffer(channels: channels, height: height, width: width,
                    pixels: (0..<(channels * height * width)).map { Float($0) })
    }

    private func assertEqual(_ actual: [Float], _ expected: [Float], accuracy: Float = 1e-5,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, file: file, line: line)
        for (value, target) in zip(actual, expected) { XCTAssertEqual(value, target, accuracy: accuracy, file: file, line: line) }
    }

    func testFlipPadCrop() {
        let image = ramp(height: 2, width: 3) // [[0 1 2] [3 4 5]]
        assertEqual(image.flippedHorizontally().pixels, [2, 1, 0, 5, 4, 3])
        assertEqual(image.cropped(top: 1, left: 1, height: 1, width: 2).pixels, [4, 5])
        assertEqual(image.padded(top: 1, bottom: 0, left: 1, right: 0, mode: .constant(-1)).pixels,
                    [-1, -1, -1, -1, -1, 0, 1, 2, -1, 3, 4, 5])
        assertEqual(image.padded(top: 0, bottom: 0, left: 2, right: 1, mode: .edge).pixels,
                    [0, 0, 0, 1, 2, 2, 3, 3, 3, 4, 5, 5])
        assertEqual(image.padded(top: 1, bottom: 1, left: 2, right: 0, mode: .reflect).pixels,
                    [5, 4, 3, 4, 5, 2, 1, 0, 1, 2, 5, 4, 3, 4, 5, 2, 1, 0, 1, 2])
        var generator = RandomGenerator(seed: 0)
        assertEqual(CenterCrop(height: 2, width: 1).apply(to: image, generator: &generator).pixels, [1, 4])
        XCTAssertEqual(Pad(2).outputShape(for: [3, 5, 5]), [3, 9, 9])
    }

    func testRandomTransformsUseTheGenerator() {
        let image = ramp(height: 4, width: 4)
        var flips = 0
        var generator = RandomGenerator(seed: 1)
        var positions = Set<[Float]>()
        for _ in 0..<400 {
            if RandomHorizontalFlip().apply(to: image, generator: &generator) != image { flips += 1 }
            positions.insert(RandomCrop(height: 2, width: 2).apply(to: image, generator: &generator).pixels)
        }
        XCTAssertTrue((150...250).contains(flips), "\(flips) flips in 400")
        XCTAssertEqual(positions.count, 9) // every 2x2 window of a 4x4 image
        XCTAssertEqual(RandomHorizontalFlip(probability: 0).apply(to: image, generator: &generator), image)
    }

    func testResizeMethodsFollowPyTorchConventions() {
        let row = ImageBuffer(channels: 1, height: 1, width: 2, pixels: [0, 1])
        assertEqual(row.resized(height: 1, width: 4, method: .bilinear).pixels, [0, 0.25, 0.75, 1])
        assertEqual(row.resized(height: 1, width: 4, method: .nearest).pixels, [0, 0, 1, 1])
        let square = ramp(height: 4, width: 4)
        assertEqual(square.resized(height: 2, width: 2, method: .area).pixels, [2.5, 4.5, 10.5, 12.5])
        assertEqual(square.resized(height: 2, width: 2, method: .nearest).pixels, [0, 2, 8, 10])
        // Bicubic reproduces linear ramps away from the clamped border and keeps constants.
        let wide = ramp(height: 1, width: 16)
        let shrunk = wide.resized(height: 1, width: 8, method: .bicubic).pixels
        for column in 1..<7 { XCTAssertEqual(shrunk[column], Float(2 * column) + 0.5, accuracy: 1e-4) }
        let constant = ImageBuffer(channels: 2, height: 5, width: 7, filledWith: 0.3)
        for method in ResamplingMethod.allCases {
            assertEqual(constant.resized(height: 3, width: 11, method: method).pixels, [Float](repeating: 0.3, count: 66))
        }
        XCTAssertEqual(Resize(height: 9, width: 8).outputShape(for: [3, 28, 28]), [3, 9, 8])
    }

    func testColorConversionsAndNormalize() {
        let rgb = ImageBuffer(channels: 3, height: 1, width: 2, pixels: [1, 0, 0, 1, 0, 0])
        assertEqual(rgb.grayscale().pixels, [0.299, 0.587])
        let gray = ImageBuffer(channels: 1, height: 1, width: 2, pixels: [0.5, -0.5])
        assertEqual(gray.rgb().pixels, [0.5, -0.5, 0.5, -0.5, 0.5, -0.5])
        let rgba = ImageBuffer(channels: 4, height: 1, width: 1, pixels: [1, 2, 3, 4])
        assertEqual(rgba.rgb().pixels, [1, 2, 3])
        let unit = ImageBuffer(channels: 2, height: 1, width: 1, pixels: [0, 1])
        assertEqual(unit.normalized(mean: [0.5, 0], standardDeviation: [0.5, 2]).pixels, [-1, 0.5])
        XCTAssertEqual(Grayscale().outputShape(for: [3, 4, 4]), [1, 4, 4])
        XCTAssertEqual(ConvertToRGB().outputShape(for: [1, 4, 4]), [3, 4, 4])
    }

    func testSuperResolutionPairs() {
        let batch = Tensor((0..<(2 * 3 * 9 * 8)).map { Float($0 % 17) / 8 - 1 }, shape: [2, 3, 9, 8])
        let (low, high) = SuperResolutionPairs(factor: 4, method: .area).pairs(batch)
        XCTAssertEqual(high.shape, [2, 3, 8, 8])
        XCTAssertEqual(low.shape, [2, 3, 2, 2])
        // Area downsampling of the high-resolution crop: the mean of each 4x4 block.
        let highScalars = high.scalars
        var blockMean: Float = 0
        for row in 0..<4 { for column in 0..<4 { blockMean += highScalars[row * 8 + column] } }
        XCTAssertEqual(low.scalars[0], blockMean / 16, accuracy: 1e-5)
    }

    func testPipelineComposes() {
        let pipeline = TransformPipeline([Pad(1, mode: .constant(0)), CenterCrop(height: 2, width: 3), Grayscale()])
        XCTAssertEqual(pipeline.outputShape(for: [3, 2, 2]), [1, 2, 3])
        var generator = RandomGenerator(seed: 0)
        let output = pipeline.apply(to: ImageBuffer(channels: 3, height: 2, width: 2, filledWith: 1), generator: &generator)
        assertEqual(output.pixels, [0, 1, 1, 0, 1, 1])
    }
}
