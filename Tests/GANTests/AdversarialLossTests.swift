import XCTest
import GAN
import NN
import TensorCore

/// The objectives and the gradient regularizers on values that can be worked out by hand.
final class AdversarialLossTests: XCTestCase {
    let real = Tensor([2, 0.5]), fake = Tensor([-1, 0.25])

    func testDiscriminatorAndGeneratorLosses() {
        func softplus(_ x: Float) -> Float { log(1 + exp(x)) }
        let bceD = ((softplus(-2) + softplus(-0.5)) + (softplus(-1) + softplus(0.25))) / 2
        XCTAssertEqual(AdversarialLoss.nonSaturating.discriminatorLoss(real: real, fake: fake).scalar, bceD, accuracy: 1e-5)
        XCTAssertEqual(AdversarialLoss.minimax.discriminatorLoss(real: real, fake: fake).scalar, bceD, accuracy: 1e-5)
        XCTAssertEqual(AdversarialLoss.nonSaturating.generatorLoss(fake: fake).scalar, (softplus(1) + softplus(-0.25)) / 2, accuracy: 1e-5)
        XCTAssertEqual(AdversarialLoss.minimax.generatorLoss(fake: fake).scalar, -(softplus(-1) + softplus(0.25)) / 2, accuracy: 1e-5)
        XCTAssertEqual(AdversarialLoss.leastSquares.discriminatorLoss(real: real, fake: fake).scalar,
                       0.5 * ((1 + 0.25) / 2 + (1 + 0.0625) / 2), accuracy: 1e-6)
        XCTAssertEqual(AdversarialLoss.leastSquares.generatorLoss(fake: fake).scalar, 0.5 * (4 + 0.5625) / 2, accuracy: 1e-6)
        XCTAssertEqual(AdversarialLoss.wasserstein.discriminatorLoss(real: real, fake: fake).scalar, -0.375 - 1.25, accuracy: 1e-6)
        XCTAssertEqual(AdversarialLoss.wasserstein.generatorLoss(fake: fake).scalar, 0.375, accuracy: 1e-6)
        XCTAssertEqual(AdversarialLoss.hinge.discriminatorLoss(real: real, fake: fake).scalar, (0 + 0.5) / 2 + (0 + 1.25) / 2, accuracy: 1e-6)
        // One-sided label smoothing moves only the real target.
        let smoothed = AdversarialLoss.nonSaturating.discriminatorLoss(real: Tensor([0]), fake: Tensor([0]), smoothing: 0.1).scalar
        XCTAssertEqual(smoothed, 2 * log(2), accuracy: 1e-5)
    }

    func testGradientPenaltyAndR1OnALinearCritic() {
        // D(x) = x · w has input gradient w everywhere: GP = λ (‖w‖ - 1)², R1 = γ / 2 ‖w‖².
        let w = Tensor([3, 4], shape: [2, 1])
        let D = { (x: Tensor) in x.matmul(w) }
        var rng = RandomGenerator(seed: 1)
        let real = Tensor.randn([5, 2], generator: &rng), fake = Tensor.randn([5, 2], generator: &rng)
        XCTAssertEqual(GradientRegularizer.gradientPenalty(weight: 10).penalty(D, real: real, fake: fake, generator: &rng).scalar, 160, accuracy: 1e-3)
        XCTAssertEqual(GradientRegularizer.r1(weight: 10).penalty(D, real: real, fake: fake, generator: &rng).scalar, 125, accuracy: 1e-3)
        // Its gradient with respect to w: GP = 10 (‖w‖ - 1)² → 20 (‖w‖ - 1) w / ‖w‖ = 16 w.
        let gradient = grad { (w: Tensor) in
            var inner = RandomGenerator(seed: 2)
            return GradientRegularizer.gradientPenalty(weight: 10).penalty({ $0.matmul(w) }, real: real, fake: fake, generator: &inner)
        }(w)
        XCTAssertEqual(gradient.scalars[0], 48, accuracy: 1e-2)
        XCTAssertEqual(gradient.scalars[1], 64, accuracy: 1e-2)
    }
}
