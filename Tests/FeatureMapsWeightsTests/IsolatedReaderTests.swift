import Foundation
import XCTest
import FeatureMapsEngine
@testable import FeatureMapsWeights

/// The HDF5 reader runs in a process of its own (featuremaps-hdf5-reader); libhdf5 crashes and
/// endless loops on malformed files come back as errors. Fuzz/reproducers/weights holds the inputs the fuzzer found (see README, "Fuzzing").
final class IsolatedReaderTests: XCTestCase {
    static let root = KerasWeightsFileTests.root
    func reproducer(_ name: String) -> String { Self.root + "/Fuzz/reproducers/weights/" + name }

    func testIsolatedAndInProcessReadsAgree() throws {
        for name in ["split_layer_names.h5", "vlen_weight_names.h5", "mixed_storage.h5", "mobilenet_v2_0.35_224_fixture.h5"] {
            let path = Self.root + "/Fixtures/weights/" + name
            let isolated = try IsolatedReader.read(path: path)
            let local = try IsolatedReader.readInProcess(path: path)
            XCTAssertEqual(isolated.layerOrder, local.layerOrder, name)
            XCTAssertEqual(isolated.layers, local.layers, name)
        }
    }

    /// libhdf5 1.10.8 copies a global-heap object with a corrupt size (H5HG_read, memcpy of
    /// terabytes) while reading a variable-length weight_names attribute: a segmentation fault
    /// in the library. Through the isolated reader it is one line and status 66.
    func testLibraryCrashBecomesAnError() throws {
        let path = reproducer("hdf5-global-heap-memcpy-overlap.h5")
        XCTAssertThrowsError(try WeightsLoader.load(path: path)) { error in
            XCTAssertEqual(error as? WeightsError, .readerCrashed(path: path, signal: 11))
            let message = (error as? WeightsError)?.errorDescription ?? ""
            XCTAssert(message.contains(path) && !message.contains("\n"), message)
        }
    }

    /// Inputs on which libhdf5 1.10.8 segfaults (or, for two of them, reads out of bounds as
    /// AddressSanitizer sees it), collected by `Scripts/fuzz weights` from its reader processes.
    func testEveryLibraryCrashReproducerIsAnError() throws {
        let dir = Self.root + "/Fuzz/reproducers/weights"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("libhdf5-crash-") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10)
        var crashed = 0
        for name in names {
            let path = dir + "/" + name
            XCTAssertThrowsError(try WeightsLoader.load(path: path)) { error in
                guard let e = error as? WeightsError, let text = e.errorDescription else { return XCTFail("\(name): \(error)") }
                XCTAssert(text.contains(path) && !text.contains("\n"), text)
                if case .readerCrashed = e { crashed += 1 }
            }
        }
        print("libhdf5 crash reproducers: \(names.count), of which \(crashed) crash the library outside AddressSanitizer")
    }

    /// libhdf5 loops forever deserialising a corrupt global heap (H5HG cache callback): the
    /// reader is killed at its deadline.
    func testEndlessLoopIsStoppedAtTheDeadline() throws {
        let names =
            try FileManager.default.contentsOfDirectory(atPath: Self.root + "/Fuzz/reproducers/weights")
            .filter { $0.hasPrefix("hdf5-endless-loop-") } + ["hdf5-global-heap-endless-loop.h5"]
        XCTAssertGreaterThanOrEqual(names.count, 2)
        for name in names {
            let path = reproducer(name)
            let start = Date()
            XCTAssertThrowsError(try WeightsLoader.load(path: path, readerDeadline: 2)) { error in
                XCTAssertEqual(error as? WeightsError, .readerTimedOut(path: path, seconds: 2), name)
            }
            XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        }
    }

    /// A weight name read from a damaged file contains a newline: the message escapes it, so it
    /// stays one line (found by `Scripts/fuzz weights-inprocess`; the harness asserts one line).
    func testNamesFromTheFileCannotBreakTheLine() throws {
        for name in ["weight-name-with-newline.h5", "weight-name-with-newline-2.h5"] {
            let path = reproducer(name)
            for isolated in [true, false] {
                XCTAssertThrowsError(try WeightsLoader.load(path: path, isolated: isolated)) { error in
                    let text = (error as? WeightsError)?.errorDescription ?? "\(error)"
                    XCTAssert(text.contains("\\n") && !text.contains("\n"), text)
                }
            }
        }
        XCTAssertEqual(WeightsError.notFound(path: "a\nb\u{1B}[31m").errorDescription?.hasPrefix("weights file 'a\\nb\\u{1B}[31m'"), true)
    }

    /// A datatype size of gigabytes made H5Dread allocate gigabytes for a 6-value dataset.
    func testHugeDatatypeSizeIsRefusedBeforeReading() throws {
        for (name, dataset) in [("datatype-size-4gb.h5", "conv_a/conv_a/kernel:0"), ("datatype-size-3gb.h5", "bn_a/bn_a/beta:0")] {
            let path = reproducer(name)
            XCTAssertThrowsError(try WeightsLoader.load(path: path)) { error in
                guard case .hdf5(path, .unsupportedType(dataset, let detail))? = error as? WeightsError else {
                    return XCTFail("\(name): \(error)")
                }
                XCTAssert(detail.hasPrefix("a number type of "), detail)
            }
        }
    }

    func testOtherReproducersAreTypedErrors() throws {
        for name in ["hdf5-metadata-terabyte-malloc.h5", "hdf5-open-error-leak.h5", "hdf5-free-list-2gb.h5"] {
            XCTAssertThrowsError(try WeightsLoader.load(path: reproducer(name))) { error in
                XCTAssert(error is WeightsError, "\(name): \(error)")
            }
        }
    }

    func testDatasetsAboveTheLimitAreRefusedFromTheirDataspace() throws {
        let file = try HDF5File(path: Self.root + "/Fixtures/weights/split_layer_names.h5")
        XCTAssertThrowsError(try file.floatDataset("dense_c/dense_c/kernel:0", maxValues: 11)) { error in
            XCTAssertEqual(error as? HDF5Error, .tooLarge(object: "dense_c/dense_c/kernel:0", shape: ["3", "4"], limit: 11))
        }
        XCTAssertEqual(try file.floatDataset("dense_c/dense_c/kernel:0", maxValues: 12).values.count, 12)
    }

    func testWireFormatRoundTripsAndRefusesDamage() throws {
        let manifest = WeightsManifest(
            layerOrder: ["a", "b", "c"],
            layers: [
                "a": [
                    "kernel": .values(shape: [1, 2], values: [1, -.infinity]),
                    "bias": .located(shape: [2], offset: 4096),
                ],
                "b": [:],
            ],
            file: FileIdentity(device: 2049, inode: UInt64.max - 1, size: 1 << 40))
        let bytes = WireFormat.encode(.success(manifest))
        guard case .success(let back)? = WireFormat.decode(bytes) else { return XCTFail("no round trip") }
        XCTAssertEqual(back, manifest)
        for cut in 0..<bytes.count {
            XCTAssertNil(WireFormat.decode(Array(bytes.prefix(cut))), "prefix \(cut)")
        }
        let failures: [ReaderFailure] = [
            .notHDF5, .notKerasLayout,
            .hdf5(.callFailed(function: "H5Aread", object: "/@layer_names")),
            .hdf5(.tooLarge(object: "x", shape: ["4294967296", "7"], limit: 16)),
            .other("no memory"),
        ]
        for failure in failures {
            guard case .failure(let back)? = WireFormat.decode(WireFormat.encode(.failure(failure))) else {
                return XCTFail("\(failure)")
            }
            XCTAssertEqual(back, failure)
        }
        XCTAssertEqual(WeightsError(.other("no memory"), path: "w.h5"), .readerFailed(path: "w.h5", reason: "no memory"))
        XCTAssertEqual(WeightsError(.notKerasLayout, path: "w.h5"), .notKerasLayout(path: "w.h5"))
    }
}
