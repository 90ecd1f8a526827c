/// Per-channel passes over a tensor viewed as [outer, channels, inner] (axis 1 the channels,
/// the axes after it flattened into `inner`): what batch normalization does, in one pass each
/// instead of a chain of broadcast elementwise ops and reductions. Work is split by channel,
/// so every channel's sums are added in the same order whatever the thread count.
enum ChannelKernels {
    /// The layout of `x` as [outer, channels, inner].
    struct Layout {
        let outer: Int, channels: Int, inner: Int
        init(_ shape: [Int]) {
            outer = shape[0]
            channels = shape[1]
            inner = shape[2...].reduce(1, *)
        }
        var count: Int { outer * channels * inner }
    }

    /// The mean and the biased variance (mean square of the centered values) of each channel:
    /// two reading passes, the second over centered values (not E[x²] - E[x]²).
    static func meanAndVariance(_ x: UnsafePointer<Float>, _ layout: Layout,
                                mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>) {
        let (outer, channels, inner) = (layout.outer, layout.channels, layout.inner)
        let scale = 1 / Float(outer * inner)
        if inner == 1 {
            // [N, C]: each row adds 16 channels at a time.
            Parallel.forEachChunk((channels + 15) / 16, costPerItem: 16 * outer * 2) { blocks in
                for block in blocks {
                    let c = block * 16, lanes = Swift.min(16, channels - c)
                    var sum = FloatVector(repeating: 0)
                    for n in 0..<outer { sum += x.loadVector(at: n * channels + c, count: lanes) }
                    let m = sum * scale
                    var squares = FloatVector(repeating: 0)
                    for n in 0..<outer {
                        let d = x.loadVector(at: n * channels + c, count: lanes) - m
                        squares += d * d
                    }
                    mean.storeVector(m, at: c, count: lanes)
                    variance.storeVector(squares * scale, at: c, count: lanes)
                }
            }
            return
        }
        Parallel.forEachChunk(channels, costPerItem: outer * inner * 2) { range in
            for c in range {
                var sum = FloatVector(repeating: 0)
                for n in 0..<outer {
                    let row = x + (n * channels + c) * inner
                    forEachVector(in: 0..<inner) { i, count in sum += row.loadVector(at: i, count: count) }
                }
                let m = sum.sum() * scale
                var squares = FloatVector(repeating: 0)
                for n in 0..<outer {
                    let row = x + (n * channels + c) * inner
                    forEachVector(in: 0..<inner) { i, count in
                        // Lanes past `count` load as zero; keep them zero after centering.
                        var d = row.loadVector(at: i, count: count) - m
                        if count < FloatVector.scalarCount { for lane in count..<FloatVector.scalarCount { d[lane] = 0 } }
                        squares += d * d
                    }
                }
                mean[c] = m
                variance[c] = squares.sum() * scale
            }
        }
    }

    /// out = (a - center[c]) · scaleA[c] + b · scaleB[c] + shift[c] (center, b and scaleB
    /// optional), elementwise.
    static func combine(_ a: UnsafePointer<Float>, center: UnsafePointer<Float>?, _ scaleA: UnsafePointer<Float>, _ b: UnsafePointer<Float>?,
                        _ scaleB: UnsafePointer<Float>?, _ shift: UnsafePointer<Float>, _ layout: Layout,
                        into out: UnsafeMutablePointer<Float>) {
        let (outer, channels, inner) = (layout.outer, layout.channels, layout.inner)
        if inner == 1 {
            Parallel.forEachChunk(outer, costPerItem: channels) { rows in
                for n in rows {
                    let offset = n * channels
                    forEachVector(in: 0..<channels) { c, count in
                        var centered = a.loadVector(at: offset + c, count: count)
                        if let center { centered -= center.loadVector(at: c, count: count) }
                        var value = centered * scaleA.loadVector(at: c, count: count) + shift.loadVector(at: c, count: count)
                        if let b, let scaleB {
                            value += b.loadVector(at: offset + c, count: count) * scaleB.loadVector(at: c, count: count)
                        }
                        out.storeVector(value, at: offset + c, count: count)
                    }
                }
            }
            return
        }
        Parallel.forEachChunk(outer * channels, costPerItem: inner) { rows in
            for row in rows {
                let c = row % channels, offset = row * inner
                let sa = FloatVector(repeating: scaleA[c]), t = FloatVector(repeating: shift[c])
                let m = FloatVector(repeating: center?[c] ?? 0)
                if let b, let scaleB {
                    let sb = FloatVector(repeating: scaleB[c])
                    forEachVector(in: offset..<offset + inner) { i, count in
                        out.storeVector((a.loadVector(at: i, count: count) - m) * sa + t + b.loadVector(at: i, count: count) * sb, at: i, count: count)
                    }
                } else {
                    forEachVector(in: offset..<offset + inner) { i, count in
                        out.storeVector((a.loadVector(at: i, count: count) - m) * sa + t, at: i, count: count)
                    }
                }
            }
        }
    }
}
