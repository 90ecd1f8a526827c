import XCTest
import TensorCore

/// The Gaussian/Laplacian pyramid ops: shapes, exact reconstruction, constant images, and
/// first and second derivatives against finite differences.
final class LaplacianPyramidTests: XCTestCase {
    func testPyramidThenCollapseGivesBackTheImage() {
        for (shape, levels) in [([4, 1, 28, 28], 3), ([2, 3, 32, 32], 4), ([3, 2, 13, 13], 3), ([1, 1, 28, 28], 1)] {
            let images = GradientChecking.random(shape, seed: 7)
            let pyramid = images.laplacianPyramid(levels: levels)
            XCTAssertEqual(pyramid.count, levels)
            var side = shape[2]
            for level in pyramid {
                XCTAssertEqual(level.shape, [shape[0], shape[1], side, side])
                side = Tensor.downsampledSize(side)
            }
            let collapsed = Tensor.collapseLaplacianPyramid(pyramid)
            XCTAssertEqual(collapsed.shape, shape)
            let worst = zip(collapsed.scalars, images.scalars).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(worst, 1e-6, "\(shape), \(levels) levels")
        }
    }

    func testShapesOfEachStep() {
        let images = GradientChecking.random([2, 3, 28, 28], seed: 1)
        XCTAssertEqual(images.gaussianDownsample().shape, [2, 3, 14, 14])
        XCTAssertEqual(images.gaussianDownsample().gaussianDownsample().shape, [2, 3, 7, 7])
        XCTAssertEqual(GradientChecking.random([2, 3, 7, 7], seed: 2).gaussianDownsample().shape, [2, 3, 4, 4])
        XCTAssertEqual(GradientChecking.random([2, 3, 7, 7], seed: 2).gaussianUpsample(height: 14, width: 14).shape, [2, 3, 14, 14])
        XCTAssertEqual(GradientChecking.random([2, 3, 4, 4], seed: 2).gaussianUpsample(height: 7, width: 7).shape, [2, 3, 7, 7])
        XCTAssertEqual(images.gaussianPyramid(levels: 3).map { $0.shape[2] }, [28, 14, 7])
    }

    /// The renormalized border keeps a constant image constant at every level (and so its
    /// residuals zero); a linear ramp stays linear in the interior of a downsampled image.
    func testConstantImagesStayConstant() {
        let constant = Tensor.full([1, 2, 16, 16], -0.75)
        for level in constant.gaussianPyramid(levels: 3) {
            XCTAssertTrue(level.scalars.allSatisfy { abs($0 + 0.75) < 1e-6 })
        }
        let up = Tensor.full([1, 1, 5, 5], 0.5).gaussianUpsample(height: 10, width: 10)
        XCTAssertTrue(up.scalars.allSatisfy { abs($0 - 0.5) < 1e-6 }, "\(up.scalars.prefix(12))")
        let residuals = constant.laplacianPyramid(levels: 3).dropLast()
        XCTAssertTrue(residuals.allSatisfy { $0.scalars.allSatisfy { abs($0) < 1e-6 } })
        // The blur is symmetric and sums to 1, so in the interior a ramp keeps its values.
        let ramp = Tensor((0..<16).flatMap { _ in (0..<16).map { Float($0) } }, shape: [1, 1, 16, 16])
        let down = ramp.gaussianDownsample()
        XCTAssertEqual(down.scalars[3 * 8 + 3], 6, accuracy: 1e-5)
    }

    func testGradientsMatchFiniteDifferences() {
        let image = GradientChecking.random([2, 2, 7, 7], seed: 3)
        GradientChecking.assertFirstAndSecond({ $0[0].gaussianDownsample().square() }, at: [image], "gaussianDownsample")
        let small = GradientChecking.random([2, 2, 4, 4], seed: 4)
        GradientChecking.assertFirstAndSecond({ $0[0].gaussianUpsample(height: 7, width: 7).square() }, at: [small], "gaussianUpsample odd")
        GradientChecking.assertFirstAndSecond({ $0[0].gaussianUpsample(height: 8, width: 8).square() }, at: [small], "gaussianUpsample even")
        let images = GradientChecking.random([1, 1, 8, 8], seed: 5)
        GradientChecking.assertGradient(GradientChecking.projected { x in
            let pyramid = x[0].laplacianPyramid(levels: 3)
            return Tensor.collapseLaplacianPyramid(pyramid.map { $0 * $0 })
        }, at: [images], "laplacianPyramid and collapse")
    }
}
