import Datasets
import Foundation
import NN
import TensorCore

/// Upscaling with a trained SRResNet/SRGAN generator: batches, and whole images of any size in
/// tiles (each tile with a margin of the generator's receptive field, so the result equals
/// upscaling the image in one piece while memory stays bounded by the tile size).
public enum SuperResolution {
    /// LR tile side used by default: about 150 MB of activations for 32 channels at scale 4.
    public static let defaultTileSize = 64

    /// `generator` applied to `low` (`[N, 3, h, w]` in [-1, 1]) in evaluation mode (restored
    /// after), `[N, 3, h s, w s]`, not clamped.
    public static func upscale(_ low: Tensor, with generator: SRResNetGenerator) -> Tensor {
        let wasTraining = generator.isTraining
        generator.eval()
        defer { generator.train(wasTraining) }
        return generator(low)
    }

    /// `image` as RGB: gray (with or without alpha) repeated in each channel, alpha dropped.
    public static func rgb(_ image: ImageBuffer) -> ImageBuffer {
        switch image.channels {
        case 3: return image
        case 4: return ImageBuffer(channels: 3, height: image.height, width: image.width,
                                   pixels: Array(image.pixels[0..<(3 * image.height * image.width)]))
        default:
            let plane = Array(image.pixels[0..<(image.height * image.width)])
            return ImageBuffer(channels: 3, height: image.height, width: image.width, pixels: plane + plane + plane)
        }
    }

    /// Upscales an RGB `image` (`[3, H, W]` in [-1, 1], any size) tile by tile: `write` gets
    /// each output tile's top-left corner in the output and the tile (`[3, th s, tw s]`,
    /// clamped to [-1, 1]); the tiles cover the `[3, H s, W s]` output exactly once.
    public static func upscaleTiles(_ image: ImageBuffer, with generator: SRResNetGenerator, tileSize: Int = defaultTileSize,
                                    write: (_ top: Int, _ left: Int, _ tile: ImageBuffer) throws -> Void) rethrows {
        precondition(image.channels == 3, "SuperResolution.upscaleTiles: needs an RGB image, not \(image.channels) channel(s)")
        precondition(tileSize >= 1, "SuperResolution.upscaleTiles: tile size must be >= 1, not \(tileSize)")
        let scale = generator.scale, margin = generator.receptiveRadius
        for top in stride(from: 0, to: image.height, by: tileSize) {
            for left in stride(from: 0, to: image.width, by: tileSize) {
                let bottom = min(image.height, top + tileSize), right = min(image.width, left + tileSize)
                // Every window has the same size (moved inside the image at its edges, which
                // keeps at least `margin` pixels around the tile or reaches the border), so
                // every tile reuses the same buffers instead of filling the buffer cache with
                // buffers of many sizes.
                let windowHeight = min(image.height, tileSize + 2 * margin), windowWidth = min(image.width, tileSize + 2 * margin)
                let inputTop = min(max(0, top - margin), image.height - windowHeight)
                let inputLeft = min(max(0, left - margin), image.width - windowWidth)
                let input = image.cropped(top: inputTop, left: inputLeft, height: windowHeight, width: windowWidth)
                let output = upscale(input.tensor().reshape([1] + input.shape), with: generator).clamped(min: -1, max: 1)
                let outputImage = ImageBuffer(output.reshape(Array(output.shape.dropFirst())))
                try write(top * scale, left * scale,
                          outputImage.cropped(top: (top - inputTop) * scale, left: (left - inputLeft) * scale,
                                              height: (bottom - top) * scale, width: (right - left) * scale))
            }
        }
    }

    /// The whole upscaled image, `[3, H s, W s]` in [-1, 1].
    public static func upscale(_ image: ImageBuffer, with generator: SRResNetGenerator, tileSize: Int = defaultTileSize) -> ImageBuffer {
        let scale = generator.scale
        var output = ImageBuffer(channels: 3, height: image.height * scale, width: image.width * scale)
        let outputHeight = output.height, outputWidth = output.width
        upscaleTiles(rgb(image), with: generator, tileSize: tileSize) { top, left, tile in
            for channel in 0..<3 {
                for row in 0..<tile.height {
                    let source = (channel * tile.height + row) * tile.width
                    let destination = (channel * outputHeight + top + row) * outputWidth + left
                    output.pixels.replaceSubrange(destination..<(destination + tile.width), with: tile.pixels[source..<(source + tile.width)])
                }
            }
        }
        return output
    }

    /// The upscaled image as interleaved 8-bit RGB samples (rounded), written tile by tile so
    /// that no float copy of the whole output is ever held: what large photos need.
    public static func upscaleTo8Bit(_ image: ImageBuffer, with generator: SRResNetGenerator,
                                     tileSize: Int = defaultTileSize) -> (height: Int, width: Int, samples: [UInt8]) {
        let scale = generator.scale
        let height = image.height * scale, width = image.width * scale
        var samples = [UInt8](repeating: 0, count: height * width * 3)
        upscaleTiles(rgb(image), with: generator, tileSize: tileSize) { top, left, tile in
            let plane = tile.height * tile.width
            tile.pixels.withUnsafeBufferPointer { source in
                samples.withUnsafeMutableBufferPointer { destination in
                    for row in 0..<tile.height {
                        for column in 0..<tile.width {
                            let output = ((top + row) * width + left + column) * 3
                            for channel in 0..<3 {
                                let value = (source[channel * plane + row * tile.width + column] + 1) * 127.5
                                destination[output + channel] = UInt8(max(0, min(255, value.rounded())))
                            }
                        }
                    }
                }
            }
        }
        return (height, width, samples)
    }

    /// `image` quantized to 8 bits and back to [-1, 1] (what saving it as PNG keeps).
    public static func quantized(_ image: ImageBuffer) -> ImageBuffer {
        var output = image
        for index in output.pixels.indices {
            output.pixels[index] = max(0, min(255, ((image.pixels[index] + 1) * 127.5).rounded())) / 127.5 - 1
        }
        return output
    }
}
