/// Reverse-mode accumulation over a recorded graph.
enum Backpropagation {
    /// Cotangents of `targets` for the output `root` seeded with `seed`; zeros for targets that
    /// `root` does not depend on. Only nodes on a path from a target to `root` are visited.
    static func cotangents(of root: Tensor, seed: Tensor, targets: [Tensor]) -> [Tensor] {
        let targetIDs = Set(targets.compactMap { $0.node.map(ObjectIdentifier.init) })
        guard let rootNode = root.node else { return targets.map { Tensor.zeros($0.shape) } }

        // Post-order of the nodes `root` depends on, noting which of them reach a target.
        var order: [Node] = []
        var reaches: [ObjectIdentifier: Bool] = [:]
        var stack: [(node: Node, expanded: Bool)] = [(rootNode, false)]
        while let (node, expanded) = stack.popLast() {
            let id = ObjectIdentifier(node)
            if expanded {
                let isTarget = targetIDs.contains(id)
                reaches[id] = isTarget || node.inputs.contains { input in
                    input.map { reaches[ObjectIdentifier($0)] ?? false } ?? false
                }
                order.append(node)
                continue
            }
            if reaches[id] != nil { continue }
            reaches[id] = false
            stack.append((node, true))
            if targetIDs.contains(id) { continue }  // nothing beyond a target is needed
            for case let input? in node.inputs where reaches[ObjectIdentifier(input)] == nil {
                stack.append((input, false))
            }
        }

        var cotangents: [ObjectIdentifier: Tensor] = [ObjectIdentifier(rootNode): seed]
        for node in order.reversed() {
            let id = ObjectIdentifier(node)
            guard reaches[id] == true, !targetIDs.contains(id),
                  let cotangent = cotangents.removeValue(forKey: id), let pullback = node.pullback
            else { continue }
            let output = Tensor(shape: node.shape, storage: node.savedOutput ?? cotangent.storage, node: node)
            let needed = node.inputs.map { input in input.map { reaches[ObjectIdentifier($0)] == true } ?? false }
            let inputCotangents = pullback(cotangent, output, needed)
            for (input, inputCotangent) in zip(node.inputs, inputCotangents) {
                guard let input, let inputCotangent, reaches[ObjectIdentifier(input)] == true else { continue }
                require(inputCotangent.shape == input.shape,
                             "backward of \(node.operation): cotangent shape \(inputCotangent.shape) for input of shape \(input.shape)")
                let key = ObjectIdentifier(input)
                if let existing = cotangents[key] {
                    cotangents[key] = existing + inputCotangent
                } else {
                    cotangents[key] = inputCotangent
                }
            }
        }
        return targets.map { target in
            target.node.flatMap { cotangents[ObjectIdentifier($0)] } ?? Tensor.zeros(target.shape)
        }
    }
}
