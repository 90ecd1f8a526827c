import Foundation
import TensorCore

extension Module {
    /// Writes this module's parameters and buffers as safetensors with PyTorch `state_dict`
    /// names, atomically.
    public func saveCheckpoint(to path: String, metadata: [String: String] = [:]) throws {
        try SafeTensors.write(state(), integerNames: integerStateNames, metadata: metadata, to: path)
    }

    /// Loads parameters and buffers from a safetensors file (written here or by PyTorch).
    /// Every name, shape and dtype is checked first; on any mismatch nothing changes and the
    /// error lists exactly which keys are missing, unexpected or mismatched. With `strict`
    /// off, missing and unexpected keys are allowed.
    public func loadCheckpoint(from path: String, strict: Bool = true) throws {
        let contents = try SafeTensors.read(from: path)
        try load(contents.tensors, dataTypes: contents.dataTypes, source: path, strict: strict)
    }

    /// Loads named tensors into this module after checking names and shapes (see `loadCheckpoint`).
    public func load(_ tensors: [String: Tensor], dataTypes: [String: SafeTensors.DataType] = [:],
                     source: String, strict: Bool = true) throws {
        let own = Dictionary(uniqueKeysWithValues: state().map { ($0.name, $0.value) })
        let integers = integerStateNames
        let missing = own.keys.filter { tensors[$0] == nil }.sorted()
        let unexpected = tensors.keys.filter { own[$0] == nil }.sorted()
        var wrong: [String] = []
        for (name, value) in own.sorted(by: { $0.key < $1.key }) {
            guard let loaded = tensors[name] else { continue }
            if loaded.shape != value.shape {
                wrong.append("\(name) has shape \(loaded.shape) in the file, \(value.shape) in the model")
            } else if let type = dataTypes[name] {
                let isIntegerType = [.int64, .int32, .uint8].contains(type)
                if integers.contains(name) != isIntegerType {
                    wrong.append("\(name) is \(type.rawValue) in the file, \(integers.contains(name) ? "I64" : "a float type") in the model")
                }
            }
        }
        if !wrong.isEmpty || (strict && !(missing.isEmpty && unexpected.isEmpty)) {
            throw CheckpointError.mismatch(file: source, missing: strict ? missing : [], unexpected: strict ? unexpected : [], wrongShape: wrong)
        }
        update(tensors.filter { own[$0.key] != nil })
    }
}
