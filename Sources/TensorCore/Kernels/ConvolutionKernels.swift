/// The three bilinear maps of a 2-D convolution, as im2col/col2im plus GEMM. With x the
/// input [N, C, H, W], w the weight [O, C/groups, kh, kw] and y the output [N, O, Ho, Wo]:
/// - `forward(x, w)` is y = conv(x, w);
/// - `transposed(y, w)` is its adjoint in x (the input gradient, and convTranspose2d);
/// - `weightGradient(x, y)` is its adjoint in w.
/// Each map's vjp is written with the other two, which is what makes convolutions
/// differentiable any number of times.
enum ConvolutionKernels {
    /// How a convolution's maps are computed.
    enum Algorithm: CaseIterable {
        /// im2col/col2im around one GEMM per chunk of the batch (any geometry).
        case columns
        /// Shifted GEMMs on a position-major copy (one group, many channels).
        case shiftedGemm
        /// Stride 1, one group: each map computed as its mirror image (the forward map as the
        /// adjoint with the kernel flipped and its channel axes swapped, and so on), so that
        /// the column buffer unfolds the side with fewer channels: a 9x9 convolution from 32
        /// channels to 3 unfolds 3·81 rows instead of 32·81.
        case flipped
    }

    /// The faster algorithm for a convolution of `weight` over `input`.
    static func algorithm(input: [Int], weight: [Int], geometry: ConvolutionGeometry) -> Algorithm {
        if ShiftedGemmConvolution.applies(input: input, weight: weight, geometry: geometry) { return .shiftedGemm }
        guard flippedGeometry(geometry, kernel: (weight[2], weight[3])) != nil else { return .columns }
        // Column rows times positions: C k² · Ho Wo for the direct maps, O k² · H W mirrored.
        let outputPlane = geometry.outputSize(input: input[2], kernel: weight[2], axis: 0)
            * geometry.outputSize(input: input[3], kernel: weight[3], axis: 1)
        return weight[0] * input[2] * input[3] < input[1] * outputPlane ? .flipped : .columns
    }

    /// The geometry of the mirrored maps (stride 1, one group): the same dilation and the
    /// padding d (k - 1) - p; nil where the maps have no mirror image.
    static func flippedGeometry(_ geometry: ConvolutionGeometry, kernel: (Int, Int)) -> ConvolutionGeometry? {
        guard geometry.stride == (1, 1), geometry.groups == 1 else { return nil }
        let padding = (geometry.dilation.0 * (kernel.0 - 1) - geometry.padding.0,
                       geometry.dilation.1 * (kernel.1 - 1) - geometry.padding.1)
        guard padding.0 >= 0, padding.1 >= 0 else { return nil }
        return ConvolutionGeometry(padding: padding, dilation: geometry.dilation)
    }

    /// w [A, B, kh, kw] as [B, A, kh, kw] with both spatial axes reversed.
    static func flippedKernel(_ w: Tensor) -> Tensor {
        let (a, b, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        return Tensor(shape: [b, a, kh, kw]) { flipped in
            let source = w.storage.base
            for i in 0..<a {
                for j in 0..<b {
                    let from = source + (i * b + j) * kh * kw, to = flipped + (j * a + i) * kh * kw
                    for index in 0..<(kh * kw) { to[kh * kw - 1 - index] = from[index] }
                }
            }
        }
    }

    /// Most elements of column buffer used at once; the batch is processed in chunks below it.
    static let columnBudget = 1 << 24

    private struct Plan {
        let batch: Int, inputChannels: Int, outputChannels: Int
        let groupInputChannels: Int, groupOutputChannels: Int
        let layout: PatchLayout
        var inputPlane: Int { layout.height * layout.width }
        var positions: Int { layout.positions }
        var chunk: Int { max(1, min(batch, ConvolutionKernels.columnBudget / max(1, layout.rows * positions))) }

        init(input: [Int], weight: [Int], output: (Int, Int), geometry: ConvolutionGeometry) {
            batch = input[0]
            inputChannels = input[1]
            outputChannels = weight[0]
            groupInputChannels = weight[1]
            groupOutputChannels = weight[0] / geometry.groups
            layout = PatchLayout(channels: weight[1], height: input[2], width: input[3],
                                 kernelHeight: weight[2], kernelWidth: weight[3],
                                 outputHeight: output.0, outputWidth: output.1, geometry: geometry)
        }

        /// Calls `body(firstSample, sampleCount, group)` for each chunk of samples and group.
        func forEachChunk(_ body: (Int, Int, Int) -> Void) {
            var start = 0
            while start < batch {
                let count = min(chunk, batch - start)
                for group in 0..<layout.geometry.groups { body(start, count, group) }
                start += count
            }
        }

        /// Where a group's [Og, P] part of sample `first` starts in y [N, O, P].
        func outputOffset(first: Int, group: Int) -> Int {
            first * outputChannels * positions + group * groupOutputChannels * positions
        }

        /// A group's block of y laid out [Og, count, P]: y itself for one sample, else copied
        /// into `block`.
        func outputBlock(_ y: UnsafeMutablePointer<Float>, _ block: UnsafeMutablePointer<Float>,
                         first: Int, count: Int, group: Int) -> UnsafeMutablePointer<Float> {
            if count == 1 { return y + outputOffset(first: first, group: group) }
            copyOutputBlock(y, block, first: first, count: count, group: group, toBlock: true)
            return block
        }

        /// Copies between y [N, O, P] and a group's block laid out [Og, count, P].
        func copyOutputBlock(_ y: UnsafeMutablePointer<Float>, _ block: UnsafeMutablePointer<Float>,
                             first: Int, count: Int, group: Int, toBlock: Bool) {
            let shape = [groupOutputChannels, count, positions]
            let yOffset = first * outputChannels * positions + group * groupOutputChannels * positions
            let yStrides = [positions, outputChannels * positions, 1]
            let blockStrides = [count * positions, positions, 1]
            if toBlock {
                StridedCopy.copy(shape: shape, from: y, offset: yOffset, strides: yStrides,
                                 to: block, offset: 0, strides: blockStrides)
            } else {
                StridedCopy.copy(shape: shape, from: block, offset: 0, strides: blockStrides,
                                 to: y, offset: yOffset, strides: yStrides)
            }
        }
    }

    /// y = conv(x, w).
    static func forward(_ x: Tensor, _ w: Tensor, geometry: ConvolutionGeometry, outputSize: (Int, Int),
                        algorithm chosen: Algorithm? = nil) -> Tensor {
        switch chosen ?? algorithm(input: x.shape, weight: w.shape, geometry: geometry) {
        case .shiftedGemm: return ShiftedGemmConvolution.forward(x, w, geometry: geometry, outputSize: outputSize)
        case .flipped:
            guard let mirrored = flippedGeometry(geometry, kernel: (w.shape[2], w.shape[3])) else { break }
            return transposed(x, flippedKernel(w), geometry: mirrored, inputSize: outputSize, algorithm: .columns)
        case .columns: break
        }
        let plan = Plan(input: x.shape, weight: w.shape, output: outputSize, geometry: geometry)
        let k = plan.layout.rows, og = plan.groupOutputChannels
        let columns = TensorStorage(uninitializedCount: k * plan.chunk * plan.positions)
        let block = TensorStorage(uninitializedCount: plan.chunk == 1 ? 0 : og * plan.chunk * plan.positions)
        return Tensor(shape: [plan.batch, plan.outputChannels, outputSize.0, outputSize.1]) { y in
            plan.forEachChunk { first, count, group in
                let n = count * plan.positions
                plan.layout.unfold(x.storage.base + first * plan.inputChannels * plan.inputPlane
                                        + group * plan.groupInputChannels * plan.inputPlane,
                                   sampleCount: count, sampleStride: plan.inputChannels * plan.inputPlane,
                                   into: columns.base)
                // One sample's block [Og, 1, P] is already laid out as its part of y.
                let direct = count == 1 ? y + plan.outputOffset(first: first, group: group) : nil
                Gemm.multiply(transposeA: false, transposeB: false, m: og, n: n, k: k,
                              a: w.storage.base + group * og * k, lda: k, b: columns.base, ldb: n,
                              c: direct ?? block.base, ldc: n)
                if direct == nil { plan.copyOutputBlock(y, block.base, first: first, count: count, group: group, toBlock: false) }
            }
        }
    }

    /// x = conv(., w)ᵀ(y): the adjoint of `forward` in its input, for an input of `inputSize`.
    static func transposed(_ y: Tensor, _ w: Tensor, geometry: ConvolutionGeometry, inputSize: (Int, Int),
                           algorithm chosen: Algorithm? = nil) -> Tensor {
        let inputChannels = w.shape[1] * geometry.groups
        let input = [y.shape[0], inputChannels, inputSize.0, inputSize.1]
        switch chosen ?? algorithm(input: input, weight: w.shape, geometry: geometry) {
        case .shiftedGemm: return ShiftedGemmConvolution.transposed(y, w, geometry: geometry, inputSize: inputSize)
        case .flipped:
            guard let mirrored = flippedGeometry(geometry, kernel: (w.shape[2], w.shape[3])) else { break }
            return forward(y, flippedKernel(w), geometry: mirrored, outputSize: inputSize, algorithm: .columns)
        case .columns: break
        }
        let plan = Plan(input: [y.shape[0], inputChannels, inputSize.0, inputSize.1], weight: w.shape,
                        output: (y.shape[2], y.shape[3]), geometry: geometry)
        let k = plan.layout.rows, og = plan.groupOutputChannels
        let columns = TensorStorage(uninitializedCount: k * plan.chunk * plan.positions)
        let block = TensorStorage(uninitializedCount: plan.chunk == 1 ? 0 : og * plan.chunk * plan.positions)
        let x = Tensor(shape: [plan.batch, inputChannels, inputSize.0, inputSize.1]) { x in
            x.update(repeating: 0, count: plan.batch * inputChannels * plan.inputPlane)
            plan.forEachChunk { first, count, group in
                let n = count * plan.positions
                let gradient = plan.outputBlock(y.storage.base, block.base, first: first, count: count, group: group)
                Gemm.multiply(transposeA: true, transposeB: false, m: k, n: n, k: og,
                              a: w.storage.base + group * og * k, lda: k, b: gradient, ldb: n,
                              c: columns.base, ldc: n)
                plan.layout.fold(columns.base, sampleCount: count, sampleStride: inputChannels * plan.inputPlane,
                                 into: x + first * inputChannels * plan.inputPlane + group * plan.groupInputChannels * plan.inputPlane)
            }
        }
        return x
    }

    /// dw: the adjoint of `forward` in its weight, for a weight of `weightShape`.
    static func weightGradient(_ x: Tensor, _ y: Tensor, geometry: ConvolutionGeometry, weightShape: [Int],
                               algorithm chosen: Algorithm? = nil) -> Tensor {
        switch chosen ?? algorithm(input: x.shape, weight: weightShape, geometry: geometry) {
        case .shiftedGemm: return ShiftedGemmConvolution.weightGradient(x, y, geometry: geometry, weightShape: weightShape)
        case .flipped:
            guard let mirrored = flippedGeometry(geometry, kernel: (weightShape[2], weightShape[3])) else { break }
            let mirroredShape = [weightShape[1], weightShape[0], weightShape[2], weightShape[3]]
            return flippedKernel(weightGradient(y, x, geometry: mirrored, weightShape: mirroredShape, algorithm: .columns))
        case .columns: break
        }
        let plan = Plan(input: x.shape, weight: weightShape, output: (y.shape[2], y.shape[3]), geometry: geometry)
        let k = plan.layout.rows, og = plan.groupOutputChannels
        let columns = TensorStorage(uninitializedCount: k * plan.chunk * plan.positions)
        let block = TensorStorage(uninitializedCount: plan.chunk == 1 ? 0 : og * plan.chunk * plan.positions)
        return Tensor(shape: weightShape) { dw in
            // The first chunk of each group writes its part of dw (beta 0), later ones add.
            plan.forEachChunk { first, count, group in
                let n = count * plan.positions
                plan.layout.unfold(x.storage.base + first * plan.inputChannels * plan.inputPlane
                                        + group * plan.groupInputChannels * plan.inputPlane,
                                   sampleCount: count, sampleStride: plan.inputChannels * plan.inputPlane,
                                   into: columns.base)
                let gradient = plan.outputBlock(y.storage.base, block.base, first: first, count: count, group: group)
                Gemm.multiply(transposeA: false, transposeB: true, m: og, n: k, k: n,
                              a: gradient, lda: n, b: columns.base, ldb: n,
                              beta: first == 0 ? 0 : 1, c: dw + group * og * k, ldc: k)
            }
        }
    }
}
