import Foundation
import XCTest
import TensorCore
@testable import Datasets

final class SuperResolutionPatchesTests: XCTestCase {
    /// Two 29x37 fixture photos (one of them progressive) in a temporary folder.
    private func makePhotos() throws -> PhotoFolder {
        let directory = try makeTemporaryDirectory(self)
        for name in ["rgb_baseline", "rgb_progressive"] {
            try FileManager.default.copyItem(atPath: fixturesDirectory + "/jpeg/\(name).jpg", toPath: directory + "/\(name).jpg")
        }
        return try PhotoFolder(directory: directory) { _ in }
    }

    func testOrientationsAreTheEightFlipsAndRotations() {
        let image = ImageBuffer(channels: 1, height: 2, width: 3, pixels: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(image.oriented(.identity), image)
        XCTAssertEqual(image.oriented(DihedralOrientation(rawValue: 1)).pixels, [3, 2, 1, 6, 5, 4])
        XCTAssertEqual(image.oriented(DihedralOrientation(rawValue: 2)).pixels, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(image.oriented(DihedralOrientation(rawValue: 3)).pixels, [6, 5, 4, 3, 2, 1])
        let clockwise = image.oriented(DihedralOrientation(rawValue: 5))
        XCTAssertEqual(clockwise.shape, [1, 3, 2])
        XCTAssertEqual(clockwise.pixels, [4, 1, 5, 2, 6, 3])
        XCTAssertEqual(image.oriented(DihedralOrientation(rawValue: 6)).pixels, [3, 6, 2, 5, 1, 4])
        XCTAssertEqual(image.oriented(DihedralOrientation(rawValue: 4)).pixels, [1, 4, 2, 5, 3, 6])
        let square = ImageBuffer(channels: 2, height: 3, width: 3, pixels: (0..<18).map(Float.init))
        XCTAssertEqual(Set(DihedralOrientation.allCases.map { square.oriented($0).pixels }).count, 8)
        XCTAssertEqual(square.oriented(DihedralOrientation(rawValue: 1)), square.flippedHorizontally())
    }

    /// The LR patch is the aligned crop of the whole (mod-cropped) photo shrunk by MATLAB's
    /// imresize, oriented like the HR patch, which is the photo's crop: near the photo's edges too.
    func testPatchesAreAlignedCropsOfTheShrunkPhoto() throws {
        let photos = try makePhotos()
        for scale in [2, 3, 4] {
            let patches = try SuperResolutionPatches(photos: photos, scale: scale, patchSize: 12, patchesPerPhoto: 25, seed: 5)
            XCTAssertEqual(patches.count, 50)
            XCTAssertEqual(patches.sampleShape, [3, 12, 12])
            XCTAssertEqual(patches.lowResolutionShape, [3, 12 / scale, 12 / scale])
            var shrunkPhotos: [Int: ImageBuffer] = [:]
            var edgesTouched = Set<String>()
            for index in 0..<patches.count {
                let placement = patches.placement(at: index)
                XCTAssertEqual(placement.photoIndex, index / 25)
                XCTAssertEqual(placement.top % scale, 0)
                XCTAssertEqual(placement.left % scale, 0)
                let photo = photos.image(at: placement.photoIndex)
                let shrunk = shrunkPhotos[placement.photoIndex] ?? photo
                    .cropped(top: 0, left: 0, height: 29 / scale * scale, width: 37 / scale * scale)
                    .resizedLikeMATLAB(scale: 1 / Double(scale))
                shrunkPhotos[placement.photoIndex] = shrunk
                let (low, high) = patches.pair(at: index)
                XCTAssertEqual(high, photo.cropped(top: placement.top, left: placement.left, height: 12, width: 12).oriented(placement.orientation))
                let expectedLow = shrunk.cropped(top: placement.top / scale, left: placement.left / scale, height: 12 / scale, width: 12 / scale)
                    .oriented(placement.orientation)
                XCTAssertEqual(low.shape, expectedLow.shape)
                let largest = zip(low.pixels, expectedLow.pixels).map { abs($0 - $1) }.max()!
                XCTAssertLessThanOrEqual(largest, 1e-6, "scale \(scale), sample \(index)")
                if placement.top == 0 { edgesTouched.insert("top") }
                if placement.left == 0 { edgesTouched.insert("left") }
                if placement.top + 12 == 29 / scale * scale { edgesTouched.insert("bottom") }
                if placement.left + 12 == 37 / scale * scale { edgesTouched.insert("right") }
            }
            XCTAssertEqual(edgesTouched, ["top", "left", "bottom", "right"], "scale \(scale)")
        }
    }

    func testSeededReproducibleAndNewEachEpoch() throws {
        let photos = try makePhotos()
        let patches = try SuperResolutionPatches(photos: photos, scale: 2, patchSize: 8, patchesPerPhoto: 40, seed: 3)
        let again = try SuperResolutionPatches(photos: photos, scale: 2, patchSize: 8, patchesPerPhoto: 40, seed: 3)
        let indices = Array(0..<patches.count)
        XCTAssertEqual(patches.samples(at: indices).scalars, again.samples(at: indices).scalars)
        XCTAssertEqual(patches.lowResolutionSamples(at: indices).scalars, again.lowResolutionSamples(at: indices).scalars)
        let placements = indices.map(patches.placement(at:))
        let nextEpoch = indices.map(patches.forEpoch(1).placement(at:))
        let otherSeed = indices.map(try SuperResolutionPatches(photos: photos, scale: 2, patchSize: 8, patchesPerPhoto: 40, seed: 4).placement(at:))
        XCTAssertGreaterThan(zip(placements, nextEpoch).filter { $0 != $1 }.count, 60)
        XCTAssertGreaterThan(zip(placements, otherSeed).filter { $0 != $1 }.count, 60)
        XCTAssertEqual(patches.forEpoch(1).forEpoch(0).placement(at: 7), placements[7])
        // Every orientation is drawn, roughly equally (80 draws, 10 expected each).
        let counts = Dictionary(grouping: placements, by: \.orientation.rawValue).mapValues(\.count)
        XCTAssertEqual(counts.count, 8)
        XCTAssertGreaterThanOrEqual(counts.values.min()!, 2)
    }

    func testBatchesThroughTheDataLoader() throws {
        let patches = try SuperResolutionPatches(photos: try makePhotos(), scale: 4, patchSize: 16, patchesPerPhoto: 5, seed: 1)
        let loader = DataLoader(dataset: patches.forEpoch(2), batchSize: 4, seed: 9, prefetchCount: 0)
        let order = loader.order(epoch: 2)
        for batch in loader.batches(epoch: 2) {
            let indices = Array(order[(batch.index * 4)..<(batch.index * 4 + batch.labels.count)])
            XCTAssertEqual(batch.images.scalars, loader.dataset.samples(at: indices).scalars)
            let low = loader.dataset.lowResolutionSamples(at: indices)
            XCTAssertEqual(low.shape, [indices.count, 3, 4, 4])
            XCTAssertEqual(ImageBuffer.images(from: low)[0], loader.dataset.pair(at: indices[0]).lowResolution)
            XCTAssertLessThanOrEqual(batch.images.scalars.map(abs).max()!, 1)
        }
    }

    func testPhotosTooSmallAreLeftOutOrAnError() throws {
        let photos = try makePhotos()
        var warnings: [String] = []
        assertDatasetError(try SuperResolutionPatches(photos: photos, scale: 4, patchSize: 32) { warnings.append($0) },
                           mentions: [photos.directory, "no photo is at least 32x32"])
        XCTAssertEqual(warnings.count, 2)
        XCTAssertTrue(warnings[0].contains(photos.files[0]) && warnings[0].contains("29x37"), warnings[0])
        XCTAssertEqual(try SuperResolutionPatches(photos: photos, scale: 2, patchSize: 28) { _ in }.count, 2)
    }
}
