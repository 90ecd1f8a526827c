import Datasets
import Foundation
import NN
import TensorCore

/// The settings of a super-resolution run, read from a configuration's options (flag names
/// without dashes) and checked, each error naming its flag.
public struct SuperResolutionSettings: Sendable, Equatable {
    /// The upscaling factor: 2, 3 or 4 (`--scale`).
    public var scale = 4
    /// The HR training patch side (`--patch-size`), a multiple of 16 and of the scale.
    public var patchSize = 96
    /// Residual blocks (`--blocks`) and channels (`--channels`) of G.
    public var blocks = 8
    public var channels = 32
    /// D's first channel count (`--d-channels`; 64 in the paper).
    public var discriminatorChannels = 32
    /// Random patches drawn from each photo per epoch (`--patches-per-photo`).
    public var patchesPerPhoto = 16
    /// The pixel loss (`--pixel-loss mse|l1`) and its weight (`--pixel-weight`).
    public var pixelLoss = "mse"
    public var pixelWeight: Float = 1
    /// SRGAN: weight of the feature loss on D's features (`--feature-weight`) and of the adversarial loss (`--adversarial-weight`).
    public var featureWeight: Float = 0.01
    public var adversarialWeight: Float = 1e-3
    /// SRGAN: the run whose generator G starts from (`--init`).
    public var initialRun: String?

    public init() {}

    /// Reads and checks the options of `configuration`.
    public init(_ configuration: TrainingConfiguration) throws {
        func value<T: LosslessStringConvertible>(_ name: String, _ fallback: T, _ valid: (T) -> Bool, _ need: String) throws -> T {
            guard let text = configuration.options[name] else { return fallback }
            guard let parsed = T(text), valid(parsed) else {
                throw TrainingError.invalidConfiguration("--\(name) must be \(need), not \(text)")
            }
            return parsed
        }
        scale = try value("scale", 4, { [2, 3, 4].contains($0) }, "2, 3 or 4")
        patchSize = try value("patch-size", 96, { $0 >= 16 && $0 <= 512 && $0 % 16 == 0 }, "a multiple of 16 between 16 and 512")
        guard patchSize % scale == 0 else {
            throw TrainingError.invalidConfiguration("--patch-size \(patchSize) must be a multiple of --scale \(scale)")
        }
        blocks = try value("blocks", 8, { (0...64).contains($0) }, "between 0 and 64")
        channels = try value("channels", 32, { (1...512).contains($0) }, "between 1 and 512")
        discriminatorChannels = try value("d-channels", 32, { (1...512).contains($0) }, "between 1 and 512")
        patchesPerPhoto = try value("patches-per-photo", 16, { (1...100_000).contains($0) }, "between 1 and 100000")
        pixelLoss = try value("pixel-loss", "mse", { ["mse", "l1"].contains($0) }, "mse or l1")
        pixelWeight = try value("pixel-weight", Float(1), { $0 >= 0 && $0.isFinite }, "a number >= 0")
        featureWeight = try value("feature-weight", Float(0.01), { $0 >= 0 && $0.isFinite }, "a number >= 0")
        adversarialWeight = try value("adversarial-weight", Float(1e-3), { $0 >= 0 && $0.isFinite }, "a number >= 0")
        initialRun = configuration.options["init"]
    }

    /// The settings of the srresnet or srgan run in folder `path` (what `--init` names).
    public init(ofRun path: String) throws {
        let run = RunDirectory(path)
        guard run.exists else {
            throw TrainingError.invalidConfiguration("--init \(path) is not a GANKit run folder (no config.json); train one with gankit train srresnet")
        }
        let saved = try run.loadConfiguration()
        guard saved.family == "srresnet" || saved.family == "srgan" else {
            throw TrainingError.invalidConfiguration("--init \(path) holds a \(saved.family) run, not an srresnet run")
        }
        try self.init(saved)
    }
}

/// A `Dataset` of HR patches whose label is the sample's index, so that a training step can
/// fetch the LR partners of the very patches in its batch (`SuperResolutionPatches` gives
/// them by index).
public struct IndexedPatches: Dataset {
    public let patches: SuperResolutionPatches
    public init(_ patches: SuperResolutionPatches) { self.patches = patches }
    public var count: Int { patches.count }
    public var sampleShape: [Int] { patches.sampleShape }
    public func label(at index: Int) -> Int { index }
    public func copySample(at index: Int, into destination: UnsafeMutablePointer<Float>) {
        patches.copySample(at: index, into: destination)
    }
}

/// Opening the photos of a super-resolution run once per process: the trainer's data and the
/// family's training step share one decoded `PhotoFolder`.
public enum SuperResolutionData {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: (directory: String, photos: PhotoFolder)?

    /// The photo folder of a configuration: `--data DIR` (or `--dataset DIR`).
    public static func folder(of configuration: TrainingConfiguration) throws -> String {
        if let directory = configuration.dataDirectory { return directory }
        guard configuration.dataset != photosDatasetName else {
            throw TrainingError.invalidConfiguration("\(configuration.family) trains on photos: give --data DIR, a folder of PNG or JPEG photos")
        }
        return configuration.dataset
    }

    /// The dataset name recorded for runs on a photo folder.
    public static let photosDatasetName = "photos"

    /// The decoded photos of `directory` (decoded once per process).
    public static func photos(in directory: String) throws -> PhotoFolder {
        lock.lock()
        defer { lock.unlock() }
        if let cached, cached.directory == directory { return cached.photos }
        let photos = try PhotoFolder(directory: directory)
        cached = (directory, photos)
        return photos
    }

    /// The training patches of a configuration (epoch 0; `forEpoch` gives the others).
    public static func patches(_ configuration: TrainingConfiguration, settings: SuperResolutionSettings) throws -> SuperResolutionPatches {
        try SuperResolutionPatches(photos: photos(in: folder(of: configuration)), scale: settings.scale, patchSize: settings.patchSize,
                                   patchesPerPhoto: settings.patchesPerPhoto, seed: configuration.seed)
    }

    /// The trainer's data: HR patches labelled by their index.
    @Sendable
    public static func open(_ configuration: TrainingConfiguration) throws -> TrainingSet {
        let settings = try SuperResolutionSettings(configuration)
        return TrainingSet(dataset: IndexedPatches(try patches(configuration, settings: settings)))
    }
}

/// SRResNet and SRGAN (Ledig et al. 2017): a residual generator that upscales LR photos by
/// `scale`, trained on a pixel loss alone (`srresnet`), or from an SRResNet run on a pixel loss,
/// a feature loss on the discriminator's features and an adversarial loss against the paper's
/// patch discriminator (`srgan`).
///
/// **Batches.** The trainer's batch holds HR patches (`[N, 3, P, P]`, epoch 0's placements)
/// and, as labels, their indices in `SuperResolutionPatches`; the step takes the HR and LR
/// patches of the batch's epoch at those indices (epoch 0: the batch's own HR samples), so
/// every epoch draws new random patches, flips and rotations, all a function of the seed.
public final class SuperResolutionFamily: GANFamily {
    public let configuration: TrainingConfiguration
    public let settings: SuperResolutionSettings
    public let generator: SRResNetGenerator
    public let discriminator: SRGANDiscriminator?
    public let optimizerG: Adam
    public let optimizerD: Adam?
    /// Opened on the first step or preview (never for inference).
    private var patchesStorage: SuperResolutionPatches?

    public init(configuration: TrainingConfiguration, adversarial: Bool) throws {
        self.configuration = configuration
        settings = try SuperResolutionSettings(configuration)
        var weights = RandomGenerator(seed: configuration.seed)
        generator = SRResNetGenerator(scale: settings.scale, blocks: settings.blocks, channels: settings.channels, generator: &weights)
        optimizerG = Adam(learningRate: configuration.learningRateG, beta1: configuration.beta1, beta2: configuration.beta2)
        if adversarial {
            discriminator = SRGANDiscriminator(patchSize: settings.patchSize, channels: settings.discriminatorChannels, generator: &weights)
            optimizerD = Adam(learningRate: configuration.learningRateD, beta1: configuration.beta1, beta2: configuration.beta2)
            guard let initialRun = settings.initialRun else {
                throw TrainingError.invalidConfiguration("srgan starts from a trained SRResNet: give --init RUN (a gankit train srresnet run folder)")
            }
            try loadInitialGenerator(from: initialRun)
        } else {
            guard settings.initialRun == nil else {
                throw TrainingError.invalidConfiguration("--init applies to srgan; srresnet starts from fresh weights")
            }
            discriminator = nil
            optimizerD = nil
        }
    }

    /// Copies the generator of the SRResNet run `path` into G (same scale, blocks, channels).
    func loadInitialGenerator(from path: String) throws {
        let savedSettings = try SuperResolutionSettings(ofRun: path)
        guard savedSettings.scale == settings.scale, savedSettings.blocks == settings.blocks, savedSettings.channels == settings.channels else {
            throw TrainingError.invalidConfiguration(
                "--init \(path) has a generator of scale \(savedSettings.scale), \(savedSettings.blocks) blocks, \(savedSettings.channels) channels; leave out --scale, --blocks and --channels or pass the same")
        }
        let checkpoint = RunDirectory(path).networkCheckpointPath("generator")
        guard FileManager.default.fileExists(atPath: checkpoint) else { throw TrainingError.noCheckpoint(path) }
        try generator.loadCheckpoint(from: checkpoint)
    }

    public var networks: [(name: String, module: Module)] {
        [("generator", generator)] + (discriminator.map { [("discriminator", $0)] } ?? [])
    }

    public var optimizers: [(name: String, optimizer: any Optimizer, module: Module)] {
        var list: [(name: String, optimizer: any Optimizer, module: Module)] = [("generator", optimizerG, generator)]
        if let discriminator, let optimizerD { list.append(("discriminator", optimizerD, discriminator)) }
        return list
    }

    /// The training patches (the photos are decoded once per process).
    func patches() -> SuperResolutionPatches {
        if let patchesStorage { return patchesStorage }
        // The trainer opened the same data before building the family, so this cannot fail
        // unless the folder changed in between.
        do {
            let patches = try SuperResolutionData.patches(configuration, settings: settings)
            patchesStorage = patches
            return patches
        } catch {
            fatalError("\(error)")
        }
    }

    /// The HR and LR patches of `batch`: `[N, 3, P, P]` and `[N, 3, P / s, P / s]`.
    public func pairs(of batch: Batch) -> (highResolution: Tensor, lowResolution: Tensor) {
        let patches = patches().forEpoch(batch.epoch)
        let indices = batch.labels
        let high = batch.epoch == 0 ? batch.samples : patches.samples(at: indices)
        return (high, Self.lowResolutionSamples(patches, at: indices))
    }

    /// The LR patches of `indices`, made on every core.
    static func lowResolutionSamples(_ patches: SuperResolutionPatches, at indices: [Int]) -> Tensor {
        let size = patches.lowResolutionShape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: size * indices.count)
        scalars.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let destination = buffer  // each worker writes its own samples
            Parallel.forEachChunk(indices.count, costPerItem: Parallel.minimumParallelWork) { range in
                for position in range { patches.copyLowResolutionSample(at: indices[position], into: destination.baseAddress! + position * size) }
            }
        }
        return Tensor(scalars, shape: [indices.count] + patches.lowResolutionShape)
    }

    func pixelLoss(_ output: Tensor, _ target: Tensor) -> Tensor {
        settings.pixelLoss == "l1" ? l1(output, target) : mse(output, target)
    }

    public func trainingStep(on batch: Batch, context: StepContext, randomness: inout RandomGenerator) -> [(name: String, value: Float)] {
        let (high, low) = pairs(of: batch)
        guard let discriminator, let optimizerD else {
            let (loss, gradients) = valueAndGrad(model: generator) { G in self.pixelLoss(G(low), high) }
            let norm = globalNorm(gradients)
            if loss.scalar.isFinite && norm.isFinite { optimizerG.update(generator, gradients: gradients) }
            return [("loss", loss.scalar), ("gradientNorm", norm)]
        }
        let adversarial = AdversarialLoss.nonSaturating
        let (fake, pullbackG) = valueAndPullback(model: generator) { G in G(low) }
        let fakeForD = stopGradient(fake)
        // (1) D: HR patches against G's (separate passes: D has BatchNorm).
        var realScore: Float = 0, fakeScore: Float = 0
        let (lossD, gradientsD) = valueAndGrad(model: discriminator) { D in
            let real = D(high), generated = D(fakeForD)
            realScore = real.detached().sigmoid().mean().scalar
            fakeScore = generated.detached().sigmoid().mean().scalar
            return adversarial.discriminatorLoss(real: real, fake: generated)
        }
        let normD = globalNorm(gradientsD)
        guard lossD.scalar.isFinite, normD.isFinite else {
            return [("lossG", .nan), ("lossD", lossD.scalar), ("gradientNormD", normD)]
        }
        optimizerD.update(discriminator, gradients: gradientsD)
        // (2) G: pixel + feature + adversarial loss at G's output, through the updated D.
        let target = discriminator.discriminate(high).features.detached()
        let targetEnergy = target.square().mean().scalar + 1e-8
        var pixel: Float = 0, feature: Float = 0, adversarialValue: Float = 0
        let (lossG, outputGradient) = valueAndGrad { (x: Tensor) -> Tensor in
            let (logits, features) = discriminator.discriminate(x)
            let pixelTerm = self.pixelLoss(x, high)
            let featureTerm = mse(features, target) / targetEnergy
            let adversarialTerm = adversarial.generatorLoss(fake: logits)
            pixel = pixelTerm.detached().scalar
            feature = featureTerm.detached().scalar
            adversarialValue = adversarialTerm.detached().scalar
            return pixelTerm * self.settings.pixelWeight + featureTerm * self.settings.featureWeight
                + adversarialTerm * self.settings.adversarialWeight
        }(fake)
        let gradientsG = pullbackG(outputGradient)
        let normG = globalNorm(gradientsG)
        if lossG.scalar.isFinite && normG.isFinite { optimizerG.update(generator, gradients: gradientsG) }
        return [("lossG", lossG.scalar), ("lossD", lossD.scalar), ("pixel", pixel), ("feature", feature),
                ("adversarial", adversarialValue), ("realScore", realScore), ("fakeScore", fakeScore),
                ("gradientNormG", normG), ("gradientNormD", normD)]
    }

    /// Rows of (bicubic | G | original) for four fixed patches of epoch 0.
    public func previewPicture() -> PNGImage {
        let patches = patches()
        let indices = (0..<4).map { $0 * patches.count / 4 }
        let high = patches.samples(at: indices)
        let low = Self.lowResolutionSamples(patches, at: indices)
        let output = SuperResolution.upscale(low, with: generator)
        let bicubic = ImageBuffer.batch(ImageBuffer.images(from: low).map { $0.resizedLikeMATLAB(scale: Double(settings.scale)) })
        var rows: [Tensor] = []
        for row in 0..<indices.count {
            for tensor in [bicubic, output, high] { rows.append(tensor.slice(axis: 0, row..<(row + 1))) }
        }
        return PNGImage(ImageGrid.make(Tensor.concat(rows, axis: 0), rows: indices.count), range: 0...1)
    }

    /// The family descriptors of `gankit train srresnet` and `gankit train srgan`.
    public static let srresnet = FamilyDescriptor(
        name: "srresnet", summary: "SRResNet (Ledig et al. 2017): a residual network that upscales photos x2/x3/x4, trained on a pixel loss",
        openData: SuperResolutionData.open, make: { try SuperResolutionFamily(configuration: $0, adversarial: false) })
    public static let srgan = FamilyDescriptor(
        name: "srgan", summary: "SRGAN (Ledig et al. 2017): SRResNet trained further against a patch discriminator, with a feature loss on its features",
        openData: SuperResolutionData.open, make: { try SuperResolutionFamily(configuration: $0, adversarial: true) })
}
