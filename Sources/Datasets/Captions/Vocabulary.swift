import Foundation

/// Splits captions into words: lower case, runs of letters, digits, hyphens and apostrophes;
/// everything else separates words.
public enum Tokenizer {
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text.lowercased() {
            if character.isLetter || character.isNumber || character == "-" || character == "'" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}

/// The words a text encoder knows, each with an index: 0 is padding (`<pad>`), 1 the unknown
/// word (`<unk>`), then the words in the order given. Saved as JSON
/// (`{"words": ["<pad>", "<unk>", ...]}`) beside a run's checkpoints.
public struct Vocabulary: Sendable, Equatable, Codable {
    public static let padding = "<pad>", unknown = "<unk>"
    public static let paddingIndex = 0, unknownIndex = 1

    /// Every token by index, the two special ones first.
    public let words: [String]
    let indices: [String: Int]

    /// A vocabulary of `words` (duplicates and the special tokens are dropped) after the
    /// special tokens.
    public init(words: [String]) {
        var all = [Self.padding, Self.unknown]
        var seen = Set(all)
        for word in words where seen.insert(word).inserted { all.append(word) }
        self.words = all
        indices = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($1, $0) })
    }

    /// A vocabulary of every word of `captions`, sorted.
    public init(captions: [String]) {
        self.init(words: Set(captions.flatMap(Tokenizer.words)).sorted())
    }

    public var count: Int { words.count }

    /// The index of each word of `text` (unknown words map to `unknownIndex`) and the words
    /// that were unknown.
    public func encode(_ text: String) -> (indices: [Int], unknownWords: [String]) {
        var unknownWords: [String] = []
        let result = Tokenizer.words(text).map { word -> Int in
            if let index = indices[word] { return index }
            unknownWords.append(word)
            return Self.unknownIndex
        }
        return (result, unknownWords)
    }

    /// The words of `indices`, padding dropped.
    public func decode(_ indices: [Int]) -> String {
        indices.filter { $0 != Self.paddingIndex }.map { words.indices.contains($0) ? words[$0] : Self.unknown }.joined(separator: " ")
    }

    enum CodingKeys: String, CodingKey { case words }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let words = try container.decode([String].self, forKey: .words)
        guard words.count >= 2, words[0] == Self.padding, words[1] == Self.unknown, Set(words).count == words.count else {
            throw DecodingError.dataCorruptedError(forKey: .words, in: container,
                                                   debugDescription: "a vocabulary starts with \(Self.padding), \(Self.unknown) and has no repeated word")
        }
        self.init(words: Array(words.dropFirst(2)))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(words, forKey: .words)
    }

    /// The JSON file contents.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Reads a vocabulary JSON file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw DatasetError(file: path, "cannot read the vocabulary file") }
        do {
            self = try JSONDecoder().decode(Vocabulary.self, from: data)
        } catch {
            throw DatasetError(file: path, "not a vocabulary JSON file ({\"words\": [\"<pad>\", \"<unk>\", ...]})")
        }
    }

    /// Token ids of several captions as one padded `[N, T]` table (T the longest, at least
    /// 1) with each caption's length.
    public static func pad(_ sequences: [[Int]]) -> (ids: [Int], length: Int, lengths: [Int]) {
        let length = max(1, sequences.map(\.count).max() ?? 1)
        var ids = [Int](repeating: paddingIndex, count: sequences.count * length)
        for (row, sequence) in sequences.enumerated() {
            for (column, id) in sequence.enumerated() { ids[row * length + column] = id }
        }
        return (ids, length, sequences.map(\.count))
    }
}
