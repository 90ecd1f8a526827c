import CKernels

/// The shape parameters shared by a convolution and its transposes.
public struct ConvolutionGeometry: Hashable, Sendable {
    public var stride: (height: Int, width: Int)
    public var padding: (height: Int, width: Int)
    public var dilation: (height: Int, width: Int)
    public var groups: Int

    public init(stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), groups: Int = 1) {
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// Output size of the convolution along one axis.
    func outputSize(input: Int, kernel: Int, axis: Int) -> Int {
        let (s, p, d) = axis == 0 ? (stride.0, padding.0, dilation.0) : (stride.1, padding.1, dilation.1)
        return (input + 2 * p - d * (kernel - 1) - 1) / s + 1
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.stride == b.stride && a.padding == b.padding && a.dilation == b.dilation && a.groups == b.groups
    }

    public func hash(into hasher: inout Hasher) {
        for value in [stride.0, stride.1, padding.0, padding.1, dilation.0, dilation.1, groups] { hasher.combine(value) }
    }
}

/// Unfolding image patches into columns (im2col) and folding columns back (col2im, summing
/// overlaps): convolutions become matrix multiplications.
///
/// A column buffer has one row per (channel, kernel row, kernel column) and one column per
/// (sample, output row, output column), `sampleCount * outputHeight * outputWidth` columns in all.
struct PatchLayout {
    let channels: Int, height: Int, width: Int
    let kernelHeight: Int, kernelWidth: Int
    let outputHeight: Int, outputWidth: Int
    let geometry: ConvolutionGeometry

    var rows: Int { channels * kernelHeight * kernelWidth }
    var positions: Int { outputHeight * outputWidth }

    /// This layout for the AVX-512 loops of CKernels.
    private var kernelLayout: gankit_patch_layout {
        gankit_patch_layout(channels: channels, height: height, width: width, kernelHeight: kernelHeight,
                            kernelWidth: kernelWidth, outputHeight: outputHeight, outputWidth: outputWidth,
                            strideHeight: geometry.stride.0, strideWidth: geometry.stride.1,
                            paddingHeight: geometry.padding.0, paddingWidth: geometry.padding.1,
                            dilationHeight: geometry.dilation.0, dilationWidth: geometry.dilation.1)
    }

    /// Writes the columns of `sampleCount` images starting at `images` (channel stride
    /// `height * width`, sample stride `sampleStride`) into `columns`.
    func unfold(_ images: UnsafePointer<Float>, sampleCount: Int, sampleStride: Int,
                into columns: UnsafeMutablePointer<Float>) {
        let rowLength = sampleCount * positions
        let plane = height * width
        let (sh, sw) = geometry.stride, ph = geometry.padding.0, dh = geometry.dilation.0
        let layout = kernelLayout
        Parallel.forEachChunk(rows, costPerItem: rowLength) { range in
            // Rows copied inline on AVX-512; the loop below elsewhere.
            if withUnsafePointer(to: layout, { gankit_unfold($0, images, sampleCount, sampleStride, range.lowerBound,
                                                             range.upperBound, columns) }) { return }
            for row in range {
                let kj = row % kernelWidth, ki = (row / kernelWidth) % kernelHeight, c = row / (kernelWidth * kernelHeight)
                let out = columns + row * rowLength
                let (first, last, offset) = validColumns(kj)
                for n in 0..<sampleCount {
                    let image = images + n * sampleStride + c * plane
                    let target = out + n * positions
                    for oh in 0..<outputHeight {
                        let ih = oh * sh - ph + ki * dh
                        let line = target + oh * outputWidth
                        guard ih >= 0 && ih < height && first < last else {
                            line.update(repeating: 0, count: outputWidth)
                            continue
                        }
                        let source = image + ih * width + offset
                        if first > 0 { line.update(repeating: 0, count: first) }
                        if sw == 1 {
                            (line + first).update(from: source + first, count: last - first)
                        } else {
                            for ow in first..<last { line[ow] = source[ow * sw] }
                        }
                        if last < outputWidth { (line + last).update(repeating: 0, count: outputWidth - last) }
                    }
                }
            }
        }
    }

    /// The output columns `first..<last` whose input column `ow * stride + offset` lies inside
    /// the image, for kernel column `kj`, and that offset.
    @inline(__always)
    private func validColumns(_ kj: Int) -> (first: Int, last: Int, offset: Int) {
        let sw = geometry.stride.1
        let offset = kj * geometry.dilation.1 - geometry.padding.1
        let first = offset >= 0 ? 0 : (-offset + sw - 1) / sw
        let last = width - 1 - offset < 0 ? 0 : min(outputWidth, (width - 1 - offset) / sw + 1)
        return (min(first, outputWidth), last, offset)
    }

    /// Adds the columns back onto `sampleCount` images starting at `images`, which the caller
    /// has initialized (usually to zero).
    func fold(_ columns: UnsafePointer<Float>, sampleCount: Int, sampleStride: Int,
              into images: UnsafeMutablePointer<Float>) {
        let rowLength = sampleCount * positions
        let plane = height * width
        let (sh, sw) = geometry.stride, ph = geometry.padding.0, dh = geometry.dilation.0
        let kernelArea = kernelHeight * kernelWidth
        let layout = kernelLayout
        // Each channel's rows write only to that channel's planes: channels run in parallel.
        Parallel.forEachChunk(channels, costPerItem: kernelArea * rowLength) { range in
            // Rows added inline on AVX-512, in the same order; the loop below elsewhere.
            if withUnsafePointer(to: layout, { gankit_fold($0, columns, sampleCount, sampleStride, range.lowerBound,
                                                           range.upperBound, images) }) { return }
            for c in range {
                for k in 0..<kernelArea {
                    let ki = k / kernelWidth, kj = k % kernelWidth
                    let rowStart = columns + (c * kernelArea + k) * rowLength
                    let (first, last, offset) = validColumns(kj)
                    guard first < last else { continue }
                    for n in 0..<sampleCount {
                        let image = images + n * sampleStride + c * plane
                        let source = rowStart + n * positions
                        for oh in 0..<outputHeight {
                            let ih = oh * sh - ph + ki * dh
                            guard ih >= 0 && ih < height else { continue }
                            let line = source + oh * outputWidth
                            let target = image + ih * width + offset
                            for ow in first..<last { target[ow * sw] += line[ow] }
                        }
                    }
                }
            }
        }
    }
}
