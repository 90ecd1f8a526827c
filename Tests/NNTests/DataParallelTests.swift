import NN
import TensorCore
import XCTest

/// The data-parallel pieces in one process (no MPI needed): sharded random draws, and gradient
/// averaging and synchronized BatchNorm against a group whose other member holds the same data.
final class DataParallelTests: XCTestCase {
    /// A group of `size` processes that all hold the same values: the sum is `size` times them.
    final class IdenticalPeers: Communicator, @unchecked Sendable {
        let rank = 0, size: Int
        var calls: [Int] = []
        init(size: Int) { self.size = size }
        func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int) {
            calls.append(count)
            for i in 0..<count { values[i] *= Float(size) }
        }
    }

    func testShardedDrawsAreThisShardsRowsOfTheGlobalBatchsDraws() {
        var whole = RandomGenerator(seed: 5), sharded = RandomGenerator(seed: 5)
        let global = Tensor.randn([6, 3], generator: &whole)
        let joined = Tensor.uniform([12, 2], generator: &whole)
        let other = Tensor.bernoulli([5], probability: 0.5, generator: &whole)
        let (noise, masks, rest) = BatchSharding.with(BatchShard(index: 1, count: 3, localBatch: 2)) {
            (Tensor.randn([2, 3], generator: &sharded), Tensor.uniform([4, 2], generator: &sharded),
             Tensor.bernoulli([5], probability: 0.5, generator: &sharded))
        }
        XCTAssertEqual(noise.scalars, global.slice(axis: 0, 2..<4).scalars)
        XCTAssertEqual(masks.scalars, joined.slice(axis: 0, 2..<4).scalars + joined.slice(axis: 0, 8..<10).scalars)
        XCTAssertEqual(rest.scalars, other.scalars)
        XCTAssertEqual(sharded, whole)
        XCTAssertNil(BatchSharding.current)
        XCTAssertEqual(Tensor.randn([2, 3], generator: &sharded).shape, [2, 3])
    }

    func testSynchronizedAdamTakesTheLocalStepWhenEveryProcessHasTheSameGradients() {
        let peers = IdenticalPeers(size: 2)
        let synchronizer = GradientSynchronizer(communicator: peers, bucketCapacity: 100)
        var generator = RandomGenerator(seed: 1)
        let plain = Linear(8, 12, generator: &generator), synchronized = Linear(8, 12, generator: &generator)
        synchronized.update(Dictionary(uniqueKeysWithValues: plain.namedParameters(trainableOnly: true).map { ($0.name, $0.value) }))
        let input = Tensor.randn([4, 8], generator: &generator)
        let (a, b) = (Adam(learningRate: 0.01), Adam(learningRate: 0.01))
        b.gradientSynchronizer = synchronizer
        for _ in 0..<3 {
            a.update(plain, gradients: valueAndGrad(model: plain) { $0(input).square().mean() }.gradients)
            b.update(synchronized, gradients: valueAndGrad(model: synchronized) { $0(input).square().mean() }.gradients)
        }
        for ((name, x), (_, y)) in zip(plain.namedParameters(trainableOnly: true), synchronized.namedParameters(trainableOnly: true)) {
            XCTAssertEqual(x.scalars, y.scalars, name)
        }
        // weight (96 floats) fills a bucket of 100; bias (12) takes the next: 2 all-reduces a step.
        XCTAssertEqual(peers.calls, [96, 12, 96, 12, 96, 12])
        XCTAssertEqual(synchronizer.bytesReduced, 3 * 108 * 4)
    }

    /// Two processes holding the same batch make a global batch of two copies, whose statistics
    /// are the batch's own: outputs, input gradients and parameter gradients are the local ones
    /// (the all-reduce's vjp sums the statistics' cotangents of both copies, and the count doubles).
    func testSynchronizedBatchNormWithAnIdenticalPeerMatchesLocalBatchNorm() {
        var generator = RandomGenerator(seed: 2)
        let input = Tensor.randn([3, 4, 2, 2], generator: &generator) * 3 + 1
        let weights = Tensor.randn([3, 4, 2, 2], generator: &generator)
        let local = BatchNorm2d(4), synchronized = BatchNorm2d(4)
        let peers = IdenticalPeers(size: 2)
        synchronized.synchronization = peers
        XCTAssertLessThan(maxDifference(synchronized(input), local(input)), 1e-5)
        XCTAssertLessThan(maxDifference(synchronized.buffer("running_mean"), local.buffer("running_mean")), 1e-6)
        // Unbiased running variance over the global count 2 · 12.
        let variance = local.buffer("running_var").scalars.map { ($0 - 0.9) / 0.1 * 11 / 12 * 24 / 23 * 0.1 + 0.9 }
        XCTAssertLessThan(maxDifference(synchronized.buffer("running_var"), Tensor(variance, shape: [4])), 1e-5)
        let g = grad { (x: Tensor) in (synchronized(x) * weights).square().sum() }(input)
        let expected = grad { (x: Tensor) in (local(x) * weights).square().sum() }(input)
        XCTAssertLessThan(maxDifference(g, expected), 1e-4)
        let parameters = valueAndGrad(model: synchronized) { ($0(input) * weights).sum() }.gradients
        let expectedParameters = valueAndGrad(model: local) { ($0(input) * weights).sum() }.gradients
        for name in ["weight", "bias"] { XCTAssertLessThan(maxDifference(parameters[name]!, expectedParameters[name]!), 1e-4, name) }
    }

    func maxDifference(_ a: Tensor, _ b: Tensor) -> Float {
        XCTAssertEqual(a.shape, b.shape)
        return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }
}
