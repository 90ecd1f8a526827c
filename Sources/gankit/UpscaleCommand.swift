import ArgumentParser
import Foundation
import GAN

/// `gankit upscale --run R --input IN --out OUT`: super-resolution with a trained srresnet or srgan run.
struct UpscaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "upscale",
        abstract: "Upscale images with an srresnet or srgan run: a .npy batch, one PNG/JPEG image, or a folder of images, at any size.",
        discussion: "Large images are processed in tiles with overlapping margins (the result equals upscaling in one piece).")

    @Option(name: .customLong("run"), help: "An srresnet or srgan run folder.") var runFolder: String
    @Option(help: "A float32 .npy [N, 3, H, W] in [-1, 1], a PNG/JPEG image, or a folder of them.") var input: String
    @Option(help: "A .npy (for a .npy input), a .png/.jpg file (for an image), or a folder (for a folder).") var out: String
    @Option(help: "LR tile side in pixels (default \(SuperResolution.defaultTileSize)); smaller uses less memory.")
    var tile = SuperResolution.defaultTileSize

    func run() throws {
        let model = try TrainedModel(run: RunDirectory(runFolder))
        let generator = try SuperResolutionFiles.generator(of: model)
        let start = Date()
        let summary = try SuperResolutionFiles.upscale(input: input, output: out, generator: generator, tileSize: tile)
        print(String(format: "upscaled %d image(s) x%d in %.1f s into %@", summary.images, generator.scale,
                     Date().timeIntervalSince(start), out))
    }
}
