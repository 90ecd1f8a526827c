import Foundation
import TensorCore

/// A mixture of equally weighted isotropic 2-D Gaussians, the toy data of mode-collapse studies.
/// `ring8` and `grid25` follow the PacGAN protocol; the Metrics layer counts covered modes
/// with `means` and `standardDeviation`.
public struct GaussianMixture: Sendable, Equatable {
    /// The component means, one `(x, y)` each.
    public let means: [SIMD2<Float>]
    /// The standard deviation of every component, per coordinate.
    public let standardDeviation: Float

    /// A mixture of components at `means` with a shared `standardDeviation`.
    public init(means: [SIMD2<Float>], standardDeviation: Float) {
        precondition(!means.isEmpty && standardDeviation >= 0,
                     "GaussianMixture: needs at least one mean and a non-negative deviation")
        self.means = means
        self.standardDeviation = standardDeviation
    }

    /// Eight Gaussians on the unit circle at angles 2πk/8, standard deviation 0.01.
    public static let ring8: GaussianMixture = {
        var means: [SIMD2<Float>] = []
        for index in 0..<8 {
            let angle: Double = 2 * Double.pi * Double(index) / 8
            means.append(SIMD2<Float>(Float(cos(angle)), Float(sin(angle))))
        }
        return GaussianMixture(means: means, standardDeviation: 0.01)
    }()

    /// Twenty-five Gaussians with means {-4, -2, 0, 2, 4}², standard deviation 0.05.
    public static let grid25: GaussianMixture = {
        var means: [SIMD2<Float>] = []
        for row in 0..<5 {
            for column in 0..<5 { means.append(SIMD2<Float>(Float(2 * row - 4), Float(2 * column - 4))) }
        }
        return GaussianMixture(means: means, standardDeviation: 0.05)
    }()

    /// The mixture named `name` ("ring8" or "grid25"), or nil.
    public static func named(_ name: String) -> GaussianMixture? {
        switch name.lowercased() {
        case "ring8": return .ring8
        case "grid25": return .grid25
        default: return nil
        }
    }

    /// The means as a `[K, 2]` tensor.
    public var meansTensor: Tensor { Tensor(means.flatMap { [$0.x, $0.y] }, shape: [means.count, 2]) }

    /// Draws `count` points: returns them as an `[count, 2]` tensor and the component of each.
    public func sample(count: Int, generator: inout RandomGenerator) -> (points: Tensor, components: [Int]) {
        var points = [Float](repeating: 0, count: 2 * count)
        var components = [Int](repeating: 0, count: count)
        for index in 0..<count {
            let component = Int(generator.next() % UInt64(means.count))
            let (noiseX, noiseY) = generator.nextNormalPair()
            points[2 * index] = means[component].x + standardDeviation * noiseX
            points[2 * index + 1] = means[component].y + standardDeviation * noiseY
            components[index] = component
        }
        return (Tensor(points, shape: [count, 2]), components)
    }

    /// The index of the mean nearest to `point` and the distance to it.
    public func nearestMode(to point: SIMD2<Float>) -> (index: Int, distance: Float) {
        var best = (index: 0, distance: Float.infinity)
        for (index, mean) in means.enumerated() {
            let difference = point - mean
            let distance = (difference * difference).sum().squareRoot()
            if distance < best.distance { best = (index, distance) }
        }
        return best
    }
}

/// A fixed set of points drawn from a `GaussianMixture` with a seed, served as a `Dataset`
/// (samples of shape `[2]`, labels the component indices).
public struct GaussianMixtureDataset: Dataset {
    /// The mixture the points come from.
    public let mixture: GaussianMixture
    /// The points, `x0, y0, x1, y1, ...`.
    public let points: [Float]
    /// The component each point was drawn from.
    public let components: [Int]

    /// Draws `count` points from `mixture` with `seed`.
    public init(_ mixture: GaussianMixture, count: Int, seed: UInt64) {
        var generator = RandomGenerator(seed: seed)
        let (points, components) = mixture.sample(count: count, generator: &generator)
        self.mixture = mixture
        self.points = points.scalars
        self.components = components
    }

    public var count: Int { components.count }
    public var sampleShape: [Int] { [2] }
    public func label(at index: Int) -> Int { components[index] }
    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        destination[0] = points[2 * index]
        destination[1] = points[2 * index + 1]
    }
}
