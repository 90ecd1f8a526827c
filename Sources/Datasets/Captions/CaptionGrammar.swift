import TensorCore

/// What a caption says: a garment class and some of its attributes.
public struct CaptionContent: Sendable, Equatable, Codable {
    public var classIndex: Int
    /// The attributes the caption mentions (the others are left open).
    public var attributes: [GarmentAttribute: GarmentAttribute.Value]

    public init(classIndex: Int, attributes: [GarmentAttribute: GarmentAttribute.Value]) {
        self.classIndex = classIndex
        self.attributes = attributes
    }
}

/// A caption and what it says.
public struct Caption: Sendable, Equatable, Codable {
    public var text: String
    public var content: CaptionContent
    /// Whether its phrasing (template) is one kept out of training.
    public var heldOutPhrasing: Bool
}

/// The seeded grammar of `fashion-captions`: per class several nouns, per attribute value
/// several adjectives, and templates that put them in different orders ("a dark ankle boot",
/// "this boot for the ankle is dark and small", "trainer, small, light-grey"). Some
/// templates and some class-attribute combinations are kept out of the training captions,
/// so held-out captions measure generalization to new phrasings and new combinations.
public enum CaptionGrammar {
    /// Nouns of each Fashion-MNIST class.
    public static let nouns: [[String]] = [
        ["t-shirt", "tee", "top", "tee shirt"],
        ["pair of trousers", "pair of pants", "pair of slacks", "trousers"],
        ["pullover", "sweater", "jumper"],
        ["dress", "frock", "gown"],
        ["coat", "jacket", "overcoat"],
        ["sandal", "open shoe", "summer sandal"],
        ["shirt", "button-up shirt", "blouse"],
        ["sneaker", "trainer", "running shoe"],
        ["bag", "handbag", "purse"],
        ["ankle boot", "boot for the ankle", "short boot", "bootie"],
    ]

    /// Adjectives of each attribute value.
    public static let adjectives: [GarmentAttribute: [GarmentAttribute.Value: [String]]] = [
        .tone: [.low: ["dark", "black", "dim", "dark-grey"], .high: ["light", "bright", "pale", "light-grey", "white"]],
        .size: [.low: ["small", "little", "slim", "narrow"], .high: ["large", "big", "wide", "bulky"]],
        .pattern: [.low: ["plain", "solid", "simple"], .high: ["patterned", "textured", "detailed", "busy"]],
    ]

    /// Templates: `{adj}` adjectives before the noun, `{pred}` adjectives as a predicate
    /// ("dark and small"), `{list}` adjectives after commas. The first ones are used for
    /// training, the last `heldOutTemplateCount` only in held-out captions.
    public static let templates = [
        "a {adj} {noun}",
        "{adj} {noun}",
        "a {noun} that is {pred}",
        "this {noun} is {pred}",
        "a picture of a {adj} {noun}",
        "{noun}, {list}",
        "a photo of a {noun} that looks {pred}",
        // Held out:
        "this is a {adj} {noun}",
        "picture of a {noun} that is {pred}",
        "a photo of this {adj} {noun}",
    ]
    public static let heldOutTemplateCount = 3
    static var trainingTemplates: Range<Int> { 0..<(templates.count - heldOutTemplateCount) }
    static var heldOutTemplates: Range<Int> { (templates.count - heldOutTemplateCount)..<templates.count }

    /// Class-attribute combinations no training caption mentions.
    public static let heldOutCombinations: [(classIndex: Int, attribute: GarmentAttribute, value: GarmentAttribute.Value)] = [
        (4, .tone, .low), (7, .size, .high), (3, .pattern, .high), (8, .size, .low), (0, .tone, .high), (9, .pattern, .low),
    ]

    /// Whether a training caption may say `value` of `attribute` for `classIndex`.
    public static func isHeldOut(classIndex: Int, attribute: GarmentAttribute, value: GarmentAttribute.Value) -> Bool {
        heldOutCombinations.contains { $0.classIndex == classIndex && $0.attribute == attribute && $0.value == value }
    }

    /// Every word a training caption can use, sorted.
    public static var trainingWords: [String] {
        var words = Set<String>()
        for template in trainingTemplates.map({ templates[$0] }) {
            let text = ["{adj}", "{pred}", "{list}", "{noun}"].reduce(template) { $0.replacingOccurrences(of: $1, with: " ") }
            words.formUnion(Tokenizer.words(text))
        }
        for group in nouns { for noun in group { words.formUnion(Tokenizer.words(noun)) } }
        for (_, values) in adjectives { for (_, list) in values { for word in list { words.formUnion(Tokenizer.words(word)) } } }
        words.insert("and")
        return words.sorted()
    }

    static func pick<T>(_ items: [T], _ rng: inout RandomGenerator) -> T { items[Int(rng.next() % UInt64(items.count))] }

    /// A caption of `content` in template `template`, synonyms and adjective order drawn from `rng`.
    public static func render(_ content: CaptionContent, template: Int, generator rng: inout RandomGenerator) -> String {
        let attributes = GarmentAttribute.allCases.filter { content.attributes[$0] != nil }
        let order = rng.permutation(attributes.count).map { attributes[$0] }
        let words = order.map { pick(adjectives[$0]![content.attributes[$0]!]!, &rng) }
        let noun = pick(nouns[content.classIndex], &rng)
        var predicate = words.joined(separator: ", ")
        if words.count >= 2 { predicate = words.dropLast().joined(separator: ", ") + " and " + words.last! }
        var text = templates[template]
        text = text.replacingOccurrences(of: "{adj}", with: words.joined(separator: " "))
        text = text.replacingOccurrences(of: "{pred}", with: predicate)
        text = text.replacingOccurrences(of: "{list}", with: words.joined(separator: ", "))
        text = text.replacingOccurrences(of: "{noun}", with: noun)
        return text.split(separator: " ").joined(separator: " ").replacingOccurrences(of: " ,", with: ",")
            .trimmingCharacters(in: CharacterSet(charactersIn: ", "))
    }

    /// Templates that read well with `count` attributes (the predicate forms need one).
    static func templates(in range: Range<Int>, attributeCount: Int) -> [Int] {
        range.filter { attributeCount > 0 || !(templates[$0].contains("{pred}") || templates[$0].contains("{list}")) }
    }

    /// A training caption of an image of `classIndex` whose clear attribute values are
    /// `clear`: each mentioned with probability 0.7, except held-out combinations.
    public static func trainingCaption(classIndex: Int, clear: [GarmentAttribute: GarmentAttribute.Value],
                                       generator rng: inout RandomGenerator) -> Caption {
        var mentioned: [GarmentAttribute: GarmentAttribute.Value] = [:]
        for attribute in GarmentAttribute.allCases {
            guard let value = clear[attribute], rng.nextUniform() < 0.7,
                  !isHeldOut(classIndex: classIndex, attribute: attribute, value: value) else { continue }
            mentioned[attribute] = value
        }
        let content = CaptionContent(classIndex: classIndex, attributes: mentioned)
        let template = pick(templates(in: trainingTemplates, attributeCount: mentioned.count), &rng)
        return Caption(text: render(content, template: template, generator: &rng), content: content, heldOutPhrasing: false)
    }

    /// A held-out caption of an image: it mentions every clear attribute (at least one of
    /// them) and either says a held-out class-attribute combination in any template or uses
    /// a held-out template. Nil when the image has no clear attribute.
    public static func heldOutCaption(classIndex: Int, clear: [GarmentAttribute: GarmentAttribute.Value],
                                      generator rng: inout RandomGenerator) -> Caption? {
        guard !clear.isEmpty else { return nil }
        let content = CaptionContent(classIndex: classIndex, attributes: clear)
        let newCombination = clear.contains { isHeldOut(classIndex: classIndex, attribute: $0.key, value: $0.value) }
        let range = newCombination ? 0..<templates.count : heldOutTemplates
        let template = pick(templates(in: range, attributeCount: clear.count), &rng)
        return Caption(text: render(content, template: template, generator: &rng), content: content,
                       heldOutPhrasing: heldOutTemplates.contains(template))
    }
}

import Foundation
