import CKernels
import COpenBLAS
import Foundation

/// Throughput of TensorCore's heavy ops, measured in this process: what `gankit bench ops` prints.
public enum OpsBenchmark {
    /// One measured operation.
    public struct Measurement: Sendable, Codable {
        /// What was measured.
        public var name: String
        /// Median seconds per run.
        public var seconds: Double
        /// Floating-point operations per run.
        public var flops: Double
        /// Billions of floating-point operations per second.
        public var gigaflopsPerSecond: Double { flops / seconds / 1e9 }
    }

    /// Median wall time of `body` over `repetitions` runs after one warm-up run.
    public static func medianSeconds(repetitions: Int, _ body: () -> Void) -> Double {
        body()
        var times: [Double] = []
        for _ in 0..<repetitions {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times.sorted()[times.count / 2]
    }

    /// A square matrix product through `Tensor.matmul` and through a direct `cblas_sgemm` call
    /// (with OpenBLAS's own threads, one per core, for that call).
    public static func matmul(size n: Int = 1024, repetitions: Int = 10) -> (tensor: Measurement, blas: Measurement) {
        var generator = RandomGenerator(seed: 1)
        let a = Tensor.randn([n, n], generator: &generator), b = Tensor.randn([n, n], generator: &generator)
        let flops = 2 * Double(n) * Double(n) * Double(n)
        let tensorTime = medianSeconds(repetitions: repetitions) { _ = a.matmul(b) }
        let output = UnsafeMutablePointer<Float>.allocate(capacity: n * n)
        defer { output.deallocate() }
        openblas_set_num_threads(Int32(Parallel.threadCount))
        defer { openblas_set_num_threads(1) }
        let blasTime = medianSeconds(repetitions: repetitions) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1,
                        a.storage.base, Int32(n), b.storage.base, Int32(n), 0, output, Int32(n))
        }
        return (Measurement(name: "matmul \(n)^3 (Tensor)", seconds: tensorTime, flops: flops),
                Measurement(name: "matmul \(n)^3 (cblas_sgemm)", seconds: blasTime, flops: flops))
    }

    /// One matrix product shape: c[m, n] = op(a) op(b), op(a) m x k, op(b) k x n.
    public struct GemmShape: Sendable {
        public var name: String
        public var transposeA: Bool, transposeB: Bool
        public var m: Int, n: Int, k: Int
    }

    /// Products of the dcgan and vanilla training steps at batch 64 (a Linear layer's forward
    /// x·Wᵀ, input gradient dy·W and weight gradient dyᵀ·x; the shifted-GEMM convolution's
    /// products on one thread's half batch), and a square one.
    public static let trainingGemmShapes: [GemmShape] = [
        GemmShape(name: "vanilla G 512->1024 x.Wt", transposeA: false, transposeB: true, m: 64, n: 1024, k: 512),
        GemmShape(name: "vanilla G 512->1024 dy.W", transposeA: false, transposeB: false, m: 64, n: 512, k: 1024),
        GemmShape(name: "vanilla G 512->1024 dyt.x", transposeA: true, transposeB: false, m: 1024, n: 512, k: 64),
        GemmShape(name: "vanilla D 784->512 x.Wt", transposeA: false, transposeB: true, m: 64, n: 512, k: 784),
        GemmShape(name: "dcgan G 100->12544 x.Wt", transposeA: false, transposeB: true, m: 64, n: 12544, k: 100),
        GemmShape(name: "dcgan conv 64->128 7x7 fwd", transposeA: false, transposeB: false, m: 1568, n: 128, k: 64),
        GemmShape(name: "dcgan conv 128->64 7x7 bwd", transposeA: false, transposeB: true, m: 1568, n: 64, k: 128),
        GemmShape(name: "dcgan conv 64->128 7x7 dW", transposeA: true, transposeB: false, m: 64, n: 128, k: 1568),
        GemmShape(name: "square 1024", transposeA: false, transposeB: false, m: 1024, n: 1024, k: 1024),
    ]

    /// One product of `shape` on the calling thread through `gankit_bf16_gemm` and through
    /// `cblas_sgemm` (one OpenBLAS thread), or nil on a CPU without AVX-512 BF16.
    public static func bf16Gemm(_ shape: GemmShape, repetitions: Int = 10) -> (bf16: Measurement, sgemm: Measurement)? {
        guard MatmulPrecision.isBFloat16Available else { return nil }
        var generator = RandomGenerator(seed: 4)
        let (m, n, k) = (shape.m, shape.n, shape.k)
        let a = Tensor.randn([m * k], generator: &generator), b = Tensor.randn([k * n], generator: &generator)
        let (lda, ldb) = (shape.transposeA ? m : k, shape.transposeB ? k : n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { c.deallocate() }
        let flops = 2 * Double(m) * Double(n) * Double(k)
        let bf16Time = medianSeconds(repetitions: repetitions) {
            _ = gankit_bf16_gemm(shape.transposeA, shape.transposeB, m, n, k, 1, a.storage.base, lda, b.storage.base, ldb, 0, c, n)
        }
        let sgemmTime = medianSeconds(repetitions: repetitions) {
            cblas_sgemm(CblasRowMajor, shape.transposeA ? CblasTrans : CblasNoTrans, shape.transposeB ? CblasTrans : CblasNoTrans,
                        Int32(m), Int32(n), Int32(k), 1, a.storage.base, Int32(lda), b.storage.base, Int32(ldb), 0, c, Int32(n))
        }
        let label = "\(shape.name) \(m)x\(n)x\(k)"
        return (Measurement(name: "\(label) bf16", seconds: bf16Time, flops: flops),
                Measurement(name: "\(label) sgemm", seconds: sgemmTime, flops: flops))
    }

    /// A convolution layer of the reference `dcgan` networks.
    public struct ConvolutionLayer: Sendable {
        public var name: String
        /// Input [N, C, H, W].
        public var input: [Int]
        /// Weight: OIHW for a convolution, IOHW for a transposed one.
        public var weight: [Int]
        public var stride: Int, padding: Int, outputPadding: Int
        public var transposed: Bool

        /// Multiply-adds times two of the forward pass.
        var forwardFlops: Double {
            let (n, kh, kw) = (Double(input[0]), Double(weight[2]), Double(weight[3]))
            if transposed {
                // Every input pixel meets every output channel through the whole kernel.
                return 2 * n * Double(input[1] * input[2] * input[3]) * Double(weight[1]) * kh * kw
            }
            let oh = Double((input[2] + 2 * padding - weight[2]) / stride + 1), ow = Double((input[3] + 2 * padding - weight[3]) / stride + 1)
            return 2 * n * Double(weight[0]) * oh * ow * Double(weight[1]) * kh * kw
        }

        func apply(_ x: Tensor, _ w: Tensor) -> Tensor {
            transposed ? x.convTranspose2d(weight: w, stride: stride, padding: padding, outputPadding: outputPadding)
                       : x.conv2d(weight: w, stride: stride, padding: padding)
        }
    }

    /// The convolution layers of DESIGN.md's `dcgan` G and D at a batch size.
    public static func dcganLayers(batch: Int) -> [ConvolutionLayer] {
        [ConvolutionLayer(name: "G convT 256->128 7x7 s1", input: [batch, 256, 7, 7], weight: [256, 128, 5, 5], stride: 1, padding: 2, outputPadding: 0, transposed: true),
         ConvolutionLayer(name: "G convT 128->64 7->14 s2", input: [batch, 128, 7, 7], weight: [128, 64, 5, 5], stride: 2, padding: 2, outputPadding: 1, transposed: true),
         ConvolutionLayer(name: "G convT 64->1 14->28 s2", input: [batch, 64, 14, 14], weight: [64, 1, 5, 5], stride: 2, padding: 2, outputPadding: 1, transposed: true),
         ConvolutionLayer(name: "D conv 1->64 28->14 s2", input: [batch, 1, 28, 28], weight: [64, 1, 5, 5], stride: 2, padding: 2, outputPadding: 0, transposed: false),
         ConvolutionLayer(name: "D conv 64->128 14->7 s2", input: [batch, 64, 14, 14], weight: [128, 64, 5, 5], stride: 2, padding: 2, outputPadding: 0, transposed: false)]
    }

    /// Forward, and backward (input and weight gradients), of one layer.
    public static func convolution(_ layer: ConvolutionLayer, repetitions: Int = 10) -> (forward: Measurement, backward: Measurement) {
        var generator = RandomGenerator(seed: 2)
        let x = Tensor.randn(layer.input, generator: &generator)
        let w = Tensor.randn(layer.weight, standardDeviation: 0.02, generator: &generator)
        let forwardTime = medianSeconds(repetitions: repetitions) { _ = layer.apply(x, w) }
        let (y, pullback) = vjp({ layer.apply($0[0], $0[1]) }, at: [x, w])
        let cotangent = Tensor.randn(y.shape, generator: &generator)
        let backwardTime = medianSeconds(repetitions: repetitions) { _ = pullback(cotangent) }
        return (Measurement(name: "\(layer.name) forward", seconds: forwardTime, flops: layer.forwardFlops),
                Measurement(name: "\(layer.name) backward", seconds: backwardTime, flops: 2 * layer.forwardFlops))
    }

    /// Resident memory of this process in bytes (Linux), or nil where unknown.
    public static func residentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Trains a small conv + MLP network for `steps` forward+backward steps (plain SGD) and
    /// returns the resident memory after each of `checkpoints` equal slices of the run.
    public static func memoryDuringTraining(steps: Int, checkpoints: Int = 10) -> [(step: Int, residentBytes: Int)] {
        var generator = RandomGenerator(seed: 3)
        var parameters = [Tensor.randn([8, 1, 3, 3], standardDeviation: 0.1, generator: &generator),
                          Tensor.randn([8 * 14 * 14, 32], standardDeviation: 0.02, generator: &generator),
                          Tensor.zeros([32]),
                          Tensor.randn([32, 1], standardDeviation: 0.1, generator: &generator)]
        let x = Tensor.randn([16, 1, 28, 28], generator: &generator)
        let target = Tensor.ones([16, 1])
        let loss = valueAndGrad { (p: [Tensor]) -> Tensor in
            let h = x.conv2d(weight: p[0], stride: 2, padding: 1).leakyRelu(0.2).flatten()
            let out = (h.matmul(p[1]) + p[2]).tanh().matmul(p[3])
            return (out - target).square().mean()
        }
        var readings: [(Int, Int)] = []
        for step in 1...steps {
            let (_, gradients) = loss(parameters)
            parameters = zip(parameters, gradients).map { $0 - $1 * 0.01 }
            if step % Swift.max(1, steps / checkpoints) == 0 { readings.append((step, residentBytes() ?? 0)) }
        }
        return readings
    }
}
