/// What one training step measured: the numbers written to `metrics.jsonl` and TensorBoard.
public struct StepMetrics: Sendable, Codable, Equatable {
    public var step: Int
    public var epoch: Int
    /// Discriminator loss (mean over its steps) and generator loss.
    public var lossD: Float
    public var lossG: Float
    /// Mean D output on real and on generated data (probabilities for logit losses, scores otherwise).
    public var realScore: Float
    public var fakeScore: Float
    /// Global L2 norms of the last D and G gradients.
    public var gradientNormD: Float
    public var gradientNormG: Float
    /// Training throughput of this step.
    public var imagesPerSecond: Double

    /// The scalars by the names used in logs.
    public var scalars: [(name: String, value: Double)] {
        [("lossD", Double(lossD)), ("lossG", Double(lossG)), ("D(x)", Double(realScore)), ("D(G(z))", Double(fakeScore)),
         ("gradNormD", Double(gradientNormD)), ("gradNormG", Double(gradientNormG)), ("imagesPerSecond", imagesPerSecond)]
    }
}
