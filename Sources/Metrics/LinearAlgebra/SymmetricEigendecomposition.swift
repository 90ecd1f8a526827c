import COpenBLAS

/// The eigenvalues and eigenvectors of a real symmetric matrix, from LAPACK's divide-and-conquer
/// driver `dsyevd` in Float64.
public struct SymmetricEigendecomposition: Sendable {
    /// The order of the matrix.
    public let size: Int
    /// The eigenvalues in ascending order.
    public let eigenvalues: [Double]
    /// The orthonormal eigenvectors, one per row (`eigenvectors[k * size ..< (k + 1) * size]`
    /// belongs to `eigenvalues[k]`); empty when only eigenvalues were asked for.
    public let eigenvectors: [Double]

    /// Decomposes the symmetric `size x size` matrix `matrix` (row-major; only its lower
    /// triangle in row-major order is read). Fails only if LAPACK does not converge.
    public init(symmetric matrix: [Double], size: Int, computeEigenvectors: Bool = true) {
        precondition(matrix.count == size * size, "SymmetricEigendecomposition: \(matrix.count) values are not \(size) x \(size)")
        self.size = size
        guard size > 0 else {
            eigenvalues = []
            eigenvectors = []
            return
        }
        // A row-major symmetric matrix is its own column-major transpose; LAPACK's "upper"
        // triangle in column-major order is the lower triangle in row-major order.
        var work = matrix
        var values = [Double](repeating: 0, count: size)
        var job = Int8(UInt8(ascii: computeEigenvectors ? "V" : "N"))
        var triangle = Int8(UInt8(ascii: "U"))
        var order = Int32(size), leading = Int32(size), info: Int32 = 0
        var workspaceQuery = 0.0, integerWorkspaceQuery: Int32 = 0
        var query: Int32 = -1, integerQuery: Int32 = -1
        dsyevd_(&job, &triangle, &order, &work, &leading, &values, &workspaceQuery, &query,
                &integerWorkspaceQuery, &integerQuery, &info, 1, 1)
        precondition(info == 0, "SymmetricEigendecomposition: dsyevd workspace query failed (info \(info))")
        var workspaceCount = Int32(workspaceQuery.rounded(.up))
        var integerWorkspaceCount = integerWorkspaceQuery
        var workspace = [Double](repeating: 0, count: Int(workspaceCount))
        var integerWorkspace = [Int32](repeating: 0, count: Int(integerWorkspaceCount))
        dsyevd_(&job, &triangle, &order, &work, &leading, &values, &workspace, &workspaceCount,
                &integerWorkspace, &integerWorkspaceCount, &info, 1, 1)
        precondition(info == 0, "SymmetricEigendecomposition: dsyevd did not converge (info \(info)) on a \(size) x \(size) matrix")
        eigenvalues = values
        eigenvectors = computeEigenvectors ? work : []
    }

    /// V f(Λ) Vᵀ: the matrix function `f` applied to the eigenvalues (e.g. a square root).
    public func reconstructed(applying function: (Double) -> Double) -> [Double] {
        precondition(!eigenvectors.isEmpty, "SymmetricEigendecomposition: eigenvectors were not computed")
        let n = size
        var scaled = eigenvectors
        var result = [Double](repeating: 0, count: n * n)
        scaled.withUnsafeMutableBufferPointer { rows in
            for k in 0..<n {
                let factor = function(eigenvalues[k])
                let row = rows.baseAddress! + k * n
                for column in 0..<n { row[column] *= factor }
            }
        }
        // Rows of `eigenvectors` are the eigenvectors, so V = eigenvectorsᵀ and
        // V f(Λ) Vᵀ = eigenvectorsᵀ (f(Λ) eigenvectors).
        eigenvectors.withUnsafeBufferPointer { vectors in
            scaled.withUnsafeBufferPointer { scaledRows in
                result.withUnsafeMutableBufferPointer { output in
                    MatrixProduct.multiply(vectors.baseAddress!, transposeA: true, scaledRows.baseAddress!,
                                           into: output.baseAddress!, rows: n, columns: n, inner: n)
                }
            }
        }
        return result
    }
}
