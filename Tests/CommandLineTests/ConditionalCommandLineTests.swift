import Foundation
import XCTest
import Datasets
import TensorCore

/// The conditional GAN from the command line: training on a labelled folder, sampling by
/// label, augmentation, and the label mistakes users make, each a one-line error with a
/// non-zero exit and nothing written.
final class ConditionalCommandLineTests: GankitTestCase {
    /// A labelled folder of 28x28 gray PNGs: `perClass` images in each of two class subfolders.
    func makeLabelledFolder(_ name: String, perClass: Int = 8) throws {
        var rng = RandomGenerator(seed: 1)
        for label in 0..<2 {
            let folder = "\(scratch!)/\(name)/class\(label)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for index in 0..<perClass {
                let pixels = Tensor.uniform([784], low: -1, high: label == 0 ? 0 : 1, generator: &rng).scalars
                try PNGImage(ImageBuffer(channels: 1, height: 28, width: 28, pixels: pixels)).write(to: "\(folder)/\(index).png")
            }
        }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: scratch + "/" + path) }

    func testConditionalTrainingSamplingAndLabelErrors() throws {
        try makeLabelledFolder("labelled")
        let (status, output) = try gankit(["train", "cgan", "--dataset", "labelled", "--steps", "3", "--batch", "8", "--latent-size", "8", "--out", "cgan"])
        XCTAssertEqual(status, 0, output)
        let (sampled, sampleOutput) = try gankit(["sample", "--run", "cgan", "--class", "1", "--count", "5", "--out", "ones.npy"])
        XCTAssertEqual(sampled, 0, sampleOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/ones.npy").shape, [5, 1, 28, 28])
        try NumpyArray(int64: [0, 1, 1], shape: [3]).write(to: scratch + "/good.npy")
        let (labelled, labelledOutput) = try gankit(["sample", "--run", "cgan", "--labels", "good.npy", "--out", "three.npy"])
        XCTAssertEqual(labelled, 0, labelledOutput)
        XCTAssertEqual(try NumpyArray(contentsOf: scratch + "/three.npy").shape, [3, 1, 28, 28], "one sample per label")

        try NumpyArray(int64: [0, 2, 1], shape: [3]).write(to: scratch + "/range.npy")
        try assertFails(["sample", "--run", "cgan", "--labels", "range.npy", "--out", "x.npy"], saying: ["range.npy", "label 2 is out of range"])
        try NumpyArray(int64: [0, 1], shape: [2, 1]).write(to: scratch + "/shape.npy")
        try assertFails(["sample", "--run", "cgan", "--labels", "shape.npy", "--out", "x.npy"], saying: ["shape.npy", "[N]"])
        try NumpyArray(float32: [0, 0.5], shape: [2]).write(to: scratch + "/fraction.npy")
        try assertFails(["sample", "--run", "cgan", "--labels", "fraction.npy", "--out", "x.npy"], saying: ["fraction.npy", "whole numbers"])
        try NumpyArray(elementType: .float64, shape: [1], bytes: [UInt8](repeating: 0, count: 8)).write(to: scratch + "/ok64.npy")
        var header: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let text = "{'descr': '<u2', 'fortran_order': False, 'shape': (2,), }".padding(toLength: 117, withPad: " ", startingAt: 0) + "\n"
        header += [UInt8(text.utf8.count & 0xFF), UInt8(text.utf8.count >> 8)] + Array(text.utf8) + [0, 0, 1, 0]
        try Data(header).write(to: URL(fileURLWithPath: scratch + "/dtype.npy"))
        try assertFails(["sample", "--run", "cgan", "--labels", "dtype.npy", "--out", "x.npy"], saying: ["dtype.npy", "u2"])
        try assertFails(["sample", "--run", "cgan", "--out", "x.npy"], saying: ["conditional", "--labels"])
        try assertFails(["sample", "--run", "cgan", "--class", "7", "--out", "x.npy"], saying: ["--class", "out of range"])
        XCTAssertFalse(exists("x.npy"), "nothing written by a failed sample")

        // Augmentation: the generated images form a labelled folder the trainer reads back.
        let (augmented, augmentOutput) = try gankit(["augment", "--run", "cgan", "--per-class", "3", "--out", "generated"])
        XCTAssertEqual(augmented, 0, augmentOutput)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: scratch + "/generated/1").count, 3)
        XCTAssertEqual(try ImageFolder(directory: scratch + "/generated").classCount, 2)
        try assertFails(["augment", "--run", "cgan", "--per-class", "3", "--out", "generated"], saying: ["generated", "not empty"])

        // An unconditional run takes no labels; an unlabelled folder cannot train a cgan.
        let (trained, trainOutput) = try gankit(["train", "vanilla", "--dataset", "ring8", "--steps", "2", "--out", "plain", "--latent-size", "4"])
        XCTAssertEqual(trained, 0, trainOutput)
        try assertFails(["sample", "--run", "plain", "--class", "1", "--out", "x.npy"], saying: ["unconditional"])
        try assertFails(["augment", "--run", "plain", "--per-class", "2", "--out", "y"], saying: ["unconditional", "cgan"])
        try FileManager.default.createDirectory(atPath: scratch + "/flat", withIntermediateDirectories: true)
        for index in 0..<8 {
            try PNGImage(ImageBuffer(channels: 1, height: 28, width: 28, filledWith: 0)).write(to: "\(scratch!)/flat/\(index).png")
        }
        try assertFails(["train", "cgan", "--dataset", "flat", "--steps", "2", "--batch", "4", "--out", "nolabels"], saying: ["flat", "labelled dataset"])
        XCTAssertFalse(exists("nolabels"), "no run folder for a refused configuration")
        try assertFails(["train", "cgan", "--dataset", "labelled", "--conditioning", "telepathy"], saying: ["--conditioning", "telepathy"])
    }
}
