import XCTest
import FeatureMapsWeights

final class WeightsLocatorTests: XCTestCase {
    func testFlagThenEnvironmentThenKerasCache() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("fm-home-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        let env = ["HOME": home, "FEATUREMAPS_WEIGHTS": "/env/w.h5"]
        XCTAssertEqual(try WeightsLocator.locate(flag: "/flag/w.h5", environment: env), WeightsLocation(path: "/flag/w.h5", source: .flag))
        XCTAssertEqual(try WeightsLocator.locate(flag: nil, environment: env), WeightsLocation(path: "/env/w.h5", source: .environment))

        let cacheDir = home + "/.keras/models"
        let cached = cacheDir + "/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5"
        XCTAssertThrowsError(try WeightsLocator.locate(flag: nil, environment: ["HOME": home])) { error in
            guard case .noWeights(let searched) = error as? WeightsError else { return XCTFail("\(error)") }
            XCTAssertEqual(searched.last, cached)
            let message = (error as? WeightsError)?.errorDescription ?? ""
            XCTAssert(message.contains(cached) && message.contains("--weights") && message.contains("FEATUREMAPS_WEIGHTS"), message)
        }
        try FileManager.default.createDirectory(atPath: cacheDir, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: cached, contents: Data([1]))
        XCTAssertEqual(try WeightsLocator.locate(flag: nil, environment: ["HOME": home]), WeightsLocation(path: cached, source: .kerasCache))
    }

    func testKerasHomeReplacesHomeDotKeras() {
        XCTAssertEqual(WeightsLocator.kerasModelsDirectory(environment: ["HOME": "/h", "KERAS_HOME": "/k"]), "/k/models")
        XCTAssertEqual(WeightsLocator.kerasModelsDirectory(environment: ["HOME": "/h"]), "/h/.keras/models")
        XCTAssertEqual(
            WeightsLocator.kerasFileName(alpha: "0.35", rows: 96, includeTop: false),
            "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_96_no_top.h5")
    }
}
