import XCTest
import NN
import TensorCore

/// The GRU layer against PyTorch's nn.GRU (Fixtures/make_gru_fixture.py: packed sequences of
/// lengths 6, 3, 1) and against central finite differences.
final class GRUTests: XCTestCase {
    func fixture() throws -> [String: Tensor] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures/gru_reference", withExtension: "safetensors"))
        return try SafeTensors.read(from: url.path).tensors
    }

    func assertClose(_ a: Tensor, _ b: Tensor?, _ name: String, tolerance: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        guard let b else { return XCTFail("no reference \(name)", file: file, line: line) }
        XCTAssertEqual(a.shape, b.shape, name, file: file, line: line)
        let worst = zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "\(name): largest difference \(worst)", file: file, line: line)
    }

    func testMatchesPyTorchForwardAndGradients() throws {
        let reference = try fixture()
        var rng = RandomGenerator(seed: 1)
        let gru = GRU(5, 4, generator: &rng)
        XCTAssertEqual(Set(gru.state().map(\.name)), ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"])
        try gru.load(Dictionary(uniqueKeysWithValues: reference.compactMap { key, value in
            key.hasPrefix("gru.") ? (String(key.dropFirst(4)), value) : nil
        }), source: "gru_reference")
        let x = try XCTUnwrap(reference["x"]), c = try XCTUnwrap(reference["c"])
        let lengths = [6, 3, 1]
        let (outputs, last) = gru.run(x, lengths: lengths)
        assertClose(last, reference["h_n"], "h_n")
        // PyTorch pads outputs after each length with zeros; compare the steps inside each length.
        let expected = try XCTUnwrap(reference["outputs"])
        for (row, length) in lengths.enumerated() {
            assertClose(outputs.slice(axis: 0, row..<(row + 1)).slice(axis: 1, 0..<length),
                        expected.slice(axis: 0, row..<(row + 1)).slice(axis: 1, 0..<length), "outputs row \(row)")
        }
        let (_, gradients) = valueAndGrad(model: gru) { gru in (gru.run(x, lengths: lengths).last * c).sum() }
        for name in ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"] {
            assertClose(try XCTUnwrap(gradients[name]), reference["grad.\(name)"], "grad \(name)")
        }
        let inputGradient = grad { (x: Tensor) in (gru.run(x, lengths: lengths).last * c).sum() }(x)
        assertClose(inputGradient, reference["grad_x"], "grad x")
    }

    func testGradientsMatchFiniteDifferences() {
        var rng = RandomGenerator(seed: 3)
        let gru = GRU(3, 4, generator: &rng)
        let x = Tensor.randn([2, 4, 3], generator: &rng)
        let c = Tensor.randn([2, 4], generator: &rng)
        let lengths = [4, 2]
        func loss(_ input: Tensor) -> Tensor { (gru.run(input, lengths: lengths).last * c).sum() + gru(input).square().mean() }
        let analytic = grad(loss)(x).scalars
        let step: Float = 1e-2
        var values = x.scalars
        for index in stride(from: 0, to: values.count, by: 5) {
            let original = values[index]
            values[index] = original + step
            let plus = loss(Tensor(values, shape: x.shape)).scalar
            values[index] = original - step
            let minus = loss(Tensor(values, shape: x.shape)).scalar
            values[index] = original
            XCTAssertEqual(analytic[index], (plus - minus) / (2 * step), accuracy: 2e-3, "input gradient \(index)")
        }
        // A recurrent weight, through every step.
        let (_, gradients) = valueAndGrad(model: gru) { gru in (gru.run(x, lengths: lengths).last * c).sum() }
        let weight = gru.parameter("weight_hh_l0")
        var w = weight.scalars
        for index in [0, 7, 21, 40] {
            let original = w[index]
            w[index] = original + step
            gru.update(["weight_hh_l0": Tensor(w, shape: weight.shape)])
            let plus = (gru.run(x, lengths: lengths).last * c).sum().scalar
            w[index] = original - step
            gru.update(["weight_hh_l0": Tensor(w, shape: weight.shape)])
            let minus = (gru.run(x, lengths: lengths).last * c).sum().scalar
            w[index] = original
            gru.update(["weight_hh_l0": Tensor(w, shape: weight.shape)])
            XCTAssertEqual(gradients["weight_hh_l0"]!.scalars[index], (plus - minus) / (2 * step), accuracy: 2e-3, "weight_hh_l0[\(index)]")
        }
    }
}
