/// A fixed group of processes that train one model together (data parallelism): each knows
/// its rank in `0..<size` and can sum buffers across the group. GANKit's implementation over
/// Open MPI lives in the `MPI` target; this protocol keeps TensorCore and NN free of it.
///
/// Collective calls must be made by every process of the group, in the same order, with the
/// same element counts.
public protocol Communicator: AnyObject, Sendable {
    /// This process's index in the group, from 0.
    var rank: Int { get }
    /// The number of processes in the group.
    var size: Int { get }
    /// Replaces the `count` floats at `values` by their elementwise sum over the group; every
    /// process receives the same sums.
    func allReduceSum(_ values: UnsafeMutablePointer<Float>, count: Int)
}

extension Tensor {
    /// The elementwise sum of this tensor over every process of `communicator` (each passes a
    /// tensor of the same shape). Differentiable: the cotangent of each process's input is the
    /// sum of the cotangents of every process's output, itself an all-reduce, so the backward
    /// pass stays differentiable and every process must run it too.
    public func allReducedSum(over communicator: any Communicator) -> Tensor {
        let x = self
        let count = x.count
        let result = withExtendedLifetime(x) {
            Tensor(shape: x.shape) { out in
                out.update(from: x.storage.base, count: count)
                communicator.allReduceSum(out, count: count)
            }
        }
        return result.recorded("allReducedSum", [x]) { g, _ in [g.allReducedSum(over: communicator)] }
    }
}
