import XCTest
import TensorCore
@testable import Datasets

/// A dataset whose sample `i` is filled with `i / count` and labeled `i`.
private struct IndexDataset: Dataset {
    let count: Int
    var sampleShape: [Int] { [1, 2, 3] }
    func label(at index: Int) -> Int { index }
    func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        for offset in 0..<6 { destination[offset] = Float(index) / Float(count) }
    }
}

final class DataLoaderTests: XCTestCase {
    func testBatchingAndDropLast() {
        let keep = DataLoader(dataset: IndexDataset(count: 10), batchSize: 4, shuffle: false)
        let batches = Array(keep.batches(epoch: 0))
        XCTAssertEqual(batches.map(\.labels), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        XCTAssertEqual(batches[2].images.shape, [2, 1, 2, 3])
        XCTAssertEqual(batches.map(\.index), [0, 1, 2])
        let drop = DataLoader(dataset: IndexDataset(count: 10), batchSize: 4, shuffle: false, dropLast: true)
        XCTAssertEqual(drop.batchesPerEpoch, 2)
        XCTAssertEqual(Array(drop.batches(epoch: 0)).map(\.labels.count), [4, 4])
        XCTAssertEqual(Array(keep.batches(epoch: 0, startingAt: 3)).count, 0)
    }

    func testShuffleIsAPermutationPerEpochAndSeeded() {
        let loader = DataLoader(dataset: IndexDataset(count: 103), batchSize: 8, seed: 42)
        let epochZero = Array(loader.batches(epoch: 0)).flatMap(\.labels)
        let epochOne = Array(loader.batches(epoch: 1)).flatMap(\.labels)
        XCTAssertEqual(epochZero.sorted(), Array(0..<103))
        XCTAssertEqual(epochOne.sorted(), Array(0..<103))
        XCTAssertNotEqual(epochZero, epochOne)
        XCTAssertNotEqual(epochZero, Array(0..<103))
        let again = DataLoader(dataset: IndexDataset(count: 103), batchSize: 8, seed: 42, prefetchCount: 0)
        XCTAssertEqual(Array(again.batches(epoch: 0)).flatMap(\.labels), epochZero)
        let otherSeed = DataLoader(dataset: IndexDataset(count: 103), batchSize: 8, seed: 43)
        XCTAssertNotEqual(Array(otherSeed.batches(epoch: 0)).flatMap(\.labels), epochZero)
        // Samples agree with labels.
        for batch in loader.batches(epoch: 2) {
            let scalars = batch.samples.scalars
            for (position, label) in batch.labels.enumerated() {
                XCTAssertEqual(scalars[position * 6], Float(label) / 103)
            }
        }
    }

    func testResumeMidEpochGivesTheSameBatchesWithRandomTransforms() {
        let transform = TransformPipeline([RandomHorizontalFlip(), RandomCrop(height: 2, width: 2, padding: 1)])
        let loader = DataLoader(dataset: IndexDataset(count: 50), batchSize: 6, seed: 9, prefetchCount: 3, transform: transform)
        let uninterrupted = Array(loader.batches(epoch: 3))
        let resumedLoader = DataLoader(dataset: IndexDataset(count: 50), batchSize: 6, seed: 9, prefetchCount: 0, transform: transform)
        let resumed = Array(resumedLoader.batches(epoch: 3, startingAt: 4))
        XCTAssertEqual(resumed.count, uninterrupted.count - 4)
        for (first, second) in zip(uninterrupted.dropFirst(4), resumed) {
            XCTAssertEqual(first.index, second.index)
            XCTAssertEqual(first.labels, second.labels)
            XCTAssertEqual(first.samples.scalars, second.samples.scalars)
            XCTAssertEqual(first.samples.shape, [first.labels.count, 1, 2, 2])
        }
        XCTAssertEqual(loader.batch(epoch: 3, index: 5).samples.scalars, uninterrupted[5].samples.scalars)
    }

    func testStoppingEarlyReleasesTheProducer() {
        let loader = DataLoader(dataset: IndexDataset(count: 1000), batchSize: 2, prefetchCount: 2)
        for _ in 0..<50 {
            var iterator = loader.batches(epoch: 0).makeIterator()
            XCTAssertEqual(iterator.next()?.index, 0)
            XCTAssertEqual(iterator.next()?.index, 1)
        }
        var count = 0
        for batch in loader.batches(epoch: 1) {
            count += 1
            if batch.index == 10 { break }
        }
        XCTAssertEqual(count, 11)
    }

    func testTwoDimensionalBatches() {
        let loader = DataLoader(dataset: GaussianMixtureDataset(.ring8, count: 64, seed: 0), batchSize: 16)
        let batch = loader.batch(epoch: 0, index: 0)
        XCTAssertEqual(batch.samples.shape, [16, 2])
        XCTAssertEqual(batch.labels.count, 16)
    }
}
