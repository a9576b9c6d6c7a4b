import XCTest
import FeatureMapsEngine

/// `--class`: auto, indices, WordNet ids, labels matched loosely, ambiguity and suggestions.
final class ClassLookupTests: XCTestCase {
    func testAutoIndexWordNetIDAndLabels() throws {
        XCTAssertEqual(try ImageNet.resolve("auto", classes: 1000), .top1)
        XCTAssertEqual(try ImageNet.resolve("AUTO", classes: 1000), .top1)
        XCTAssertEqual(try ImageNet.resolve("88", classes: 1000), .index(88))
        XCTAssertEqual(try ImageNet.resolve("0", classes: 1000), .index(0))
        XCTAssertEqual(try ImageNet.resolve("n01818515", classes: 1000), .index(88))
        XCTAssertEqual(try ImageNet.resolve("macaw", classes: 1000), .index(88))
        XCTAssertEqual(try ImageNet.resolve("Egyptian cat", classes: 1000), .index(285))
        XCTAssertEqual(try ImageNet.resolve("egyptian_cat", classes: 1000), .index(285))
        XCTAssertEqual(try ImageNet.resolve("  Tabby   CAT ", classes: 1000), .index(281), "any lemma, not only the label")
        XCTAssertEqual(try ImageNet.resolve("tank suit", classes: 1000), .index(639))
    }

    /// The two cranes share every lemma; only the WordNet id (or the index) picks one.
    func testCraneIsAmbiguousAndTheWordNetIDDecides() throws {
        XCTAssertThrowsError(try ImageNet.resolve("crane", classes: 1000)) { error in
            guard case .ambiguousClass(let name, let candidates) = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "crane")
            XCTAssertEqual(candidates, ["134 crane (n02012849, the bird)", "517 crane (n03126707, the machine)"])
            let message = (error as? EngineError)?.errorDescription ?? ""
            XCTAssert(message.contains("n02012849") && message.contains("WordNet id"), message)
        }
        XCTAssertEqual(try ImageNet.resolve("n02012849", classes: 1000), .index(134))
        XCTAssertEqual(try ImageNet.resolve("N03126707", classes: 1000), .index(517))
    }

    func testUnknownNamesGetSuggestions() {
        XCTAssertThrowsError(try ImageNet.resolve("macaws", classes: 1000)) { error in
            guard case .unknownClass(_, let suggestions) = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(suggestions.first, "88 macaw (n01818515)")
        }
        XCTAssertThrowsError(try ImageNet.resolve("cat", classes: 1000)) { error in
            guard case .unknownClass(_, let suggestions) = error as? EngineError else { return XCTFail("\(error)") }
            XCTAssertEqual(suggestions.map { $0.prefix(4) }, ["281 ", "282 ", "283 ", "284 ", "285 "], "whole-word matches first")
        }
    }

    func testIndicesOutsideTheModelAreRefused() {
        XCTAssertThrowsError(try ImageNet.resolve("1000", classes: 1000)) {
            XCTAssertEqual($0 as? EngineError, .classOutOfRange(1000, classes: 1000))
        }
        XCTAssertThrowsError(try ImageNet.resolve("99999999999999999999999", classes: 1000)) {
            guard case .classOutOfRange = $0 as? EngineError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try ImageNet.resolve("9", classes: 10), .index(9))
        XCTAssertThrowsError(try ImageNet.resolve("macaw", classes: 10), "names need the 1000 ImageNet classes")
    }
}
