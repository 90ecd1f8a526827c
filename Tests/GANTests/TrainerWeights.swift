import GAN

extension Trainer {
    /// Every network's state by `network.name`, as plain values: what exact-resume tests compare.
    var networkWeights: [String: [Float]] {
        var result: [String: [Float]] = [:]
        for (network, module) in model.networks {
            for (name, value) in module.state() { result["\(network).\(name)"] = value.scalars }
        }
        return result
    }
}
