import XCTest
import Datasets
@testable import GAN
import NN
import TensorCore

/// The unrolled GAN's full form (`--unroll K --unroll-second-order`): G's gradient at the fake
/// batch against central differences of the unrolled loss, its difference from the surrogate,
/// and D left as it was.
final class SecondOrderUnrollTests: XCTestCase {
    func gan(_ options: [String: String]) throws -> AdversarialGAN {
        var configuration = TrainingConfiguration(family: "vanilla", dataset: "ring8")
        configuration.sampleShape = [2]
        configuration.latentSize = 4
        configuration.learningRateD = 0.05
        configuration.options = ["pack": "1", "g-hidden": "8", "d-hidden": "12,6"].merging(options) { _, new in new }
        let family = try UnconditionalFamilies.vanilla.make(configuration)
        return try XCTUnwrap(family as? AdversarialGAN)
    }

    func testGradientFollowsCentralDifferencesOfTheUnrolledLoss() throws {
        let model = try gan(["unroll": "2", "unroll-second-order": "true"])
        var rng = RandomGenerator(seed: 4)
        let real = GaussianMixture.ring8.sample(count: 6, generator: &rng).points
        _ = model.step(real: real, labels: nil, generator: &rng)  // D's Adam state is not empty
        let fake = Tensor.randn([6, 2], generator: &rng)
        let before = model.discriminator.state().flatMap(\.value.scalars), optimizerStep = model.optimizerD.step
        func unrolled(_ x: Tensor) -> (value: Tensor, gradient: Tensor) {
            var draws = RandomGenerator(seed: 5)
            return model.secondOrderUnrolledGeneratorLoss(real: real, fake: x, labels: nil, condition: nil, noiseLevel: 0, generator: &draws)
        }
        let (value, gradient) = unrolled(fake)
        XCTAssertEqual(model.discriminator.state().flatMap(\.value.scalars), before, "D's weights are restored")
        XCTAssertEqual(model.optimizerD.step, optimizerStep)
        XCTAssertTrue(value.scalar.isFinite)
        var values = fake.scalars
        let step: Float = 1e-2
        for index in values.indices {
            let original = values[index]
            values[index] = original + step
            let up = unrolled(Tensor(values, shape: fake.shape)).value.scalar
            values[index] = original - step
            let down = unrolled(Tensor(values, shape: fake.shape)).value.scalar
            values[index] = original
            let numeric = (up - down) / (2 * step)
            XCTAssertEqual(gradient.scalars[index], numeric, accuracy: 0.05 * max(0.1, abs(numeric)), "element \(index)")
        }
    }

    func testTheSecondOrderTermChangesGsGradientAndNotD() throws {
        func trained(_ options: [String: String]) throws -> (D: [Float], G: [Float]) {
            let model = try gan(options)
            var rng = RandomGenerator(seed: 9)
            for _ in 0..<2 { _ = model.step(real: GaussianMixture.ring8.sample(count: 16, generator: &rng).points, labels: nil, generator: &rng) }
            return (model.discriminator.state().flatMap(\.value.scalars), model.generator.state().flatMap(\.value.scalars))
        }
        let surrogate = try trained(["unroll": "3"]), full = try trained(["unroll": "3", "unroll-second-order": "true"])
        let plain = try trained([:])
        XCTAssertEqual(surrogate.D.count, full.D.count)
        XCTAssertNotEqual(full.G, surrogate.G, "the second-order term moves G")
        // After the first step G differs, so D's second update differs too; D after one step is the same.
        let oneStep = { (options: [String: String]) throws -> [Float] in
            let model = try self.gan(options)
            var rng = RandomGenerator(seed: 9)
            _ = model.step(real: GaussianMixture.ring8.sample(count: 16, generator: &rng).points, labels: nil, generator: &rng)
            return model.discriminator.state().flatMap(\.value.scalars)
        }
        XCTAssertEqual(try oneStep(["unroll": "3", "unroll-second-order": "true"]), try oneStep([:]), "the look-ahead never changes D")
        XCTAssertNotEqual(full.G, plain.G)
    }

    func testSecondOrderNeedsUnrollSteps() throws {
        XCTAssertThrowsError(try gan(["unroll-second-order": "true"])) {
            XCTAssertTrue("\($0)".contains("--unroll-second-order") && "\($0)".contains("--unroll 1 or more"), "\($0)")
        }
        XCTAssertThrowsError(try gan(["unroll": "1", "unroll-second-order": "maybe"])) {
            XCTAssertTrue("\($0)".contains("--unroll-second-order must be true or false"), "\($0)")
        }
        XCTAssertEqual(try gan(["unroll": "2", "unroll-second-order": "true"]).counters.flags, "--unroll 2 --unroll-second-order")
    }
}
