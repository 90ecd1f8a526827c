import XCTest
import NN
import TensorCore

/// Optimizer update rules against PyTorch (Fixtures/make_parity_fixtures.py), state saving,
/// schedules, clipping and the moving average.
final class OptimizerTests: XCTestCase {
    final class Parameter: Module {
        init(_ value: Tensor) {
            super.init()
            registerParameter("weight", value)
        }
    }

    func testUpdateRulesMatchPyTorch() throws {
        let reference = try SafeTensors.read(from: ReferenceNetworks.fixture("optimizers_reference")).tensors
        let optimizers: [String: () -> Optimizer] = [
            "sgd_momentum_nesterov": { SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) },
            "sgd_dampening": { SGD(learningRate: 0.1, momentum: 0.8, dampening: 0.3) },
            "adam_l2": { Adam(learningRate: 0.01, beta1: 0.5, weightDecay: 0.1) },
            "adamw": { AdamW(learningRate: 0.01, weightDecay: 0.1) },
            "rmsprop_centered_momentum": { RMSprop(learningRate: 0.01, alpha: 0.9, weightDecay: 0.01, momentum: 0.5, centered: true) },
            "rmsprop": { RMSprop(learningRate: 0.01) },
        ]
        for (name, make) in optimizers {
            let model = Parameter(reference["initial"]!)
            let optimizer = make()
            for k in 0..<4 { optimizer.update(model, gradients: ["weight": reference["gradient\(k)"]!]) }
            GradientCheck.assertClose(model.parameter("weight").scalars, reference[name]!.scalars, tolerance: 1e-5, name)
            XCTAssertEqual(optimizer.step, 4)
        }
    }

    func testStateSavesAndResumesExactly() throws {
        let gradients = (0..<4).map { k in Tensor((0..<6).map { Float(sin(Double($0 * (k + 1)))) }, shape: [2, 3]) }
        let straight = Parameter(Tensor.ones([2, 3])), resumed = Parameter(Tensor.ones([2, 3]))
        let optimizer = Adam(learningRate: 0.01)
        for g in gradients { optimizer.update(straight, gradients: ["weight": g]) }
        let first = Adam(learningRate: 0.01)
        for g in gradients.prefix(2) { first.update(resumed, gradients: ["weight": g]) }
        let second = Adam(learningRate: 0.01)
        try second.loadState(first.stateTensors(), for: resumed)
        for g in gradients.suffix(2) { second.update(resumed, gradients: ["weight": g]) }
        XCTAssertEqual(straight.parameter("weight").scalars, resumed.parameter("weight").scalars)
        XCTAssertThrowsError(try second.loadState([:], for: resumed))
        XCTAssertThrowsError(try second.loadState(["step": Tensor(.nan)], for: resumed))
        XCTAssertThrowsError(try second.loadState(["step": Tensor(1), "exp_avg.weight": Tensor.zeros([2])], for: resumed)) { error in
            XCTAssertTrue("\(error)".contains("has shape [2]; the parameter has [2, 3]"), "\(error)")
        }
        XCTAssertThrowsError(try second.loadState(["step": Tensor(1), "exp_avg.bias": Tensor.zeros([2, 3])], for: resumed))
    }

    func testSchedulesClippingAndMovingAverage() {
        XCTAssertEqual(LearningRateSchedule.step(stepSize: 10, factor: 0.5).learningRate(at: 25, base: 1), 0.25)
        XCTAssertEqual(LearningRateSchedule.cosine(period: 100, minimum: 0).learningRate(at: 50, base: 2), 1, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.cosine(period: 100, minimum: 0.1).learningRate(at: 100, base: 2), 0.1, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.linearWarmup(steps: 4, startFactor: 0.2).learningRate(at: 2, base: 1), 0.6, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.linearWarmup(steps: 4, startFactor: 0.2).learningRate(at: 9, base: 1), 1)
        let decay = LearningRateSchedule.linearDecay(start: 6, end: 10)
        XCTAssertEqual(decay.learningRate(at: 5, base: 2), 2)
        XCTAssertEqual(decay.learningRate(at: 6, base: 2), 1.6, accuracy: 1e-6)
        XCTAssertEqual(decay.learningRate(at: 9, base: 2), 0.4, accuracy: 1e-6)
        XCTAssertEqual(LearningRateSchedule.linearDecay(start: 10, end: 10).learningRate(at: 12, base: 2), 2)

        let (clipped, norm) = clipByGlobalNorm(["a": Tensor([3, 0]), "b": Tensor([4])], maxNorm: 1)
        XCTAssertEqual(norm, 5, accuracy: 1e-5)
        XCTAssertEqual(globalNorm(clipped), 1, accuracy: 1e-4)
        XCTAssertEqual(clipByGlobalNorm(["a": Tensor([0.3])], maxNorm: 1).gradients["a"]?.scalars, [0.3])

        let model = Parameter(Tensor([0, 0]))
        let average = ExponentialMovingAverage(of: model, decay: 0.9)
        model.update(["weight": Tensor([1, 2])])
        average.update(from: model)
        GradientCheck.assertClose(average.values["weight"]!.scalars, [0.1, 0.2], tolerance: 1e-6, "ema")
        let copy = Parameter(Tensor([5, 5]))
        average.copy(to: copy)
        GradientCheck.assertClose(copy.parameter("weight").scalars, [0.1, 0.2], tolerance: 1e-6, "ema copy")
    }
}

enum GradientCheck {
    static func assertClose(_ actual: [Float], _ expected: [Float], tolerance: Float, _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, label, file: file, line: line)
        let worst = zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(worst, tolerance, "\(label): \(actual.prefix(6)) vs \(expected.prefix(6))", file: file, line: line)
    }
}
