// Checks of the data-parallel pieces that need several processes, run by the MPI tests as
// `mpirun -np 2 gankit-mpi-check CHECK`: each rank compares what it computed with what one
// process computes for the whole batch, prints "ok CHECK (rank R)" or a message and exits 1.
import Foundation
import MPI
import NN
import TensorCore

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("gankit-mpi-check: \(message)\n".utf8))
    exit(1)
}

/// The largest absolute difference between two tensors of one shape.
func difference(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { fail("shapes differ: \(a.shape) and \(b.shape)") }
    return zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
}

func expectClose(_ a: Tensor, _ b: Tensor, _ what: String, tolerance: Float = 1e-4) {
    let d = difference(a, b)
    guard d <= tolerance else { fail("\(what): differs from one process by \(d) (tolerance \(tolerance))") }
}

/// The sum of `tensor` over the ranks.
func summed(_ tensor: Tensor, _ world: MPICommunicator) -> Tensor { tensor.allReducedSum(over: world) }

/// Buckets of the gradient synchronizer, and the averages they produce.
func checkBucketing(_ world: MPICommunicator) {
    let synchronizer = GradientSynchronizer(communicator: world, bucketCapacity: 8)
    let counts = [5, 3, 10, 2]
    let buckets = synchronizer.buckets(counts: counts)
    guard buckets == [0..<2, 2..<3, 3..<4] else { fail("buckets of \(counts) with capacity 8: \(buckets)") }
    let names = ["a", "b", "c", "d"]
    func value(rank: Int, tensor: Int, element: Int) -> Float { Float((rank + 1) * 100 + tensor * 10 + element) }
    var gradients: [String: Tensor] = [:]
    for (index, count) in counts.enumerated() {
        gradients[names[index]] = Tensor((0..<count).map { value(rank: world.rank, tensor: index, element: $0) }, shape: [count])
    }
    gradients["notInOrder"] = Tensor([42], shape: [1])
    let averaged = synchronizer.averaged(gradients, order: ["a", "b", "c", "d", "missing"])
    for (index, count) in counts.enumerated() {
        let expected = (0..<count).map { element in
            (0..<world.size).map { value(rank: $0, tensor: index, element: element) }.reduce(0, +) / Float(world.size)
        }
        guard averaged[names[index]]?.scalars == expected else { fail("average of \(names[index]): \(averaged[names[index]]!.scalars), expected \(expected)") }
    }
    guard averaged["notInOrder"]?.scalars == [42] else { fail("a gradient outside the order changed") }
    guard synchronizer.reductions == 3, synchronizer.bytesReduced == 20 * 4 else {
        fail("\(synchronizer.reductions) all-reduces of \(synchronizer.bytesReduced) bytes, expected 3 of 80")
    }
}

/// Random draws under a shard are this rank's rows of the global batch's draws.
func checkSharding(_ world: MPICommunicator) {
    let local = 3, global = local * world.size
    var whole = RandomGenerator(seed: 7), sharded = RandomGenerator(seed: 7)
    let expectedNoise = Tensor.randn([global, 5], generator: &whole)
    let expectedMasks = Tensor.bernoulli([2 * global, 4], probability: 0.3, generator: &whole)
    let expectedOther = Tensor.uniform([7, 2], generator: &whole)
    let shard = BatchShard(index: world.rank, count: world.size, localBatch: local)
    let (noise, masks, other) = BatchSharding.with(shard) {
        (Tensor.randn([local, 5], generator: &sharded), Tensor.bernoulli([2 * local, 4], probability: 0.3, generator: &sharded),
         Tensor.uniform([7, 2], generator: &sharded))
    }
    let rows = (world.rank * local)..<((world.rank + 1) * local)
    expectClose(noise, expectedNoise.slice(axis: 0, rows), "sharded noise", tolerance: 0)
    let maskRows = Tensor.concat([expectedMasks.slice(axis: 0, rows), expectedMasks.slice(axis: 0, (global + rows.lowerBound)..<(global + rows.upperBound))], axis: 0)
    expectClose(masks, maskRows, "sharded masks of a joined batch", tolerance: 0)
    expectClose(other, expectedOther, "a draw of another size", tolerance: 0)
    guard whole == sharded else { fail("the generator advanced differently under a shard") }
}

/// Synchronized BatchNorm on a shard against BatchNorm on the whole batch in one process:
/// outputs, running statistics, input gradients, parameter gradients, and the gradient of a
/// gradient norm (what gradient penalties take).
func checkBatchNorm(_ world: MPICommunicator) {
    let local = 4, global = local * world.size
    var generator = RandomGenerator(seed: 3)
    let input = Tensor.randn([global, 3, 4, 4], generator: &generator) * 2 + 0.5
    let weights = Tensor.randn([global, 3, 4, 4], generator: &generator)
    let rows = (world.rank * local)..<((world.rank + 1) * local)
    func makeLayer() -> BatchNorm2d {
        let layer = BatchNorm2d(3)
        layer.update(["weight": Tensor([1.5, 0.5, -1], shape: [3]), "bias": Tensor([0.1, -0.2, 0.3], shape: [3])])
        return layer
    }
    let single = makeLayer(), synchronized = makeLayer()
    synchronized.synchronization = world
    let shardInput = input.slice(axis: 0, rows), shardWeights = weights.slice(axis: 0, rows)

    expectClose(synchronized(shardInput), single(input).slice(axis: 0, rows), "output")
    for name in ["running_mean", "running_var"] {
        expectClose(synchronized.buffer(name), single.buffer(name), name, tolerance: 1e-5)
    }
    let (_, parameterGradients) = valueAndGrad(model: synchronized) { ($0(shardInput) * shardWeights).sum() }
    let (_, expectedParameterGradients) = valueAndGrad(model: single) { ($0(input) * weights).sum() }
    for name in ["weight", "bias"] {
        expectClose(summed(parameterGradients[name]!, world), expectedParameterGradients[name]!, "gradient of \(name)")
    }
    let inputGradient = grad { (x: Tensor) in (synchronized(x) * shardWeights).sum() }(shardInput)
    let expectedInputGradient = grad { (x: Tensor) in (single(x) * weights).sum() }(input)
    expectClose(inputGradient, expectedInputGradient.slice(axis: 0, rows), "input gradient")
    let second = grad { (x: Tensor) in grad { (y: Tensor) in (synchronized(y) * shardWeights).square().sum() }(x).square().sum() }(shardInput)
    let expectedSecond = grad { (x: Tensor) in grad { (y: Tensor) in (single(y) * weights).square().sum() }(x).square().sum() }(input)
    expectClose(second, expectedSecond.slice(axis: 0, rows), "gradient of a gradient norm", tolerance: 1e-3)
}

/// Not a check: the time of one all-reduce of N floats (GANKIT_ALLREDUCE_FLOATS, default the
/// 2.57 M of dcgan's gradients) and of one float, each after a barrier, so waiting for a slower
/// process is left out: the cost of the communication itself.
func timeAllReduce(_ world: MPICommunicator) {
    let count = ProcessInfo.processInfo.environment["GANKIT_ALLREDUCE_FLOATS"].flatMap(Int.init) ?? 2_570_000
    var values = [Float](repeating: 1, count: count)
    func time(_ floats: Int, repeats: Int) -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            world.barrier()
            let start = DispatchTime.now().uptimeNanoseconds
            values.withUnsafeMutableBufferPointer { world.allReduceSum($0.baseAddress!, count: floats) }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }
    let large = time(count, repeats: 20), small = time(1, repeats: 200)
    if world.rank == 0 {
        print(String(format: "all-reduce of %d floats (%.2f MB): %.2f ms (best of 20); of 1 float: %.1f µs (best of 200); %d processes",
                     count, Double(count * 4) / 1e6, large * 1e3, small * 1e6, world.size))
    }
}

let checks: [String: (MPICommunicator) -> Void] = ["bucketing": checkBucketing, "sharding": checkSharding, "batchnorm": checkBatchNorm,
                                                   "time-allreduce": timeAllReduce]
let requested = Array(CommandLine.arguments.dropFirst())
guard !requested.isEmpty, requested.allSatisfy({ checks[$0] != nil }) else {
    fail("usage: mpirun -np N gankit-mpi-check \(checks.keys.sorted().joined(separator: "|")) ...")
}
let world: MPICommunicator
do { world = try MPICommunicator() } catch { fail("\(error)") }
guard world.size > 1 else { fail("run under mpirun with at least 2 processes") }
for name in requested {
    checks[name]!(world)
    if name != "time-allreduce" { print("ok \(name) (rank \(world.rank) of \(world.size))") }
}
world.finalize()
