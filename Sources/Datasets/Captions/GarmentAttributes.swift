/// Attributes of a Fashion-MNIST garment measured from its pixels, the same way for dataset
/// images and generated ones, so a caption's words can be checked against a generated picture.
///
/// Pixels are read as ink `v = (x + 1) / 2` in [0, 1] (the garment bright on a black
/// background, as Fashion-MNIST shows it); the garment is the pixels with `v > 0.2`.
/// - `tone`: the garment's mean ink, "dark" (dim) against "light" (bright).
/// - `size`: the share of the 28x28 frame the garment covers, "small" against "large".
/// - `pattern`: the mean absolute difference between neighbouring garment pixels (texture
///   inside the outline), "plain" against "patterned".
///
/// Every attribute is judged within the garment's class: the thresholds are the class's
/// tertiles and median measured on the 60,000 Fashion-MNIST training images (trouser
/// coverage and coat coverage differ more than two coats do).
public enum GarmentAttribute: String, Sendable, CaseIterable, Codable {
    case tone, size, pattern

    /// The two values an attribute takes: `low` is dark / small / plain.
    public enum Value: Int, Sendable, Codable, CaseIterable {
        case low = 0, high = 1
    }

    /// Lower tertile, median and upper tertile of each class (rows) on the training images.
    static let quantiles: [GarmentAttribute: [[Float]]] = [
        .size: [
            [0.4885, 0.5204, 0.5459], [0.2908, 0.3048, 0.3214], [0.5459, 0.5842, 0.6186], [0.3355, 0.3724, 0.4082],
            [0.5242, 0.5587, 0.5867], [0.1760, 0.2143, 0.2551], [0.5026, 0.5587, 0.5982], [0.2270, 0.2538, 0.2781],
            [0.4617, 0.5153, 0.5612], [0.3814, 0.4120, 0.4477],
        ],
        .tone: [
            [0.5461, 0.6562, 0.7423], [0.6506, 0.7146, 0.7717], [0.5444, 0.6720, 0.7576], [0.6196, 0.7059, 0.7781],
            [0.6699, 0.7370, 0.7825], [0.5200, 0.5623, 0.6125], [0.4829, 0.5968, 0.7019], [0.5896, 0.6413, 0.6871],
            [0.6463, 0.7062, 0.7471], [0.6806, 0.7250, 0.7591],
        ],
        .pattern: [
            [0.0628, 0.0722, 0.0843], [0.1004, 0.1075, 0.1144], [0.0726, 0.0788, 0.0863], [0.0796, 0.0891, 0.1032],
            [0.0781, 0.0856, 0.0947], [0.1393, 0.1515, 0.1640], [0.0728, 0.0821, 0.0951], [0.1125, 0.1217, 0.1327],
            [0.0729, 0.0819, 0.0923], [0.0885, 0.0958, 0.1039],
        ],
    ]

    /// Ink above which a pixel belongs to the garment.
    public static let foregroundInk: Float = 0.2

    /// The raw measurements of one 28x28 grey image given as 784 values in [-1, 1].
    public static func measure(_ pixels: UnsafePointer<Float>, height: Int = 28, width: Int = 28) -> [GarmentAttribute: Float] {
        var covered = 0
        var inkSum: Float = 0
        var differenceSum: Float = 0
        var pairs = 0
        func ink(_ index: Int) -> Float { (pixels[index] + 1) / 2 }
        for row in 0..<height {
            for column in 0..<width {
                let index = row * width + column
                let v = ink(index)
                guard v > foregroundInk else { continue }
                covered += 1
                inkSum += v
                if column + 1 < width, ink(index + 1) > foregroundInk {
                    differenceSum += abs(v - ink(index + 1))
                    pairs += 1
                }
                if row + 1 < height, ink(index + width) > foregroundInk {
                    differenceSum += abs(v - ink(index + width))
                    pairs += 1
                }
            }
        }
        return [
            .size: Float(covered) / Float(height * width),
            .tone: covered == 0 ? 0 : inkSum / Float(covered),
            .pattern: pairs == 0 ? 0 : differenceSum / Float(pairs),
        ]
    }

    /// The measurements of each image of `[N, 1, 28, 28]` images in [-1, 1].
    public static func measure(images: [Float], count: Int) -> [[GarmentAttribute: Float]] {
        precondition(images.count == count * 784, "GarmentAttribute.measure: expects [N, 1, 28, 28] images")
        return images.withUnsafeBufferPointer { buffer in
            (0..<count).map { measure(buffer.baseAddress! + $0 * 784) }
        }
    }

    /// The value a measurement clearly has for a garment of `classIndex` (below the lower
    /// tertile or above the upper one), or nil in the ambiguous middle third: what captions
    /// mention.
    public func clearValue(_ measurement: Float, classIndex: Int) -> Value? {
        let q = Self.quantiles[self]![classIndex]
        if measurement < q[0] { return .low }
        if measurement > q[2] { return .high }
        return nil
    }

    /// The side of the class median a measurement falls on: how a generated image is judged.
    public func judgedValue(_ measurement: Float, classIndex: Int) -> Value {
        measurement < Self.quantiles[self]![classIndex][1] ? .low : .high
    }
}
