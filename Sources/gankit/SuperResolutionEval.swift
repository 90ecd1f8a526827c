import ArgumentParser
import Datasets
import Foundation
import GAN

/// `gankit eval --run R --data PHOTOS` for srresnet and srgan runs: PSNR/SSIM against bicubic
/// upscaling on held-out photos, and a side-by-side picture of crops.
enum SuperResolutionEval {
    /// Whether `runFolder` holds a super-resolution run.
    static func handles(_ runFolder: String) -> Bool {
        guard let configuration = try? RunDirectory(runFolder).loadConfiguration() else { return false }
        return ["srresnet", "srgan"].contains(configuration.family)
    }

    static func run(runFolder: String, photos directory: String?, json: String?) throws {
        guard let directory else {
            throw ValidationError("\(runFolder) is a super-resolution run: give --data DIR, a folder of held-out PNG/JPEG photos")
        }
        let trained = try TrainedModel(run: RunDirectory(runFolder))
        let generator = try SuperResolutionFiles.generator(of: trained)
        // An srgan run is compared with the SRResNet it started from, when that run is still there.
        let comparisonRun = trained.configuration.options["init"]
        let comparison = try comparisonRun.flatMap { path -> SRResNetGenerator? in
            guard FileManager.default.fileExists(atPath: RunDirectory(path).generatorCheckpointPath) else { return nil }
            return try SuperResolutionFiles.generator(of: TrainedModel(run: RunDirectory(path)))
        }
        let photos = try PhotoFolder(directory: directory)
        let family = trained.configuration.family
        let name = family == "srgan" ? "SRGAN" : "SRResNet"
        print("run: \(runFolder) (\(family), x\(generator.scale)); photos: \(directory) (\(photos.count))")
        print("PSNR (dB) / SSIM on Y, \(generator.scale) border pixels cut; LR by MATLAB bicubic, 8-bit outputs")
        let header = "photo".padding(toLength: 44, withPad: " ", startingAt: 0) + "bicubic          "
            + (comparison == nil ? "" : "SRResNet         ") + name
        print(header)
        func pair(_ psnr: Double, _ ssim: Double) -> String { String(format: "%6.2f / %.4f  ", psnr, ssim) }
        let report = SuperResolutionEvaluation.evaluate(
            generator: generator, comparison: comparison, photos: photos, run: runFolder, family: family,
            comparisonRun: comparison == nil ? nil : comparisonRun) { score in
            var line = String(score.file.prefix(43)).padding(toLength: 44, withPad: " ", startingAt: 0) + pair(score.bicubicPSNR, score.bicubicSSIM)
            if let psnr = score.comparisonPSNR, let ssim = score.comparisonSSIM { line += pair(psnr, ssim) }
            print(line + pair(score.psnr, score.ssim))
            fflush(nil)
        }
        var mean = "mean".padding(toLength: 44, withPad: " ", startingAt: 0) + pair(report.meanBicubicPSNR, report.meanBicubicSSIM)
        if let psnr = report.meanComparisonPSNR, let ssim = report.meanComparisonSSIM { mean += pair(psnr, ssim) }
        print(mean + pair(report.meanPSNR, report.meanSSIM))
        print(String(format: "%@ over bicubic: %+.2f dB PSNR, %+.4f SSIM", name, report.meanPSNR - report.meanBicubicPSNR,
                     report.meanSSIM - report.meanBicubicSSIM))
        let jsonPath = json ?? runFolder + "/eval.json"
        try writeJSONReport(report, to: jsonPath)
        let picturePath = runFolder + "/eval-crops.png"
        let generators = (comparison.map { [$0] } ?? []) + [generator]
        let indices = Array(stride(from: 0, to: photos.count, by: max(1, photos.count / 4)).prefix(4))
        try SuperResolutionEvaluation.comparisonPicture(generators: generators, photos: photos, indices: indices).write(to: picturePath)
        print("wrote \(jsonPath) and \(picturePath) (columns: bicubic | \(comparison == nil ? "" : "SRResNet | ")\(name) | original)")
    }
}
