import Datasets
import Foundation
import TensorCore

extension LaplacianGAN: PartwiseTimed {
    /// Each level's training step on its part of the batch's pyramid (`level0` the finest), and
    /// the sampling chain that draws a batch of full images through every level.
    public func timeParts(on batch: Batch, steps: Int, randomness: inout RandomGenerator) -> [(name: String, seconds: Double)] {
        let labels = classCount == nil ? nil : batch.labels
        let parts = pyramid(of: batch.samples)
        func seconds(_ body: (inout RandomGenerator) -> Void) -> Double {
            body(&randomness)
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<steps { body(&randomness) }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var result: [(name: String, seconds: Double)] = levels.indices.map { k in
            let size = sizes[k]
            return ("level\(k) (\(size)x\(size))", seconds { rng in
                _ = levels[k].step(real: parts[k].sample, labels: labels, condition: parts[k].condition, generator: &rng)
            })
        }
        let count = batch.samples.shape[0]
        result.append(("sampling chain", seconds { rng in
            let latent = Tensor.randn([count, latentSize], generator: &rng)
            _ = samples(latent: latent, labels: labels, useAverage: false)
        }))
        return result
    }
}
