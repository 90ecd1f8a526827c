/// The Fréchet distance between two Gaussians fitted to feature sets (FID when the features
/// come from the evaluator):
///
///     ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^½
///
/// computed in Float64. The trace of the square root uses only symmetric eigendecompositions
/// (LAPACK `dsyevd`): with S = Σ₁^½ (from Σ₁'s eigendecomposition, negative eigenvalues from
/// rounding clamped to 0), Σ₁Σ₂ is similar to the symmetric positive semi-definite S Σ₂ S, so
/// tr (Σ₁Σ₂)^½ is the sum of the square roots of S Σ₂ S's eigenvalues. This is exact
/// mathematics, agrees with `scipy.linalg.sqrtm` and never produces complex parts.
/// Eigenvalues below d · ε · λ_max (the usual rank tolerance) are rounding noise of a singular
/// covariance (e.g. features that are always zero) and count as 0, so that the distance of a
/// set to itself is 0 to rounding rather than the sum of the noise's square roots.
public enum FrechetDistance {
    /// The distance between the Gaussians of `first` and `second`.
    public static func between(_ first: FeatureStatistics, _ second: FeatureStatistics) -> Double {
        precondition(first.dimension == second.dimension,
                     "FrechetDistance: feature dimensions \(first.dimension) and \(second.dimension) differ")
        let d = first.dimension
        var meanTerm = 0.0
        for index in 0..<d {
            let difference = first.mean[index] - second.mean[index]
            meanTerm += difference * difference
        }
        let decomposition = SymmetricEigendecomposition(symmetric: first.covariance, size: d)
        let firstTolerance = tolerance(decomposition.eigenvalues)
        let root = decomposition.reconstructed { $0 > firstTolerance ? $0.squareRoot() : 0 }
        var product = [Double](repeating: 0, count: d * d)
        var sandwich = [Double](repeating: 0, count: d * d)
        root.withUnsafeBufferPointer { s in
            second.covariance.withUnsafeBufferPointer { sigma in
                product.withUnsafeMutableBufferPointer { p in
                    MatrixProduct.multiply(s.baseAddress!, sigma.baseAddress!, into: p.baseAddress!, rows: d, columns: d, inner: d)
                }
            }
            product.withUnsafeBufferPointer { p in
                sandwich.withUnsafeMutableBufferPointer { result in
                    MatrixProduct.multiply(p.baseAddress!, s.baseAddress!, into: result.baseAddress!, rows: d, columns: d, inner: d)
                }
            }
        }
        FeatureStatistics.symmetrize(&sandwich, size: d)
        let eigenvalues = SymmetricEigendecomposition(symmetric: sandwich, size: d, computeEigenvectors: false).eigenvalues
        let sandwichTolerance = tolerance(eigenvalues)
        let traceOfRoot = eigenvalues.reduce(0.0) { $0 + ($1 > sandwichTolerance ? $1.squareRoot() : 0) }
        return meanTerm + first.covarianceTrace + second.covarianceTrace - 2 * traceOfRoot
    }

    /// The magnitude below which eigenvalues are indistinguishable from zero.
    static func tolerance(_ eigenvalues: [Double]) -> Double {
        let largest = eigenvalues.reduce(0.0) { max($0, abs($1)) }
        return Double(eigenvalues.count) * Double.ulpOfOne * largest
    }

    /// The distance between the Gaussians fitted to two feature sets.
    public static func between(_ first: FeatureMatrix, _ second: FeatureMatrix) -> Double {
        between(FeatureStatistics(first), FeatureStatistics(second))
    }
}
