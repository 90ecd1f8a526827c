import XCTest
import NN
import TensorCore

/// The `dcgan` G and D against PyTorch (Fixtures/make_parity_fixtures.py): forward outputs in
/// train and eval mode, BatchNorm running statistics, gradients of both GAN losses with respect
/// to every parameter, and the weights after three alternating Adam steps, all to 1e-4.
final class PyTorchParityTests: XCTestCase {
    var G: Sequential!
    var D: Sequential!
    var z: Tensor!
    var x: Tensor!
    var reference: [String: Tensor]!

    override func setUpWithError() throws {
        var rng = RandomGenerator(seed: 5)
        G = ReferenceNetworks.generator(generator: &rng)
        D = ReferenceNetworks.discriminator(generator: &rng)
        try G.loadCheckpoint(from: ReferenceNetworks.fixture("dcgan_G_initial"))
        try D.loadCheckpoint(from: ReferenceNetworks.fixture("dcgan_D_initial"))
        let inputs = try SafeTensors.read(from: ReferenceNetworks.fixture("dcgan_inputs")).tensors
        z = inputs["z"]
        x = inputs["x"]
        reference = try SafeTensors.read(from: ReferenceNetworks.fixture("dcgan_reference")).tensors
    }

    /// The relative error ‖a - b‖ / ‖b‖ over the whole tensor must be within `tolerance`;
    /// elementwise, |a - b| must be within `elementTolerance` of max(|b|, 1% of the largest |b|).
    func assertMatches(_ actual: Tensor, _ key: String, tolerance: Float = 1e-4, elementTolerance: Float = 1e-3,
                       file: StaticString = #filePath, line: UInt = #line) {
        guard let expected = reference[key] else { return XCTFail("no reference \(key)", file: file, line: line) }
        XCTAssertEqual(actual.shape, expected.shape, key, file: file, line: line)
        let a = actual.scalars, b = expected.scalars
        let scale = (b.map(abs).max() ?? 0) * 1e-2
        var worst: Float = 0, difference = 0.0, norm = 0.0
        for (p, q) in zip(a, b) {
            worst = max(worst, abs(p - q) / max(abs(q), scale, 1e-12))
            difference += Double(p - q) * Double(p - q)
            norm += Double(q) * Double(q)
        }
        let relative = Float((difference / max(norm, 1e-30)).squareRoot())
        XCTAssertLessThanOrEqual(relative, tolerance, "\(key): relative error \(relative)", file: file, line: line)
        XCTAssertLessThanOrEqual(worst, elementTolerance, "\(key): largest elementwise error \(worst)", file: file, line: line)
    }

    func testForwardInTrainAndEvalMode() {
        G.train()
        assertMatches(G(z), "G_train")
        let state = Dictionary(uniqueKeysWithValues: G.state().map { ($0.name, $0.value) })
        for key in reference.keys where key.hasPrefix("G_after_train_forward.") {
            assertMatches(state[String(key.dropFirst("G_after_train_forward.".count))]!, key)
        }
        G.eval()
        D.eval()
        assertMatches(G(z), "G_eval")
        assertMatches(D(x), "D_eval")
        ReferenceNetworks.trainWithoutDropout(D)
        assertMatches(D(x), "D_train")
    }

    func testGradientsOfBothLosses() {
        G.train()
        ReferenceNetworks.trainWithoutDropout(D)
        let G0 = G.state()
        let fake = stopGradient(G(z))
        let (lossD, gradientsD) = valueAndGrad(model: D) { D in
            bceWithLogits(D(self.x), target: 1) + bceWithLogits(D(fake), target: 0)
        }
        assertMatches(lossD.reshape([1]), "lossD")
        for (name, gradient) in gradientsD { assertMatches(gradient, "gradD.\(name)") }
        XCTAssertEqual(gradientsD.count, 6)
        G.update(Dictionary(uniqueKeysWithValues: G0.map { ($0.name, $0.value) }))
        let (lossG, gradientsG) = valueAndGrad(model: G) { G in bceWithLogits(self.D(G(self.z)), target: 1) }
        assertMatches(lossG.reshape([1]), "lossG")
        XCTAssertEqual(gradientsG.count, 10)
        for (name, gradient) in gradientsG { assertMatches(gradient, "gradG.\(name)") }
    }

    func testThreeAdamSteps() {
        G.train()
        ReferenceNetworks.trainWithoutDropout(D)
        let optimizerG = Adam(learningRate: 2e-4, beta1: 0.5), optimizerD = Adam(learningRate: 2e-4, beta1: 0.5)
        for _ in 0..<3 {
            // (1) update D on a real and a generated batch
            let fake = G(z)
            let (_, gradientsD) = valueAndGrad(model: D) { D in
                bceWithLogits(D(self.x), target: 1) + bceWithLogits(D(stopGradient(fake)), target: 0)
            }
            optimizerD.update(D, gradients: gradientsD)
            // (2) update G through the updated D (the PyTorch loop reuses the same fake batch)
            let (_, gradientsG) = valueAndGrad(model: G) { G in bceWithLogits(self.D(G(self.z)), target: 1) }
            optimizerG.update(G, gradients: gradientsG)
        }
        // Adam moves each weight by about ±lr whatever the gradient's size, so a weight whose
        // gradient is at rounding level (1e-9) can move either way in either framework: the
        // elementwise bound allows that (2e-4 / 0.02 = 1%), the whole-tensor bound stays 1e-4.
        for (name, value) in G.namedParameters() { assertMatches(value, "adamG.\(name)", elementTolerance: 2e-2) }
        for (name, value) in D.namedParameters() { assertMatches(value, "adamD.\(name)", elementTolerance: 2e-2) }
    }
}
