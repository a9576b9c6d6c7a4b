import Foundation
import XCTest
import FeatureMapsWeights

/// Variants and their Keras names, the download settings from the environment, and the plan
/// (use a file, or download into the cache, or refuse because downloading is off).
final class DownloadSettingsTests: XCTestCase {
    func testVariantsUseKerasSpellingAndRefuseUnpublishedValues() throws {
        // Keras: f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}.h5"
        XCTAssertEqual(WeightsVariant.standard.fileName, "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5")
        XCTAssertEqual(try WeightsVariant(alpha: "1").alpha, "1.0")
        XCTAssertEqual(
            try WeightsVariant(alpha: ".5", rows: 96, includeTop: false).fileName,
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_96_no_top.h5")
        XCTAssertEqual(try WeightsVariant(alpha: "0.350").alphaValue, 0.35)
        XCTAssertThrowsError(try WeightsVariant(alpha: "0.6")) { XCTAssertEqual($0 as? WeightsError, .unknownAlpha("0.6")) }
        XCTAssertThrowsError(try WeightsVariant(alpha: "one")) { XCTAssertEqual($0 as? WeightsError, .unknownAlpha("one")) }
        XCTAssertThrowsError(try WeightsVariant(rows: 225)) {
            XCTAssertEqual(($0 as? WeightsError)?.errorDescription, "rows 225 has no Keras weights; use one of 96, 128, 160, 192, 224")
        }
        for alpha in WeightsVariant.alphas {
            for rows in WeightsVariant.rowsValues {
                for top in [true, false] {
                    let v = try WeightsVariant(alpha: alpha, rows: rows, includeTop: top)
                    XCTAssertEqual(WeightsVariant.parse(fileName: v.fileName), v)
                }
            }
        }
        for name in [
            "mobilenet_v2_0.35_224_fixture.h5", "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.6_224.h5",
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_225.h5",
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_top.h5",
        ] {
            XCTAssertNil(WeightsVariant.parse(fileName: name), name)
        }
    }

    func testSettingsFromTheEnvironment() throws {
        let defaults = try DownloadSettings(environment: [:])
        XCTAssertEqual(defaults, DownloadSettings())
        XCTAssertEqual(
            defaults.url(for: .standard),
            "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5")
        XCTAssertNil(defaults.expectedHash(for: .standard), "no official hash is known to the project")

        let mirror = try DownloadSettings(environment: [
            "FEATUREMAPS_WEIGHTS_URL": "http://127.0.0.1:8000/keras", "FEATUREMAPS_DOWNLOAD_TIMEOUT": "2",
            "FEATUREMAPS_WEIGHTS_SHA256": String(repeating: "AB", count: 32),
        ])
        XCTAssertEqual(mirror.url(for: .standard), "http://127.0.0.1:8000/keras/" + WeightsVariant.standard.fileName)
        XCTAssertEqual(mirror.timeout, 2)
        XCTAssertEqual(mirror.expectedHash(for: .standard), String(repeating: "ab", count: 32))

        for (name, value) in [
            ("FEATUREMAPS_WEIGHTS_URL", "ftp://127.0.0.1/w"), ("FEATUREMAPS_WEIGHTS_URL", "127.0.0.1/w"),
            ("FEATUREMAPS_WEIGHTS_URL", "file:///srv/w"), ("FEATUREMAPS_DOWNLOAD_TIMEOUT", "soon"),
            ("FEATUREMAPS_DOWNLOAD_TIMEOUT", "0"), ("FEATUREMAPS_DOWNLOAD_TIMEOUT", "-1"),
            ("FEATUREMAPS_DOWNLOAD_TIMEOUT", "0.5"), ("FEATUREMAPS_DOWNLOAD_TIMEOUT", "3601"),
            ("FEATUREMAPS_WEIGHTS_SHA256", "abc"), ("FEATUREMAPS_WEIGHTS_SHA256", String(repeating: "g", count: 64)),
        ] {
            XCTAssertThrowsError(try DownloadSettings(environment: [name: value]), "\(name)=\(value)") { error in
                guard case .badSetting(name, value, _)? = error as? WeightsError else { return XCTFail("\(error)") }
            }
        }
    }

    func testOfflineFlagThenEnvironment() {
        XCTAssertEqual(DownloadSettings.offlineReason(flag: true, environment: ["FEATUREMAPS_OFFLINE": "1"]), "--offline")
        XCTAssertEqual(DownloadSettings.offlineReason(flag: false, environment: ["FEATUREMAPS_OFFLINE": "1"]), "FEATUREMAPS_OFFLINE=1")
        XCTAssertEqual(DownloadSettings.offlineReason(flag: false, environment: ["FEATUREMAPS_OFFLINE": "yes"]), "FEATUREMAPS_OFFLINE=yes")
        for off in ["", "0", "false", "No"] {
            XCTAssertNil(DownloadSettings.offlineReason(flag: false, environment: ["FEATUREMAPS_OFFLINE": off]), off)
        }
        XCTAssertNil(DownloadSettings.offlineReason(flag: false, environment: [:]))
    }

    func testPlanUsesAFileOrDownloadsIntoTheCacheOrRefuses() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("fm-plan-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let variant = try WeightsVariant(alpha: "0.75", rows: 128, includeTop: false)
        let cached = home + "/models/" + variant.fileName
        let env = ["KERAS_HOME": home, "FEATUREMAPS_WEIGHTS_URL": "http://127.0.0.1:1/m/"]
        XCTAssertEqual(
            try WeightsLocator.plan(flag: "/w.h5", variant: variant, offline: true, environment: env),
            .use(WeightsLocation(path: "/w.h5", source: .flag)))
        XCTAssertEqual(
            try WeightsLocator.plan(flag: nil, variant: variant, environment: env.merging(["FEATUREMAPS_WEIGHTS": "/e.h5"]) { $1 }),
            .use(WeightsLocation(path: "/e.h5", source: .environment)))
        XCTAssertEqual(
            try WeightsLocator.plan(flag: nil, variant: variant, environment: env),
            .download(url: "http://127.0.0.1:1/m/" + variant.fileName, path: cached))
        XCTAssertThrowsError(try WeightsLocator.plan(flag: nil, variant: variant, offline: true, environment: env)) {
            XCTAssertEqual($0 as? WeightsError, .offline(path: cached, why: "--offline"))
        }
        try FileManager.default.createDirectory(atPath: home + "/models", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: cached, contents: Data([1]))
        XCTAssertEqual(
            try WeightsLocator.plan(flag: nil, variant: variant, offline: true, environment: env),
            .use(WeightsLocation(path: cached, source: .kerasCache)))
    }
}
