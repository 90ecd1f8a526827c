import Foundation
import NN
import TensorCore

/// The classifier whose activations define GANKit's image metrics on Fashion-MNIST: its
/// penultimate layer (128 features after a leaky ReLU) is the feature space of FID, KID, precision,
/// recall, density and coverage; its softmax gives the Inception-style score and the class
/// histograms.
///
/// The network, with PyTorch `nn.Sequential` indices (so checkpoint keys are `state_dict` keys):
/// 0 Conv2d(1, 32, k3, p1) · 1 BatchNorm2d(32) · 2 ReLU · 3 MaxPool2d(2) ·
/// 4 Conv2d(32, 64, k3, p1) · 5 BatchNorm2d(64) · 6 ReLU · 7 MaxPool2d(2) · 8 Flatten ·
/// 9 Linear(3136, 128) · 10 LeakyReLU(0.2) (features) · 11 Dropout(0.3) · 12 Linear(128, 10) (logits).
/// The feature activation is leaky so that no feature is constant: with a plain ReLU, 70 of
/// the 128 units never fired on the test set, leaving FID and the k-NN metrics 58 dimensions.
///
/// Inputs are `[N, 1, 28, 28]` images in [-1, 1], the GANKit sample convention. Training ends
/// by rescaling layers 9 and 12 so that the features of training images have a root mean
/// square of 1 per dimension (see `normalizeFeatures(on:)`).
public final class FashionMNISTEvaluator {
    /// Dimension of the feature space (the penultimate layer).
    public static let featureSize = 128
    /// Number of classes (Fashion-MNIST's ten).
    public static let classCount = 10
    /// The shape of one input image.
    public static let imageShape = [1, 28, 28]
    /// Number of layers up to and including the feature layer.
    static let featureLayerCount = 11
    /// The `format` metadata value that marks an evaluator checkpoint.
    public static let formatName = "gankit-evaluator-fashion-mnist-v2"

    /// The network (in evaluation mode unless a trainer switches it).
    public let network: Sequential
    /// The checkpoint's `__metadata__` (test accuracy, seed, epochs, ...); empty when fresh.
    public private(set) var metadata: [String: String]

    /// An untrained evaluator with weights drawn from `seed`.
    public init(seed: UInt64 = 0) {
        var generator = RandomGenerator(seed: seed)
        network = Sequential {
            Conv2d(1, 32, kernelSize: 3, padding: 1, generator: &generator)
            BatchNorm2d(32)
            ReLU()
            MaxPool2d(2)
            Conv2d(32, 64, kernelSize: 3, padding: 1, generator: &generator)
            BatchNorm2d(64)
            ReLU()
            MaxPool2d(2)
            Flatten()
            Linear(64 * 7 * 7, Self.featureSize, generator: &generator)
            LeakyReLU(0.2)
            Dropout(0.3, seed: seed &+ 1)
            Linear(Self.featureSize, Self.classCount, generator: &generator)
        }
        network.eval()
        metadata = [:]
    }

    /// Loads a trained evaluator. A missing file throws an error that names the file and the
    /// command that makes it.
    public convenience init(contentsOf path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw MetricsError("no evaluator at \(path); train it once with `gankit evaluator train"
                + (path == Self.defaultPath ? "`" : " --evaluator \(path)`") + " (about six minutes on 2 cores)")
        }
        let contents: SafeTensors.Contents
        do {
            contents = try SafeTensors.read(from: path)
        } catch {
            throw MetricsError("\(error); retrain it with `gankit evaluator train --evaluator \(path)`")
        }
        guard contents.metadata["format"] == Self.formatName else {
            throw MetricsError("\(path) is not a GANKit Fashion-MNIST evaluator (its metadata has no format \(Self.formatName)); "
                + "make one with `gankit evaluator train --evaluator \(path)`")
        }
        self.init(seed: 0)
        do {
            try network.load(contents.tensors, dataTypes: contents.dataTypes, source: path)
        } catch {
            throw MetricsError("\(error); retrain it with `gankit evaluator train --evaluator \(path)`")
        }
        network.eval()
        metadata = contents.metadata
    }

    /// Where `gankit evaluator train` writes the evaluator and `gankit eval` looks for it:
    /// `$XDG_CACHE_HOME/gankit/evaluator-fashion-mnist.safetensors`, with `XDG_CACHE_HOME`
    /// defaulting to `~/.cache`.
    public static var defaultPath: String {
        let environment = ProcessInfo.processInfo.environment
        let cache: String
        if let configured = environment["XDG_CACHE_HOME"], !configured.isEmpty {
            cache = configured
        } else {
            cache = (environment["HOME"] ?? NSHomeDirectory()) + "/.cache"
        }
        return cache + "/gankit/evaluator-fashion-mnist.safetensors"
    }

    /// The test accuracy recorded when the evaluator was trained, if any.
    public var testAccuracy: Double? { metadata["test_accuracy"].flatMap(Double.init) }

    /// Writes the evaluator as safetensors (PyTorch `state_dict` names) with `metadata` and the
    /// format marker, atomically; creates the folder if needed.
    public func save(to path: String, metadata: [String: String]) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw MetricsError("cannot create the folder \(folder) for the evaluator: \(error.localizedDescription)")
            }
        }
        var stored = metadata
        stored["format"] = Self.formatName
        do {
            try network.saveCheckpoint(to: path, metadata: stored)
        } catch {
            throw MetricsError("\(error)")
        }
        self.metadata = stored
    }

    /// Class logits of a batch of images (in the network's current mode).
    public func logits(_ images: Tensor) -> Tensor { network(images) }

    /// Features and class probabilities of `images` (`[N, 1, 28, 28]`), computed in evaluation
    /// mode in batches of `batchSize`.
    public func outputs(for images: Tensor, batchSize: Int = 500) -> EvaluatorOutputs {
        precondition(images.rank == 4 && Array(images.shape.dropFirst()) == Self.imageShape,
                     "FashionMNISTEvaluator.outputs: images of shape \(images.shape) are not [N, 1, 28, 28]")
        let wasTraining = network.isTraining
        network.eval()
        defer { network.train(wasTraining) }
        let count = images.shape[0]
        var features: [Tensor] = []
        var probabilities: [Tensor] = []
        var start = 0
        while start < count {
            let end = min(count, start + batchSize)
            var activation = images.slice(axis: 0, start..<end)
            for layer in network.layers[..<Self.featureLayerCount] { activation = layer(activation) }
            features.append(activation)
            var logits = activation
            for layer in network.layers[Self.featureLayerCount...] { logits = layer(logits) }
            probabilities.append(logits.softmax(axis: 1))
            start = end
        }
        func joined(_ pieces: [Tensor], width: Int) -> Tensor {
            pieces.isEmpty ? Tensor.zeros([0, width]) : pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 0)
        }
        return EvaluatorOutputs(features: joined(features, width: Self.featureSize),
                                probabilities: joined(probabilities, width: Self.classCount))
    }
}

/// What the evaluator says about a set of images.
public struct EvaluatorOutputs: Sendable {
    /// Penultimate-layer activations, `[N, featureSize]`.
    public let features: Tensor
    /// Softmax class probabilities, `[N, classCount]`.
    public let probabilities: Tensor

    /// The most probable class of each image.
    public var predictedClasses: [Int] { probabilities.shape[0] == 0 ? [] : probabilities.argmax(axis: 1) }
}
