import Foundation
import MPI
import NN
import TensorCore

/// Data-parallel training over MPI: N processes (ranks) train one model, each on its shard of
/// every global batch, and take the same optimizer steps, the steps one process would take on
/// the whole global batch.
///
/// What the trainer does with it: each rank loads only its `batch / N` consecutive samples of a
/// global batch (`--batch` stays the global batch); every optimizer averages the gradients over
/// the ranks before its update (`GradientSynchronizer`, bucketed all-reduces); every BatchNorm
/// normalizes with the statistics of the global batch (`BatchNorm.synchronization`); random
/// draws made per sample (noise, dropout masks, penalty mixing) are drawn for the global batch
/// and each rank keeps its rows (`BatchSharding`), so the generators stay equal on every rank
/// and to a one-process run; the step's scalars are averaged; rank 0 alone writes the run folder.
public final class DataParallel: @unchecked Sendable {
    public let communicator: MPICommunicator
    public var rank: Int { communicator.rank }
    public var size: Int { communicator.size }

    init(communicator: MPICommunicator) { self.communicator = communicator }

    /// The group this process was started in by `mpirun -np N` with N > 1, initialized on first
    /// use; nil for a process started on its own (or as the only one), which trains alone and
    /// never loads MPI. A process under `mpirun` that cannot load Open MPI stops with a message.
    public static let launched: DataParallel? = {
        guard let text = ProcessInfo.processInfo.environment["OMPI_COMM_WORLD_SIZE"], let size = Int(text), size > 1 else { return nil }
        do {
            return DataParallel(communicator: try MPICommunicator())
        } catch {
            FileHandle.standardError.write(Data("gankit: started by mpirun with \(size) processes, but \(error)\n".utf8))
            exit(1)
        }
    }()

    /// Whether this process writes the run folder (rank 0).
    public var writesRun: Bool { rank == 0 }

    /// Installs gradient averaging on every optimizer of `model`, synchronized statistics on
    /// every BatchNorm of its networks and the global batch on every `DataClusters`.
    func install(on model: any GANFamily) {
        for (_, optimizer, _) in model.optimizers {
            guard let state = optimizer as? OptimizerState else {
                preconditionFailure("data-parallel training: optimizer \(type(of: optimizer)) cannot average gradients")
            }
            state.gradientSynchronizer = GradientSynchronizer(communicator: communicator)
        }
        for (_, network) in model.networks {
            for (_, module) in network.namedModules() {
                if let normalization = module as? BatchNorm { normalization.synchronization = communicator }
                if let clusters = module as? DataClusters { clusters.synchronization = communicator }
            }
        }
    }

    /// This rank's shard of a global batch whose shards hold `localBatch` samples.
    func shard(localBatch: Int) -> BatchShard { BatchShard(index: rank, count: size, localBatch: localBatch) }

    /// The scalars averaged over the ranks (each a mean over its equal shard, so the average is
    /// the mean over the global batch), and whether any rank asked to stop.
    func averaged(_ scalars: [(name: String, value: Float)]) -> [(name: String, value: Float)] {
        var values = scalars.map(\.value)
        values.withUnsafeMutableBufferPointer { communicator.allReduceSum($0.baseAddress!, count: $0.count) }
        return zip(scalars, values).map { ($0.name, $1 / Float(size)) }
    }

    /// Whether any rank's `flag` is true (every rank calls this at the same point).
    func any(_ flag: Bool) -> Bool {
        var value: Float = flag ? 1 : 0
        communicator.allReduceSum(&value, count: 1)
        return value > 0
    }

    /// Training steps timed so far and their total seconds (step time, all-reduces included).
    public private(set) var stepsTimed = 0
    public private(set) var stepSeconds = 0.0

    func recordStep(seconds: Double) {
        stepsTimed += 1
        stepSeconds += seconds
    }

    /// One line: processes, bytes all-reduced per step, the share of step time in all-reduces.
    public var summary: String {
        let steps = Double(max(stepsTimed, 1))
        return String(format: "data-parallel: %d processes, %.2f MB all-reduced per step (%.1f all-reduces), %.3f s per step, %.1f%% of it in all-reduce",
                      size, Double(bytesReduced) / steps / 1e6, Double(communicator.reductions) / steps, stepSeconds / steps,
                      100 * communicationSeconds / max(stepSeconds, 1e-9))
    }

    /// Bytes each rank all-reduced so far: gradients, BatchNorm statistics and scalars.
    public var bytesReduced: Int { communicator.bytesReduced }
    /// Seconds each rank spent in all-reduces so far.
    public var communicationSeconds: Double { communicator.seconds }
}
