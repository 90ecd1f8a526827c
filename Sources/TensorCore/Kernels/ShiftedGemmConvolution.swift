import CKernels

/// Convolutions as sums of shifted GEMMs (an implicit GEMM): no column buffer, and no
/// multiplications with padding.
///
/// Each thread takes a contiguous piece of the batch and lays its images out position-major,
/// `[position, sample, channel]`, so a run of positions along one image row, for all the
/// piece's samples, is one contiguous matrix (rows: position and sample, columns: channels).
/// For kernel offset (ki, kj) the output run at row oh reads the input run at row
/// oh·stride + ki·dilation - padding: one GEMM with the weight's [C, O] slice at that offset,
/// restricted to the positions that fall inside the image. A strided input is stored as
/// stride² phase planes, so every offset reads one plane at unit stride. When a run covers
/// whole rows on both sides, all valid rows of an offset are one GEMM.
///
/// The three maps of `ConvolutionKernels` (forward, transposed, weight gradient) are the same
/// loop with the GEMM's operands exchanged. It is chosen when the channel counts are large
/// enough for GEMMs to be efficient (`applies`).
enum ShiftedGemmConvolution {
    /// Fewest input and output channels for which the shifted GEMMs beat im2col + one GEMM.
    static let minimumChannels = 32

    /// Fewest output positions over the whole batch (N·Ho·Wo) for which the shifted GEMMs beat
    /// im2col + one GEMM. Below it the column buffer is small, while the shifted GEMMs still
    /// re-pack the whole weight on every call and split the batch, not the product, between
    /// threads (one thread at batch 1): a U-Net's inner maps (512 to 1024 channels on 8x8 and
    /// less) and a ResNet generator's blocks at 7x7 ran 2x to 10x slower this way. SRResNet's
    /// blocks (64 channels, 12x12, batch 16: 2,304 positions) run 8% to 13% faster as shifted
    /// GEMMs now that their relayouts are AVX-512 transposes, and pix2pix (2,048 on its 32x32
    /// maps at batch 2) is unchanged, hence 2,048.
    static let minimumPositions = 2048

    /// Whether `weight` over `input` with `geometry` runs on this algorithm.
    static func applies(input: [Int], weight: [Int], geometry: ConvolutionGeometry) -> Bool {
        guard geometry.groups == 1 && weight[0] >= minimumChannels && weight[1] >= minimumChannels else { return false }
        let positions = geometry.outputSize(input: input[2], kernel: weight[2], axis: 0)
            * geometry.outputSize(input: input[3], kernel: weight[3], axis: 1)
        return input[0] * positions >= minimumPositions
    }

    /// The geometry of one convolution: input [N, C, H, W], weight [O, C, kh, kw], output
    /// [N, O, Ho, Wo].
    ///
    /// With a stride s the input is split into s·s phase planes (rows ≡ rh, columns ≡ rw
    /// modulo s), each stored position-major after the previous one: a kernel offset then reads
    /// one phase plane at unit stride, shifted by whole phase rows and columns.
    private struct Plan {
        let batch: Int, channels: Int, outputChannels: Int
        let height: Int, width: Int, kernelHeight: Int, kernelWidth: Int
        let outputHeight: Int, outputWidth: Int
        let geometry: ConvolutionGeometry

        var inputPlane: Int { height * width }
        var outputPlane: Int { outputHeight * outputWidth }
        var kernelArea: Int { kernelHeight * kernelWidth }

        /// Pieces of the batch, one per thread.
        var pieces: Int { max(1, min(batch, Parallel.threadCount)) }
        func piece(_ index: Int) -> Range<Int> { (batch * index / pieces)..<(batch * (index + 1) / pieces) }
        var largestPiece: Int { (batch + pieces - 1) / pieces }

        /// Rows (or columns) of phase `r` of an axis of `size` at stride `s`.
        static func phaseSize(_ size: Int, _ s: Int, _ r: Int) -> Int { max(0, (size - r + s - 1) / s) }

        /// The first position of phase plane (rh, rw) in the position-major input.
        func phaseStart(_ rh: Int, _ rw: Int) -> Int {
            let (sh, sw) = geometry.stride
            var start = 0
            for h in 0..<sh {
                for w in 0..<sw {
                    if h == rh && w == rw { return start }
                    start += Self.phaseSize(height, sh, h) * Self.phaseSize(width, sw, w)
                }
            }
            return start
        }

        /// The position-major position of each input pixel (row-major).
        func inputPositions() -> [Int] {
            let (sh, sw) = geometry.stride
            var positions = [Int](repeating: 0, count: inputPlane)
            for rh in 0..<sh {
                for rw in 0..<sw {
                    let start = phaseStart(rh, rw), phaseWidth = Self.phaseSize(width, sw, rw)
                    for ih in stride(from: rh, to: height, by: sh) {
                        for iw in stride(from: rw, to: width, by: sw) {
                            positions[ih * width + iw] = start + (ih / sh) * phaseWidth + iw / sw
                        }
                    }
                }
            }
            return positions
        }

        /// Whether kernel offset (ki, kj) reads any input position for any output position.
        func hasRuns(_ ki: Int, _ kj: Int) -> Bool {
            var found = false
            forEachRun(ki, kj) { _, _, _ in found = true }
            return found
        }

        /// Calls `body(outputStart, inputStart, positionCount)` for each run of positions of
        /// kernel offset (ki, kj) whose input lies inside the image, in positions of the
        /// position-major layouts.
        func forEachRun(_ ki: Int, _ kj: Int, _ body: (Int, Int, Int) -> Void) {
            let (sh, sw) = geometry.stride
            // Input row of output row oh: oh·sh + rowShift = (oh + qh)·sh + rh.
            let rowShift = ki * geometry.dilation.0 - geometry.padding.0
            let columnShift = kj * geometry.dilation.1 - geometry.padding.1
            let rh = ((rowShift % sh) + sh) % sh, qh = (rowShift - rh) / sh
            let rw = ((columnShift % sw) + sw) % sw, qw = (columnShift - rw) / sw
            let phaseHeight = Self.phaseSize(height, sh, rh), phaseWidth = Self.phaseSize(width, sw, rw)
            let rows = max(0, -qh)..<min(outputHeight, phaseHeight - qh)
            let columns = max(0, -qw)..<min(outputWidth, phaseWidth - qw)
            guard !rows.isEmpty && !columns.isEmpty else { return }
            let start = phaseStart(rh, rw)
            if columns.count == outputWidth && outputWidth == phaseWidth {
                // Whole rows on both sides: one run over all valid rows.
                body(rows.lowerBound * outputWidth, start + (rows.lowerBound + qh) * phaseWidth, rows.count * outputWidth)
                return
            }
            for oh in rows {
                body(oh * outputWidth + columns.lowerBound, start + (oh + qh) * phaseWidth + columns.lowerBound + qw,
                     columns.count)
            }
        }
    }

    private static func plan(input: [Int], weight: [Int], output: (Int, Int), geometry: ConvolutionGeometry) -> Plan {
        precondition(geometry.groups == 1, "shifted GEMM convolution: one group only")
        return Plan(batch: input[0], channels: input[1], outputChannels: weight[0], height: input[2], width: input[3],
                    kernelHeight: weight[2], kernelWidth: weight[3], outputHeight: output.0, outputWidth: output.1,
                    geometry: geometry)
    }

    /// The weight [O, C, kh, kw] as one [C, O] matrix for each of `offsets` (kernel offsets
    /// ki·kw + kj), in their order.
    private static func packWeight(_ w: UnsafePointer<Float>, _ plan: Plan, offsets: [Int]) -> TensorStorage {
        let (o, c, area) = (plan.outputChannels, plan.channels, plan.kernelArea)
        let packed = TensorStorage(uninitializedCount: offsets.count * c * o)
        Parallel.forEachChunk(c, costPerItem: o * offsets.count) { channels in
            reverseAxes(w, o, c, area, lasts: offsets, middle: channels, into: packed.base)
        }
        return packed
    }

    /// `target[i, b, a]` = the sum over `copies` of `source[a, b, lasts[i]]` (all of K without
    /// `lasts`), for the `middle` range of b: the first and last axes of [A, B, K] arrays swapped,
    /// with the copies (`copyStride` apart) added. A runs in blocks of `channelBlock`, so writes
    /// are whole lines and every line read is used for all of `lasts` while it is in cache.
    private static func reverseAxes(_ source: UnsafePointer<Float>, _ a: Int, _ b: Int, _ k: Int, lasts: [Int]? = nil,
                                    middle: Range<Int>, copies: Int = 1, copyStride: Int = 0,
                                    into target: UnsafeMutablePointer<Float>) {
        let selected = lasts ?? Array(0..<k)
        for firstA in stride(from: 0, to: a, by: channelBlock) {
            let width = min(channelBlock, a - firstA)
            for bb in middle {
                let from = source + (firstA * b + bb) * k
                for (index, kk) in selected.enumerated() {
                    let row = target + (index * b + bb) * a + firstA
                    for j in 0..<width {
                        var sum: Float = 0
                        for copy in 0..<copies { sum += from[copy * copyStride + j * b * k + kk] }
                        row[j] = sum
                    }
                }
            }
        }
    }

    private static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                              a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                              c: UnsafeMutablePointer<Float>, ldc: Int) {
        Gemm.product(bfloat16: MatmulPrecision.current == .bfloat16, transposeA: transposeA, transposeB: transposeB,
                     m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: 1, c: c, ldc: ldc)
    }

    /// Runs `body(piece, samples, scratch)` for each piece of the batch on its own thread.
    private static func forEachPiece(_ plan: Plan, scratchCount: Int,
                                     _ body: (Int, Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
        let scratch = TensorStorage(uninitializedCount: plan.pieces * scratchCount)
        Parallel.forEachChunk(plan.pieces, costPerItem: Parallel.minimumParallelWork) { range in
            for index in range { body(index, plan.piece(index), scratch.base + index * scratchCount) }
        }
        withExtendedLifetime(scratch) {}
    }

    /// y = conv(x, w).
    static func forward(_ x: Tensor, _ w: Tensor, geometry: ConvolutionGeometry, outputSize: (Int, Int)) -> Tensor {
        map(x, w, plan: plan(input: x.shape, weight: w.shape, output: outputSize, geometry: geometry), transposed: false)
    }

    /// x = conv(., w)ᵀ(y) for an input of `inputSize`.
    static func transposed(_ y: Tensor, _ w: Tensor, geometry: ConvolutionGeometry, inputSize: (Int, Int)) -> Tensor {
        let plan = plan(input: [y.shape[0], w.shape[1], inputSize.0, inputSize.1], weight: w.shape,
                        output: (y.shape[2], y.shape[3]), geometry: geometry)
        return map(y, w, plan: plan, transposed: true)
    }

    /// The convolution's map from its input side to its output side, or with `transposed` its
    /// adjoint from the output side back: the same shifted GEMMs with the operands exchanged.
    private static func map(_ source: Tensor, _ w: Tensor, plan: Plan, transposed: Bool) -> Tensor {
        let (c, o) = (plan.channels, plan.outputChannels)
        // Offsets whose every position falls outside the image (most of them on the smallest
        // maps of a U-Net) are neither packed nor visited.
        let offsets = (0..<plan.kernelArea).filter { plan.hasRuns($0 / plan.kernelWidth, $0 % plan.kernelWidth) }
        let packed = packWeight(w.storage.base, plan, offsets: offsets)
        let positionMap = plan.inputPositions()
        let inputCount = plan.largestPiece * c * plan.inputPlane, outputCount = plan.largestPiece * o * plan.outputPlane
        // The input side is C channels on input positions (the phase planes), the output side
        // O channels on output positions.
        let (sourceChannels, sourcePlane, sourceMap) = transposed ? (o, plan.outputPlane, nil) : (c, plan.inputPlane, positionMap)
        let (targetChannels, targetPlane, targetMap) = transposed ? (c, plan.inputPlane, positionMap) : (o, plan.outputPlane, nil)
        let targetShape = transposed ? [plan.batch, c, plan.height, plan.width] : [plan.batch, o, plan.outputHeight, plan.outputWidth]
        return Tensor(shape: targetShape) { target in
            forEachPiece(plan, scratchCount: inputCount + outputCount) { _, samples, scratch in
                let count = samples.count
                let (inputSide, outputSide) = (scratch, scratch + inputCount)
                let (from, to) = transposed ? (outputSide, inputSide) : (inputSide, outputSide)
                toPositionMajor(source.storage.base, samples: samples, channels: sourceChannels, plane: sourcePlane,
                                positions: sourceMap, into: from)
                to.update(repeating: 0, count: count * targetChannels * targetPlane)
                for (index, offset) in offsets.enumerated() {
                    let weight = packed.base + index * c * o
                    plan.forEachRun(offset / plan.kernelWidth, offset % plan.kernelWidth) { outputStart, inputStart, positions in
                        let (fromStart, toStart) = transposed ? (outputStart, inputStart) : (inputStart, outputStart)
                        sgemm(transposeA: false, transposeB: transposed, m: positions * count, n: targetChannels, k: sourceChannels,
                              a: from + fromStart * count * sourceChannels, lda: sourceChannels, b: weight, ldb: o,
                              c: to + toStart * count * targetChannels, ldc: targetChannels)
                    }
                }
                fromPositionMajor(to, samples: samples, channels: targetChannels, plane: targetPlane, positions: targetMap, into: target)
            }
            withExtendedLifetime(packed) {}
        }
    }

    /// dw for a weight of `weightShape`.
    static func weightGradient(_ x: Tensor, _ y: Tensor, geometry: ConvolutionGeometry, weightShape: [Int]) -> Tensor {
        let plan = plan(input: x.shape, weight: weightShape, output: (y.shape[2], y.shape[3]), geometry: geometry)
        let (c, o, area) = (plan.channels, plan.outputChannels, plan.kernelArea)
        let inputCount = plan.largestPiece * c * plan.inputPlane, outputCount = plan.largestPiece * o * plan.outputPlane
        let weightCount = area * c * o
        let positionMap = plan.inputPositions()
        // Each piece sums its own [area, C, O] gradient; the pieces are added at the end.
        let partials = TensorStorage(uninitializedCount: plan.pieces * weightCount)
        forEachPiece(plan, scratchCount: inputCount + outputCount) { index, samples, scratch in
            let count = samples.count
            let xs = scratch, ys = scratch + inputCount, dw = partials.base + index * weightCount
            toPositionMajor(x.storage.base, samples: samples, channels: c, plane: plan.inputPlane, positions: positionMap, into: xs)
            toPositionMajor(y.storage.base, samples: samples, channels: o, plane: plan.outputPlane, into: ys)
            dw.update(repeating: 0, count: weightCount)
            for ki in 0..<plan.kernelHeight {
                for kj in 0..<plan.kernelWidth {
                    let target = dw + (ki * plan.kernelWidth + kj) * c * o
                    plan.forEachRun(ki, kj) { outputStart, inputStart, positions in
                        sgemm(transposeA: true, transposeB: false, m: c, n: o, k: positions * count,
                              a: xs + inputStart * count * c, lda: c, b: ys + outputStart * count * o, ldb: o,
                              c: target, ldc: o)
                    }
                }
            }
        }
        return Tensor(shape: weightShape) { out in
            Parallel.forEachChunk(c, costPerItem: o * area * plan.pieces) { channels in
                reverseAxes(partials.base, area, c, o, middle: channels, copies: plan.pieces, copyStride: weightCount, into: out)
            }
            withExtendedLifetime(partials) {}
        }
    }

    /// Copies samples `samples` of `images` [N, channels, plane] into `target` laid out
    /// [position, sample, channel], where pixel p goes to position `positions[p]` (p itself
    /// without `positions`).
    private static func toPositionMajor(_ images: UnsafePointer<Float>, samples: Range<Int>, channels: Int, plane: Int,
                                        positions map: [Int]? = nil, into target: UnsafeMutablePointer<Float>) {
        relayout(images: UnsafeMutablePointer(mutating: images), positionMajor: target, samples: samples, channels: channels,
                 plane: plane, positions: map, toPositionMajor: true)
    }

    /// The inverse of `toPositionMajor`.
    private static func fromPositionMajor(_ source: UnsafePointer<Float>, samples: Range<Int>, channels: Int, plane: Int,
                                          positions map: [Int]? = nil, into images: UnsafeMutablePointer<Float>) {
        relayout(images: images, positionMajor: UnsafeMutablePointer(mutating: source), samples: samples, channels: channels,
                 plane: plane, positions: map, toPositionMajor: false)
    }

    /// Channels moved together by `relayout`: one 64-byte line of a position-major row.
    private static let channelBlock = 16

    /// Copies between images [N, channels, plane] and the position-major layout, in the
    /// direction `toPositionMajor`. Channels go in blocks of `channelBlock`, so each position
    /// reads or writes one contiguous line of the position-major row while the block's image
    /// planes are walked in order (a channel at a time would touch a new line per element).
    private static func relayout(images: UnsafeMutablePointer<Float>, positionMajor: UnsafeMutablePointer<Float>,
                                 samples: Range<Int>, channels: Int, plane: Int, positions map: [Int]?,
                                 toPositionMajor: Bool) {
        let step = samples.count * channels
        let mapStorage = map ?? []
        mapStorage.withUnsafeBufferPointer { buffer in
            let positions = map == nil ? nil : buffer.baseAddress
            // 16 x 16 transposes on AVX-512; the loop below elsewhere.
            if gankit_relayout(images + samples.lowerBound * channels * plane, positionMajor, positions, samples.count,
                               channels, plane, toPositionMajor) { return }
            for (n, sample) in samples.enumerated() {
                for firstChannel in stride(from: 0, to: channels, by: channelBlock) {
                    let width = min(channelBlock, channels - firstChannel)
                    let planes = images + (sample * channels + firstChannel) * plane
                    let rows = positionMajor + n * channels + firstChannel
                    for p in 0..<plane {
                        let row = rows + (positions?[p] ?? p) * step
                        if toPositionMajor {
                            for j in 0..<width { row[j] = planes[j * plane + p] }
                        } else {
                            for j in 0..<width { planes[j * plane + p] = row[j] }
                        }
                    }
                }
            }
        }
    }
}
