import Foundation
import NN
import TensorCore

/// The training checkpoint `checkpoints/training.safetensors`: every network's state
/// (`network.NAME.KEY`), every optimizer's (`optimizer.NAME.KEY`), the family's auxiliary
/// state (`auxiliary.NAME`), and in the metadata the step and the states of the noise
/// generator and of every Dropout layer's generator. Written atomically.
enum TrainingCheckpoint {
    static let format = "gankit-training-2"

    /// Every Dropout layer of the family's networks by a stable name.
    static func dropoutLayers(_ model: any GANFamily) -> [(String, Dropout)] {
        model.networks.flatMap { prefix, network in
            network.namedModules().compactMap { name, module in (module as? Dropout).map { ("\(prefix).\(name)", $0) } }
        }
    }

    static func encode(_ generator: RandomGenerator) -> String { generator.state.map(String.init).joined(separator: ",") }

    static func save(_ model: any GANFamily, step: Int, noiseGenerator: RandomGenerator, to path: String) throws {
        var tensors: [(name: String, value: Tensor)] = []
        var integers = Set<String>()
        for (name, network) in model.networks {
            tensors += network.state().map { ("network.\(name).\($0.name)", $0.value) }
            integers.formUnion(network.integerStateNames.map { "network.\(name).\($0)" })
        }
        for (name, optimizer, _) in model.optimizers {
            tensors += optimizer.stateTensors().sorted { $0.key < $1.key }.map { ("optimizer.\(name).\($0.key)", $0.value) }
        }
        tensors += model.auxiliaryState.map { ("auxiliary.\($0.name)", $0.value) }
        var metadata = ["format": format, "step": String(step), "noise_generator": encode(noiseGenerator)]
        for (name, dropout) in dropoutLayers(model) { metadata["dropout_generator.\(name)"] = encode(dropout.generator) }
        try SafeTensors.write(tensors, integerNames: integers, metadata: metadata, to: path)
    }

    /// Loads the checkpoint at `path` into `model`; returns the step and the noise generator.
    static func restore(_ model: any GANFamily, from path: String) throws -> (step: Int, noiseGenerator: RandomGenerator) {
        let contents = try SafeTensors.read(from: path)
        func section(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: contents.tensors.compactMap { key, value in
                key.hasPrefix(prefix) ? (String(key.dropFirst(prefix.count)), value) : nil
            })
        }
        func generatorState(_ key: String) throws -> RandomGenerator {
            let words = contents.metadata[key]?.split(separator: ",").compactMap { UInt64($0) } ?? []
            guard words.count == 4, words.contains(where: { $0 != 0 }) else {
                throw CheckpointError.invalid("\(path): metadata \(key) is missing or malformed")
            }
            return RandomGenerator(state: words)
        }
        guard contents.metadata["format"] == format, let step = contents.metadata["step"].flatMap(Int.init) else {
            throw CheckpointError.invalid("\(path): not a checkpoint of this GANKit version (format \(contents.metadata["format"] ?? "none"), expected \(format)); start a new run")
        }
        for (name, network) in model.networks { try network.load(section("network.\(name)."), source: path) }
        for (name, optimizer, network) in model.optimizers {
            do {
                try optimizer.loadState(section("optimizer.\(name)."), for: network)
            } catch let error as CheckpointError {
                throw CheckpointError.invalid("\(path): optimizer \(name): \(error)")
            }
        }
        try model.restoreAuxiliaryState(section("auxiliary."), source: path)
        for (name, dropout) in dropoutLayers(model) { dropout.generator = try generatorState("dropout_generator.\(name)") }
        return (step, try generatorState("noise_generator"))
    }
}
