import Foundation
import NN
import TensorCore

// Self-conditioned GAN (Liu et al., "Diverse Image Generation via Self-Conditioned GANs", 2020),
// in data space: the real samples are clustered as training goes, G and D are conditioned on
// the cluster, and G's cluster is drawn from the clusters' frequencies. Each cluster's data is
// close to unimodal, so G no longer has to stretch one connected noise space over separate
// modes (the samples it leaves on the paths between them), and D can tell G which mode a sample
// was meant for. Liu et al. cluster D's features and re-cluster now and then; here the data are
// clustered directly, by mini-batch k-means (Sculley 2010) started with k-means++ on the first
// real batch, which suits low-dimensional data such as the 2-D mixtures.

/// K centroids of the real data, learned online: `centroids` [K, F] and the number of samples
/// each has taken, `counts` [K], are buffers (checkpointed with D, so resuming is exact).
public final class DataClusters: Module {
    public let clusterCount: Int
    public let featureCount: Int
    /// Lloyd iterations on the first batch after the k-means++ start.
    static let startingIterations = 10

    /// Under data-parallel training, the processes' group: each learns from the global batch
    /// (every process's rows, gathered), so all keep the same clusters, as one process would.
    public var synchronization: (any Communicator)?

    public init(clusterCount: Int, featureCount: Int) {
        self.clusterCount = clusterCount
        self.featureCount = featureCount
        super.init()
        registerBuffer("centroids", Tensor.zeros([clusterCount, featureCount]))
        registerBuffer("counts", Tensor.zeros([clusterCount]))
    }

    /// Whether the clusters have been started from a batch.
    public var isStarted: Bool { buffer("counts").scalars.contains { $0 > 0 } }

    /// Each cluster's share of the samples seen so far (uniform before the start).
    public var weights: [Float] {
        let counts = buffer("counts").scalars
        let total = counts.reduce(0, +)
        return total > 0 ? counts.map { $0 / total } : Array(repeating: 1 / Float(clusterCount), count: clusterCount)
    }

    /// The nearest centroid of each row of `samples` ([N, ...], F values per row).
    public func assign(_ samples: Tensor) -> [Int] {
        Self.nearest(rows: samples.scalars, centroids: buffer("centroids").scalars, featureCount: featureCount)
    }

    /// Learns from one real batch and returns its rows' clusters: on the first batch, a
    /// k-means++ start (draws from `rng`) and Lloyd iterations on it; afterwards each row moves
    /// its nearest centroid towards it by 1 / (that centroid's count).
    public func learn(from samples: Tensor, generator rng: inout RandomGenerator) -> [Int] {
        let local = samples.shape[0], f = featureCount
        require(samples.count == local * f, "DataClusters: a batch of \(samples.shape) has not \(f) values per sample")
        guard let group = synchronization, group.size > 1 else { return learn(rows: samples.scalars, generator: &rng) }
        // Every process places its rows at its offset in a zeroed global batch; the sum over
        // the group is the global batch on every process.
        var global = [Float](repeating: 0, count: group.size * local * f)
        global.replaceSubrange((group.rank * local * f)..<((group.rank + 1) * local * f), with: samples.scalars)
        global.withUnsafeMutableBufferPointer { group.allReduceSum($0.baseAddress!, count: $0.count) }
        return Array(learn(rows: global, generator: &rng)[(group.rank * local)..<((group.rank + 1) * local)])
    }

    /// `learn(from:generator:)` on the rows of one whole batch.
    func learn(rows: [Float], generator rng: inout RandomGenerator) -> [Int] {
        let f = featureCount, n = rows.count / f
        var centroids = buffer("centroids").scalars
        var counts = buffer("counts").scalars
        let labels: [Int]
        if counts.allSatisfy({ $0 == 0 }) {
            require(n >= clusterCount, "DataClusters: the first batch (\(n) samples) must hold at least \(clusterCount), one per cluster")
            centroids = Self.kMeansPlusPlus(rows: rows, count: n, featureCount: f, clusters: clusterCount, generator: &rng)
            var assigned = Self.nearest(rows: rows, centroids: centroids, featureCount: f)
            for _ in 0..<Self.startingIterations {
                var sums = [Float](repeating: 0, count: clusterCount * f), sizes = [Float](repeating: 0, count: clusterCount)
                for (row, cluster) in assigned.enumerated() {
                    sizes[cluster] += 1
                    for j in 0..<f { sums[cluster * f + j] += rows[row * f + j] }
                }
                for cluster in 0..<clusterCount where sizes[cluster] > 0 {
                    for j in 0..<f { centroids[cluster * f + j] = sums[cluster * f + j] / sizes[cluster] }
                }
                assigned = Self.nearest(rows: rows, centroids: centroids, featureCount: f)
            }
            // Every cluster starts with a count of one, so none has zero weight in G's draw.
            counts = [Float](repeating: 1, count: clusterCount)
            for cluster in assigned { counts[cluster] += 1 }
            labels = assigned
        } else {
            labels = Self.nearest(rows: rows, centroids: centroids, featureCount: f)
            for (row, cluster) in labels.enumerated() {
                counts[cluster] += 1
                let rate = 1 / counts[cluster]
                for j in 0..<f { centroids[cluster * f + j] += rate * (rows[row * f + j] - centroids[cluster * f + j]) }
            }
        }
        setBuffer("centroids", Tensor(centroids, shape: [clusterCount, f]))
        setBuffer("counts", Tensor(counts, shape: [clusterCount]))
        return labels
    }

    static func nearest(rows: [Float], centroids: [Float], featureCount f: Int) -> [Int] {
        let k = centroids.count / f
        return rows.withUnsafeBufferPointer { x in
            centroids.withUnsafeBufferPointer { c in
                (0..<(x.count / f)).map { row in
                    var best = 0, bestDistance = Float.infinity
                    for cluster in 0..<k {
                        var distance: Float = 0
                        for j in 0..<f {
                            let d = x[row * f + j] - c[cluster * f + j]
                            distance += d * d
                        }
                        if distance < bestDistance { (best, bestDistance) = (cluster, distance) }
                    }
                    return best
                }
            }
        }
    }

    /// k-means++ (Arthur & Vassilvitskii 2007): the first centroid a uniform draw among the
    /// rows, each next one a row drawn with probability proportional to its squared distance
    /// to the nearest centroid chosen so far.
    static func kMeansPlusPlus(rows: [Float], count n: Int, featureCount f: Int, clusters: Int,
                               generator rng: inout RandomGenerator) -> [Float] {
        var chosen = [min(n - 1, Int(rng.nextUniform() * Float(n)))]
        var distances = [Float](repeating: .infinity, count: n)
        while chosen.count < clusters {
            let last = chosen[chosen.count - 1]
            for row in 0..<n {
                var distance: Float = 0
                for j in 0..<f {
                    let d = rows[row * f + j] - rows[last * f + j]
                    distance += d * d
                }
                distances[row] = min(distances[row], distance)
            }
            let total = distances.reduce(0, +)
            var next = 0
            if total > 0 {
                var target = rng.nextUniform() * total
                next = n - 1
                for row in 0..<n where distances[row] > 0 {
                    target -= distances[row]
                    if target < 0 { next = row; break }
                }
            } else {
                next = (chosen.count) % n // every row already a centroid: repeat rows
            }
            chosen.append(next)
        }
        return chosen.flatMap { Array(rows[($0 * f)..<(($0 + 1) * f)]) }
    }
}

/// One-hot rows [N, K] of `labels`.
func oneHot(_ labels: [Int], classes k: Int) -> Tensor {
    Tensor(shape: [labels.count, k]) { (code: UnsafeMutablePointer<Float>) in
        code.initialize(repeating: 0, count: labels.count * k)
        for (row, label) in labels.enumerated() { code[row * k + label] = 1 }
    }
}

/// G(z, c) of a self-conditioned GAN: a conditional generator `main` fed the noise's other
/// coordinates and cluster `c`. Without labels (sampling), the cluster is drawn from the
/// noise's first coordinate by the clusters' weights (the inverse of their cumulative
/// distribution at Φ(z₀)), so a sample is still a function of N(0, I) noise alone. Keys
/// `main.*` and `cluster_weights` (a buffer: each cluster's share of the real data).
public final class SelfConditionedGenerator: Module, GeneratorNetwork {
    public let main: any GeneratorNetwork
    public let clusterCount: Int

    public init(main: any GeneratorNetwork, clusterCount: Int) {
        self.main = main
        self.clusterCount = clusterCount
        super.init()
        registerChild("main", main)
        registerBuffer("cluster_weights", Tensor(Array(repeating: 1 / Float(clusterCount), count: clusterCount)))
    }

    /// The cluster each noise row draws: the first k whose cumulative weight exceeds Φ(z₀).
    public func clusters(forNoise noise: Tensor) -> [Int] {
        let weights = buffer("cluster_weights").scalars
        var cumulative: [Double] = []
        var sum = 0.0
        for w in weights { sum += Double(w); cumulative.append(sum) }
        let values = noise.scalars, width = noise.shape[1]
        return (0..<noise.shape[0]).map { row in
            let u = 0.5 * erfc(-Double(values[row * width]) / 2.0.squareRoot()) * sum
            return min(clusterCount - 1, cumulative.firstIndex { $0 > u } ?? clusterCount - 1)
        }
    }

    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor {
        main.generate(noise.slice(axis: 1, 1..<noise.shape[1]), labels: labels ?? clusters(forNoise: noise))
    }
}

/// D(x, c) of a self-conditioned GAN: a conditional discriminator `main` given each sample's
/// cluster (for samples without one, the nearest centroid's). Owns the data's `clusters`.
/// Keys `main.*`, `clusters.centroids`, `clusters.counts`.
public final class SelfConditionedDiscriminator: Module, DiscriminatorNetwork {
    public let main: any DiscriminatorNetwork
    public let clusters: DataClusters

    public init(main: any DiscriminatorNetwork, clusters: DataClusters) {
        self.main = main
        self.clusters = clusters
        super.init()
        registerChild("main", main)
        registerChild("clusters", clusters)
    }

    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) {
        main.discriminate(samples, labels: labels ?? clusters.assign(samples.reshape([-1, clusters.featureCount])))
    }
}

/// An MLP conditioned on one-hot labels: each sample's code joined to its values (for a pack
/// of samples, their values then their codes) before `layers`, which are registered under
/// their indices as in a `Sequential`. Serves as G (noise and code in) and as D (samples and
/// codes in).
public final class OneHotConditionedMLP: Module, GeneratorNetwork, DiscriminatorNetwork {
    let layers: Sequential
    public let classCount: Int

    public init(_ layers: Sequential, classCount: Int) {
        self.layers = layers
        self.classCount = classCount
        super.init()
        for (index, layer) in layers.layers.enumerated() { registerChild(String(index), layer) }
    }

    public func generate(_ noise: Tensor, labels: [Int]?) -> Tensor {
        guard let labels else { fatalError("OneHotConditionedMLP needs class labels") }
        return layers(Tensor.concat([oneHot(labels, classes: classCount), noise], axis: 1))
    }

    public func discriminate(_ samples: Tensor, labels: [Int]?) -> (score: Tensor, classLogits: Tensor?) {
        guard let labels else { fatalError("OneHotConditionedMLP needs class labels") }
        let rows = samples.shape[0]
        let codes = oneHot(labels, classes: classCount).reshape([rows, -1])
        return (layers(Tensor.concat([samples.reshape([rows, -1]), codes], axis: 1)), nil)
    }
}

/// What a self-conditioned `AdversarialGAN` does with each real batch: learns the clusters
/// from it, labels its samples by cluster, and hands the clusters' weights to G.
public struct SelfConditioning {
    public let discriminator: SelfConditionedDiscriminator
    public let generator: SelfConditionedGenerator

    public init(discriminator: SelfConditionedDiscriminator, generator: SelfConditionedGenerator) {
        self.discriminator = discriminator
        self.generator = generator
    }

    /// The clusters of `real`'s samples (learned from them first).
    public func labels(for real: Tensor, generator rng: inout RandomGenerator) -> [Int] {
        let labels = discriminator.clusters.learn(from: real.reshape([real.shape[0], -1]), generator: &rng)
        generator.setBuffer("cluster_weights", Tensor(discriminator.clusters.weights))
        return labels
    }
}
