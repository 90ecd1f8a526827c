import ArgumentParser
import GAN

/// `gankit train cyclegan`.
struct TrainCycleGANCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cyclegan", abstract: CycleGAN.descriptor.summary + ".")
    @OptionGroup var common: CommonTrainingOptions
    @Option(help: "Two classes of --dataset as domains A,B (default 7,9: sneaker and ankle boot).") var domains: String?
    @Option(help: "Filters in the generators' first layer (default 64).") var ngf: Int?
    @Option(help: "Filters in the discriminators' first layer (default 64).") var ndf: Int?
    @Option(help: "Residual blocks in each generator (default 6; the paper uses 6 at 128 pixels and 9 at 256).") var blocks: Int?
    @Option(name: .customLong("d-layers"), help: "PatchGAN stride-2 layers (default: 70x70 receptive field at 256, scaled to the image size).") var discriminatorLayers: Int?
    @Option(name: .customLong("lambda-cycle"), help: "Weight of the cycle-consistency losses (default 10).") var lambdaCycle: Float?
    @Option(name: .customLong("lambda-identity"), help: "Weight of the identity losses as a fraction of --lambda-cycle (default 0.5).") var lambdaIdentity: Float?
    @Option(name: .customLong("pool-size"), help: "Past fakes kept for each discriminator (default 50; 0 for none).") var poolSize: Int?
    @Option(help: "Random horizontal flips: true or false (default true for folders, false for --domains).") var flip: String?
    @Option(name: .customLong("lr"), help: "Adam learning rate of G and D (default 2e-4).") var learningRate: Float?
    @Option(help: "Adam beta1 (default 0.5).") var beta1: Float?

    func run() throws {
        try common.train(family: "cyclegan", defaultDataset: common.data ?? "fashion-mnist") { configuration in
            // Unpaired data: --dataset fashion-mnist (the default, with --domains) or a trainA/trainB folder (--data DIR or --dataset DIR).
            if common.dataset == nil, let folder = common.data { configuration.dataset = folder }
            if let learningRate { (configuration.learningRateG, configuration.learningRateD) = (learningRate, learningRate) }
            if let beta1 { configuration.beta1 = beta1 }
            let options: [(String, String?)] = [
                ("domains", domains), ("ngf", ngf.map(String.init)), ("ndf", ndf.map(String.init)), ("blocks", blocks.map(String.init)),
                ("d-layers", discriminatorLayers.map(String.init)), ("lambda-cycle", lambdaCycle.map { String($0) }),
                ("lambda-identity", lambdaIdentity.map { String($0) }), ("pool-size", poolSize.map(String.init)),
                ("flip", flip),
            ]
            for case let (name, value?) in options { configuration.options[name] = value }
        }
    }
}
