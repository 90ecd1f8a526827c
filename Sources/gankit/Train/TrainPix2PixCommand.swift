import ArgumentParser
import GAN

/// `gankit train pix2pix`.
struct TrainPix2PixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pix2pix", abstract: Pix2Pix.descriptor.summary + ".")
    @OptionGroup var common: CommonTrainingOptions
    @Option(name: .customLong("load-size"), help: "Resize the pairs to this side first (default: their own size).") var loadSize: Int?
    @Option(name: .customLong("crop-size"), help: "Random crop of this side, the training size: 32, 64, 128 or 256 (default: --load-size).") var cropSize: Int?
    @Option(name: .customLong("test-data"), help: "colorization: a folder of held-out photos (default: every 8th photo of --data).") var testData: String?
    @Option(help: "Normalization: batch (the paper) or instance (default batch).") var norm: String?
    @Option(help: "Filters in G's first layer (default 64).") var ngf: Int?
    @Option(help: "Filters in D's first layer (default 64).") var ndf: Int?
    @Option(name: .customLong("d-layers"), help: "PatchGAN stride-2 layers (default: 70x70 receptive field at 256, scaled to the image size).") var discriminatorLayers: Int?
    @Option(name: .customLong("l1-weight"), help: "Weight of the L1 loss (default 100).") var l1Weight: Float?
    @Option(name: .customLong("gan-weight"), help: "Weight of the cGAN loss; 0 trains the L1-only baseline (default 1).") var ganWeight: Float?
    @Option(help: "a-to-b, or b-to-a to learn the pairs' B -> A (default a-to-b).") var direction: String?
    @Option(name: .customLong("lr"), help: "Adam learning rate of G and D (default 2e-4).") var learningRate: Float?
    @Option(help: "Adam beta1 (default 0.5).") var beta1: Float?
    @Option(help: "Adversarial loss: non-saturating (the paper's cGAN) or least-squares, ... (default non-saturating).") var loss: AdversarialLoss?

    func run() throws {
        try common.train(family: "pix2pix") { configuration in
            // Paired data: --dataset edges2fashion (the default), --dataset colorization --data PHOTOS,
            // or an A|B folder (--data DIR or --dataset DIR).
            if common.dataset == nil { configuration.dataset = common.data ?? Pix2PixData.edgesToFashion }
            if let learningRate { (configuration.learningRateG, configuration.learningRateD) = (learningRate, learningRate) }
            if let beta1 { configuration.beta1 = beta1 }
            if let loss { configuration.loss = loss }
            let options: [(String, String?)] = [
                ("load-size", loadSize.map(String.init)), ("crop-size", cropSize.map(String.init)), ("norm", norm),
                ("ngf", ngf.map(String.init)), ("ndf", ndf.map(String.init)), ("d-layers", discriminatorLayers.map(String.init)),
                ("l1-weight", l1Weight.map { String($0) }), ("gan-weight", ganWeight.map { String($0) }), ("direction", direction),
                ("test-data", testData),
            ]
            for case let (name, value?) in options { configuration.options[name] = value }
        }
    }
}
