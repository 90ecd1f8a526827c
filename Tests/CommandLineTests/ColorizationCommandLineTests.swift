import Datasets
import Foundation
import XCTest

/// `gankit train pix2pix --dataset colorization` and `gankit eval --run` on it: a tiny run on a
/// folder of photos, the metrics of the output and of the gray input, the picture, and a folder
/// without photos refused in one line naming it.
final class ColorizationCommandLineTests: GankitTestCase {
    func testTrainEvaluateAndAFolderWithoutPhotos() throws {
        try FileManager.default.createDirectory(atPath: scratch + "/photos/nested", withIntermediateDirectories: true)
        for index in 0..<8 {
            var image = ImageBuffer(channels: 3, height: 40, width: 48)
            for position in image.pixels.indices { image.pixels[position] = Float((position * (index + 3)) % 11) / 11 - 0.5 }
            try PNGImage(image).write(to: scratch + "/photos/nested/\(index).png")
        }
        let (status, output) = try gankit(["train", "pix2pix", "--dataset", "colorization", "--data", "photos", "--crop-size", "32",
                                           "--steps", "2", "--batch", "2", "--ngf", "4", "--ndf", "4", "--out", "run"])
        XCTAssertEqual(status, 0, output)
        let (evalStatus, evalOutput) = try gankit(["eval", "--run", "run"])
        XCTAssertEqual(evalStatus, 0, evalOutput)
        for fragment in ["1 test pairs", "PSNR", "input (gray) PSNR", "input (gray) SSIM", "eval.png"] {
            XCTAssertTrue(evalOutput.contains(fragment), "\(fragment) in: \(evalOutput)")
        }
        let picture = try ImageBuffer(contentsOf: scratch + "/run/eval.png")
        XCTAssertGreaterThan(picture.width, 3 * 32, "input | output | target")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: scratch + "/run/eval.json"))) as? [String: Any]
        XCTAssertNotNil(json?["inputPSNR"] as? Double)

        try FileManager.default.createDirectory(atPath: scratch + "/nophotos", withIntermediateDirectories: true)
        let failure = try assertFails(["train", "pix2pix", "--dataset", "colorization", "--data", "nophotos", "--out", "r2"],
                                      saying: ["nophotos", "no .png, .jpg or .jpeg"])
        XCTAssertEqual(failure.split(separator: "\n").count, 1, failure)
    }
}
