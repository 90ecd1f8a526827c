import XCTest
import Datasets
import TensorCore

/// Tokenizer, vocabulary, garment attributes and the fashion-captions grammar.
final class CaptionTests: XCTestCase {
    func testTokenizerAndVocabularyRoundTrip() throws {
        XCTAssertEqual(Tokenizer.words("A Dark  ankle-boot, for the ANKLE!"), ["a", "dark", "ankle-boot", "for", "the", "ankle"])
        let vocabulary = Vocabulary(captions: ["a dark boot", "A light Boot", "dark bag"])
        XCTAssertEqual(vocabulary.words, ["<pad>", "<unk>", "a", "bag", "boot", "dark", "light"])
        let (ids, unknown) = vocabulary.encode("a DARK zebra boot")
        XCTAssertEqual(ids, [2, 5, Vocabulary.unknownIndex, 4])
        XCTAssertEqual(unknown, ["zebra"])
        XCTAssertEqual(vocabulary.decode(ids), "a dark <unk> boot")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vocabulary-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try vocabulary.jsonData().write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try Vocabulary(contentsOf: path), vocabulary)
        try Data("{\"words\": [\"a\", \"b\"]}".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Vocabulary(contentsOf: path)) { XCTAssertTrue("\($0)".contains(path)) }
        let padded = Vocabulary.pad([[2, 3], [4]])
        XCTAssertEqual(padded.ids, [2, 3, 4, 0])
        XCTAssertEqual(padded.lengths, [2, 1])
    }

    func testAttributesAreMeasuredFromPixels() {
        // A 10x10 bright flat square: coverage 100/784, tone 0.95, no texture inside.
        var pixels = [Float](repeating: -1, count: 784)
        for row in 9..<19 { for column in 9..<19 { pixels[row * 28 + column] = 0.9 } }
        let plain = pixels.withUnsafeBufferPointer { GarmentAttribute.measure($0.baseAddress!) }
        XCTAssertEqual(plain[.size]!, 100 / 784, accuracy: 1e-6)
        XCTAssertEqual(plain[.tone]!, 0.95, accuracy: 1e-6)
        XCTAssertEqual(plain[.pattern]!, 0, accuracy: 1e-6)
        // Stripes inside raise the pattern measure.
        for row in stride(from: 9, to: 19, by: 2) { for column in 9..<19 { pixels[row * 28 + column] = 0.1 } }
        let striped = pixels.withUnsafeBufferPointer { GarmentAttribute.measure($0.baseAddress!) }
        XCTAssertEqual(striped[.pattern]!, 0.2, accuracy: 0.02, "vertical neighbours differ by 0.4, horizontal ones not at all")
        XCTAssertEqual(GarmentAttribute.size.clearValue(0.1, classIndex: 4), .low)
        XCTAssertNil(GarmentAttribute.size.clearValue(0.5587, classIndex: 4))
        XCTAssertEqual(GarmentAttribute.tone.judgedValue(0.9, classIndex: 0), .high)
    }

    func testGrammarHoldsOutPhrasingsAndCombinations() {
        var rng = RandomGenerator(seed: 0)
        let clear: [GarmentAttribute: GarmentAttribute.Value] = [.tone: .low, .size: .high, .pattern: .high]
        var texts = Set<String>()
        for _ in 0..<300 {
            // Coats (class 4) are never called dark in training captions: a held-out combination.
            let caption = CaptionGrammar.trainingCaption(classIndex: 4, clear: clear, generator: &rng)
            XCTAssertNil(caption.content.attributes[.tone])
            XCTAssertFalse(caption.heldOutPhrasing)
            texts.insert(caption.text)
            XCTAssertFalse(caption.text.hasPrefix("this is a"), "a held-out template: \(caption.text)")
        }
        XCTAssertGreaterThan(texts.count, 50, "many phrasings")
        let known = Set(CaptionGrammar.trainingWords)
        for _ in 0..<100 {
            let caption = CaptionGrammar.heldOutCaption(classIndex: 9, clear: [.tone: .low], generator: &rng)!
            XCTAssertTrue(caption.heldOutPhrasing, caption.text)
            XCTAssertTrue(Tokenizer.words(caption.text).allSatisfy(known.contains), "held-out phrasings use known words: \(caption.text)")
        }
        let withCombination = CaptionGrammar.heldOutCaption(classIndex: 4, clear: [.tone: .low], generator: &rng)!
        XCTAssertEqual(withCombination.content.attributes, [.tone: .low])
        XCTAssertNil(CaptionGrammar.heldOutCaption(classIndex: 4, clear: [:], generator: &rng))
        var a = RandomGenerator(seed: 7), b = RandomGenerator(seed: 7)
        XCTAssertEqual(CaptionGrammar.trainingCaption(classIndex: 9, clear: clear, generator: &a),
                       CaptionGrammar.trainingCaption(classIndex: 9, clear: clear, generator: &b), "seeded")
    }
}
