import Foundation
import XCTest
import TestSupport
import ZIPFoundation
@testable import FeatureMapsModels

/// Hostile `.keras` archives made at test time: unsafe names, duplicates, missing entries, sizes
/// above the caps (declared, or hidden behind lying headers), damage; each refused in one line
/// naming the file, with no temporary file left.
final class ArchiveTests: XCTestCase {
    func refusal(_ entries: [ZipFixtures.Entry], _ name: String = #function, limits: KerasArchive.Limits? = nil) throws -> ModelError {
        let path = ZipFixtures.path(name.filter { $0.isLetter } + ".keras")
        try ZipFixtures.write(entries, to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = try ModelTesting.refusal(path, limits: limits)
        let message = error.errorDescription ?? ""
        XCTAssert(message.hasPrefix("model file '\(path)'"), message)
        XCTAssertFalse(message.contains("\n"), message)
        return error
    }

    func testUnsafeEntryNamesAreRefused() throws {
        for bad in ["../evil", "assets/../../evil2", "/etc/evil", "assets\\evil", "a/../../b"] {
            let error = try refusal(ZipFixtures.keras(extra: [.init(name: bad, content: .bytes(Data("x".utf8)))]))
            XCTAssertEqual(error, .unsafeEntryName(file: ZipFixtures.path("testUnsafeEntryNamesAreRefused.keras"), entry: bad))
        }
        XCTAssert(KerasArchive.isSafe("assets/vocab..txt"))
        XCTAssert(KerasArchive.isSafe("model.weights.h5"))
    }

    func testDuplicateAndMissingEntriesAreRefused() throws {
        let twice = try refusal(ZipFixtures.keras(extra: [.init(name: "config.json", content: .bytes(ZipFixtures.tinyConfig))]))
        guard case .duplicateEntry(_, "config.json") = twice else { return XCTFail("\(twice)") }
        for missing in ["metadata.json", "config.json", "model.weights.h5"] {
            let error = try refusal(ZipFixtures.keras().filter { $0.name != missing })
            XCTAssertEqual(error, .entryMissing(file: ZipFixtures.path("testDuplicateAndMissingEntriesAreRefused.keras"), entry: missing))
        }
    }

    func testConfigThatIsNotJSONOrNotAModel() throws {
        guard case .notJSON(_, "config.json", _) = try refusal(ZipFixtures.keras(config: .bytes(Data("{\"class_name\": ".utf8)))) else {
            return XCTFail()
        }
        guard case .notJSON(_, "config.json", let reason) = try refusal(ZipFixtures.keras(config: .bytes(Data("[NaN]".utf8)))) else {
            return XCTFail()
        }
        XCTAssert(reason.contains("NaN"), reason)
        guard case .notKerasConfig = try refusal(ZipFixtures.keras(config: .bytes(Data("[1, 2]".utf8)))) else { return XCTFail() }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        guard case .notJSON = try refusal(ZipFixtures.keras(config: .bytes(Data(deep.utf8)))) else { return XCTFail() }
        guard
            case .unsupportedVersion(_, "1.2.2") = try refusal(
                [.init(name: "metadata.json", content: .bytes(Data(#"{"keras_version": "1.2.2"}"#.utf8)))]
                    + ZipFixtures.keras().dropFirst())
        else { return XCTFail() }
    }

    /// The weights entry is copied to a private temporary file for the HDF5 reader: garbage there is
    /// the reader's one-line error naming the entry, and the copy is gone afterwards.
    func testDamagedWeightsEntryIsTheReadersErrorAndLeavesNoCopy() throws {
        let error = try refusal(ZipFixtures.keras())
        guard case .hdf5(_, "model.weights.h5", .notHDF5) = error else { return XCTFail("\(error)") }
        XCTAssert(error.errorDescription!.contains("model.weights.h5: not an HDF5 file"), error.errorDescription!)
    }

    /// 100 MB of JSON (valid, stored): refused from its declared size, above config.json's 64 MB.
    func testHundredMegabytesOfJSONIsRefused() throws {
        var json = Data(#"{"class_name": "Sequential", "config": {"name": "big", "layers": []}, "padding": ""#.utf8)
        json.append(Data(repeating: UInt8(ascii: "x"), count: 100 << 20))
        json.append(Data("\"}".utf8))
        let error = try refusal(ZipFixtures.keras(config: .bytes(json)))
        guard case .entryTooLarge(_, "config.json", 64 << 20) = error else { return XCTFail("\(error)") }
    }

    /// A stored entry whose header lies about its size: read as declared, the CRC-32 then fails.
    func testStoredEntryWithALyingHeaderIsDamaged() throws {
        let path = ZipFixtures.path("lying-stored.keras")
        try ZipFixtures.write(ZipFixtures.keras(), to: path)
        try ZipFixtures.lie(about: "config.json", size: 20, in: path)
        let error = try ModelTesting.refusal(path)
        guard case .entryDamaged(_, "config.json", _) = error else { return XCTFail("\(error)") }
    }

    func testNamesOfTheKerasWeightKeys() {
        // keras/src/utils/naming.py to_snake_case, as Python computes it.
        let expected = [
            "ReLU": "re_lu", "GlobalAveragePooling2D": "global_average_pooling2d", "Conv2D": "conv2d",
            "Conv2DTranspose": "conv2d_transpose", "DepthwiseConv2D": "depthwise_conv2d",
            "BatchNormalization": "batch_normalization", "Functional": "functional", "InputLayer": "input_layer",
            "PReLU": "p_re_lu", "ZeroPadding2D": "zero_padding2d", "SeparableConv2D": "separable_conv2d",
            "MaxPooling2D": "max_pooling2d", "LSTM": "lstm", "GRUCell": "gru_cell", "HTTPServer2X": "http_server2x",
        ]
        for (name, key) in expected { XCTAssertEqual(VariableNames.snakeCase(name), key, name) }
    }
}
