import TensorCore

/// The minibatch standard deviation layer of ProGAN (Karras et al. 2018), a counter to mode
/// collapse in a discriminator: it appends one feature holding how much the samples of a
/// group differ, so D can tell a batch of near-identical fakes from a varied real batch.
///
/// The batch of N splits into groups of `groupSize` (the whole batch when N is not a multiple):
/// sample i belongs to group `i % (N / groupSize)`, as ProGAN's reshape to
/// `[groupSize, N / groupSize, ...]`. Per group, the standard deviation over its members of every
/// feature (`sqrt(var + 1e-8)`), averaged over the features, is appended as one more feature:
/// `[N, F] -> [N, F + 1]`, or one more constant channel `[N, C, H, W] -> [N, C + 1, H, W]`.
/// No parameters, so a PyTorch peer module with the same forward pass has the same `state_dict`.
public final class MinibatchStandardDeviation: Module {
    public let groupSize: Int

    public init(groupSize: Int = 4) {
        require(groupSize >= 1, "MinibatchStandardDeviation: the group size must be at least 1, not \(groupSize)")
        self.groupSize = groupSize
        super.init()
    }

    public override func callAsFunction(_ input: Tensor) -> Tensor {
        require(input.rank == 2 || input.rank == 4, "MinibatchStandardDeviation: input must be [N, F] or [N, C, H, W], not \(input.shape)")
        let count = input.shape[0]
        let group = count % groupSize == 0 ? Swift.min(groupSize, count) : count
        let groups = count / group
        let rest = Array(input.shape.dropFirst())
        // [group, groups, ...]: the members of group j are rows j, j + groups, j + 2 groups, ...
        let grouped = input.reshape([group, groups] + rest)
        let deviation = (grouped.variance(axes: [0]) + 1e-8).sqrt()          // [groups, ...]
        let statistic = deviation.reshape([groups, -1]).mean(axes: [1])         // [groups]
        let perSample = statistic.reshape([1, groups]).expand([group, groups]).reshape([count, 1])
        if input.rank == 2 { return Tensor.concat([input, perSample], axis: 1) }
        let map = perSample.reshape([count, 1, 1, 1]).expand([count, 1, input.shape[2], input.shape[3]])
        return Tensor.concat([input, map], axis: 1)
    }
}
