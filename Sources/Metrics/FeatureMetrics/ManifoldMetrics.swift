/// Precision and recall of a generated set against a real one with k-nearest-neighbour
/// manifolds (Kynkäänniemi et al., 2019), and density and coverage (Naeem et al., 2020).
///
/// Each sample's manifold ball has the radius of the distance to its k-th nearest neighbour
/// within its own set. With real samples r and generated samples g:
/// - precision: the share of g inside some real ball;
/// - recall: the share of r inside some generated ball;
/// - density: the number of real balls containing each g, averaged and divided by k;
/// - coverage: the share of real balls that contain at least one g.
/// "Inside" is a strict `<`, as the `prdc` reference implementation.
public struct ManifoldMetrics: Sendable, Equatable, Codable {
    /// Neighbour rank of the ball radii.
    public let k: Int
    public let precision: Double
    public let recall: Double
    public let density: Double
    public let coverage: Double

    /// The four metrics of `generated` against `real` with k-nearest-neighbour balls.
    /// `realRadii` are the squared real radii when already known (see `realBallRadii`).
    public init(real: FeatureMatrix, generated: FeatureMatrix, k: Int = 3, realRadii: [Double]? = nil) {
        let realCount = real.rowCount, generatedCount = generated.rowCount
        precondition(realCount > k && generatedCount > k,
                     "ManifoldMetrics: k = \(k) needs more than \(k) real and generated samples, not \(realCount) and \(generatedCount)")
        let realSquaredRadii = realRadii ?? Self.realBallRadii(real, k: k)
        precondition(realSquaredRadii.count == realCount, "ManifoldMetrics: \(realSquaredRadii.count) radii for \(realCount) real samples")
        let generatedSquaredRadii = PairwiseDistances.nearestNeighborRadii(of: generated, k: k)

        /// Per-real accumulators of one worker.
        struct RealColumns {
            var nearestGenerated: [Double]
            var insideGeneratedBall: [Bool]
        }
        var insideRealBalls = [Int](repeating: 0, count: generatedCount)
        let partials = insideRealBalls.withUnsafeMutableBufferPointer { countsBuffer in
            let counts = countsBuffer.baseAddress!
            return realSquaredRadii.withUnsafeBufferPointer { realRadiusBuffer in
                generatedSquaredRadii.withUnsafeBufferPointer { generatedRadiusBuffer in
                    let realRadius = realRadiusBuffer.baseAddress!, generatedRadius = generatedRadiusBuffer.baseAddress!
                    return PairwiseDistances.reduceBlocks(
                        rows: generated, columns: real,
                        initial: { RealColumns(nearestGenerated: [Double](repeating: .infinity, count: realCount),
                                               insideGeneratedBall: [Bool](repeating: false, count: realCount)) }
                    ) { columns, rowRange, distances in
                        columns.nearestGenerated.withUnsafeMutableBufferPointer { nearestBuffer in
                            columns.insideGeneratedBall.withUnsafeMutableBufferPointer { insideBuffer in
                                let nearest = nearestBuffer.baseAddress!, inside = insideBuffer.baseAddress!
                                for row in rowRange {
                                    let line = distances + (row - rowRange.lowerBound) * realCount
                                    let ownRadius = generatedRadius[row]
                                    var count = 0
                                    for column in 0..<realCount {
                                        let distance = line[column]
                                        if distance < realRadius[column] { count += 1 }
                                        if distance < ownRadius { inside[column] = true }
                                        if distance < nearest[column] { nearest[column] = distance }
                                    }
                                    counts[row] = count
                                }
                            }
                        }
                    }
                }
            }
        }
        var nearestGenerated = [Double](repeating: .infinity, count: realCount)
        var insideGeneratedBall = [Bool](repeating: false, count: realCount)
        for partial in partials {
            for column in 0..<realCount {
                nearestGenerated[column] = min(nearestGenerated[column], partial.nearestGenerated[column])
                insideGeneratedBall[column] = insideGeneratedBall[column] || partial.insideGeneratedBall[column]
            }
        }
        self.k = k
        precision = Double(insideRealBalls.filter { $0 > 0 }.count) / Double(generatedCount)
        density = Double(insideRealBalls.reduce(0, +)) / Double(k * generatedCount)
        recall = Double(insideGeneratedBall.filter { $0 }.count) / Double(realCount)
        coverage = Double(zip(nearestGenerated, realSquaredRadii).filter { $0 < $1 }.count) / Double(realCount)
    }

    /// The squared k-nearest-neighbour radii of the real samples (cacheable: they depend only
    /// on the real set).
    public static func realBallRadii(_ real: FeatureMatrix, k: Int = 3) -> [Double] {
        PairwiseDistances.nearestNeighborRadii(of: real, k: k)
    }
}
